import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import type { ParsedCaptureName } from '../capture-name.js';
import { rangeNotSatisfiable } from '../capture-errors.js';
import type { OpenCaptureFile } from '../store/capture-store.js';
import { decideRange, type ByteRange } from './byte-range.js';
import { captureEtag, contentDisposition, etagMatches, FALLBACK_CONTENT_TYPE, ifRangeAllows, mediaContentType } from './capture-headers.js';

/**
 * Answers `GET /captures/:name` for an opened file (API §6.2): 200, 206 with Content-Range,
 * 304 for a matching conditional request; 416 is thrown (before any header is written) so the
 * global filter renders RANGE_NOT_SATISFIABLE. The file is always released.
 */
export async function sendCapture(req: Request, res: Response, parsed: ParsedCaptureName, file: OpenCaptureFile): Promise<void> {
  let streaming = false;
  try {
    const etag = captureEtag(file.size, file.modified);
    const lastModified = new Date(file.modified).toUTCString();
    const notModified = isNotModified(req, etag, file.modified);

    let range: ByteRange | null = null;
    if (!notModified && ifRangeAllows(req.get('if-range'), etag, lastModified)) {
      const decision = decideRange(req.get('range'), file.size);
      if (decision.kind === 'unsatisfiable') throw rangeNotSatisfiable(file.size);
      if (decision.kind === 'partial') range = decision.range;
    }

    res.setHeader('Cache-Control', 'private, no-cache');
    res.setHeader('ETag', etag);
    res.setHeader('Last-Modified', lastModified);
    res.setHeader('Accept-Ranges', 'bytes');
    if (notModified) {
      res.status(304).end();
      return;
    }
    // Downloads: Express's extension lookup, falling back to application/octet-stream.
    if (parsed.kind === 'dl') res.type(parsed.ext ?? FALLBACK_CONTENT_TYPE);
    else res.setHeader('Content-Type', mediaContentType(parsed));
    const disposition = contentDisposition(parsed);
    if (disposition) {
      res.setHeader('Content-Disposition', disposition);
      // A downloaded page must never run as our origin, even if a browser renders it.
      res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    }
    if (range) {
      res.status(206);
      res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${file.size}`);
      res.setHeader('Content-Length', String(range.end - range.start + 1));
    } else {
      res.status(200);
      res.setHeader('Content-Length', String(file.size));
    }
    if (req.method === 'HEAD' || file.size === 0) {
      res.end();
      return;
    }
    streaming = true;
    await pipeline(file.createReadStream(range ?? undefined), res).catch(() => {
      // Client went away or the file vanished mid-stream: the status line is gone, just cut the connection.
      res.destroy();
    });
  } finally {
    if (!streaming) await file.close();
  }
}

function isNotModified(req: Request, etag: string, modified: number): boolean {
  const inm = req.get('if-none-match');
  if (inm !== undefined) return etagMatches(inm, etag);
  const ims = req.get('if-modified-since');
  if (ims === undefined) return false;
  const since = Date.parse(ims);
  return Number.isFinite(since) && Math.floor(modified / 1000) * 1000 <= since;
}

