import express, { type NextFunction, type Request, type Response } from 'express';
import { DomainError, ValidationFailedError } from '../common/errors.js';
import { requestState } from '../common/request-context.js';
import { unsafeTextFields } from '../common/text-safety.js';

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
          // Not every storage provider can hold U+0000 or lone surrogates: refuse them for all.
          const unsafe = unsafeTextFields(req.body, 20, 'body');
          if (unsafe.length > 0) return next(new ValidationFailedError(unsafe));
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
  return err;
}
