import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { requestState } from '../common/request-context.js';

const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** API §1.5 request id plus the headers every response carries (API §1.1). */
export function requestIdMiddleware(req: Request, res: Response, next: NextFunction): void {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && VALID_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  requestState(req).requestId = id;
  res.setHeader('x-request-id', id);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  // File and SSE routes override this; JSON responses must never be cached.
  res.setHeader('Cache-Control', 'no-store');
  next();
}
