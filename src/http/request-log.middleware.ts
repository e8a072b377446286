import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { requestState } from '../common/request-context.js';

/** One structured line per request, with the request id (never headers or bodies). */
export function requestLogMiddleware(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info(
        { reqId: requestState(req).requestId, method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms) },
        'request',
      );
    });
    next();
  };
}
