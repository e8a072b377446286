import express, { type NextFunction, type Request, type Response } from 'express';
import { DomainError } from '../common/errors.js';
import { requestState } from '../common/request-context.js';

const JSON_TYPE = /^application\/(?:json|[^;\s]+\+json)\s*(?:;|$)/i;

/**
 * API §1.4 step 2: size check (413) for every body, JSON parse (400 INVALID_JSON) for JSON
 * content types, and `{}` for a missing/empty body or any other content type.
 */
export function bodyMiddleware(limitBytes: number) {
  const readRaw = express.raw({ type: () => true, limit: limitBytes });
  return (req: Request, res: Response, next: NextFunction): void => {
    readRaw(req, res, (err?: unknown) => {
      if (err) return next(mapBodyError(err, limitBytes));
      const raw: unknown = req.body;
      req.body = {};
      const contentType = req.headers['content-type'] ?? '';
      if (Buffer.isBuffer(raw) && raw.length > 0 && JSON_TYPE.test(contentType)) {
        const text = raw.toString('utf8').replace(/^\uFEFF/, '');
        if (text.trim() !== '') {
          try {
            req.body = JSON.parse(text);
          } catch {
            return next(new DomainError('INVALID_JSON', 'Request body is not valid JSON'));
          }
          // U+0000 and lone surrogates are refused by AppValidationPipe (validation comes after auth, API §1.4).
        }
      }
      requestState(req).bodyParsed = true;
      next();
    });
  };
}

function mapBodyError(err: unknown, limit: number): unknown {
  const e = err as { type?: string; status?: number };
  if (e.type === 'entity.too.large' || e.status === 413) {
    return new DomainError('PAYLOAD_TOO_LARGE', `Request body exceeds ${limit} bytes`, { limit });
  }
  if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') {
    return new DomainError('INVALID_JSON', 'Unsupported request body encoding');
  }
  if (e.type === 'request.aborted') return new DomainError('INVALID_JSON', 'Request body was aborted');
  // Anything else the reader reports as a client error (corrupt gzip/deflate/br data, a length
  // that does not match Content-Length) is a malformed body.
  if (e.status === 400) return new DomainError('INVALID_JSON', 'Request body could not be read or decoded');
  return err;
}
