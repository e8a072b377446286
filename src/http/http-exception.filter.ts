import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject, NotFoundException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError, type ErrorCode, ValidationFailedError } from '../common/errors.js';
import { requestState } from '../common/request-context.js';
import { APP_LOGGER, type AppLogger } from '../logging/app-logger.js';
import { AuthService } from '../auth/auth.service.js';

interface ErrorBody {
  error: ErrorCode;
  message: string;
  details?: unknown;
}

/** Maps Nest's built-in HTTP exceptions that can reach clients onto our codes. */
const HTTP_STATUS_CODES: Record<number, ErrorCode> = {
  401: 'UNAUTHORIZED',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  503: 'STORAGE_UNAVAILABLE',
};

/**
 * The one place errors become HTTP responses (API §1.6). Unknown routes are authenticated first
 * (API §1.4: auth precedes routing), so unauthenticated callers see 401, not 404.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  constructor(
    @Inject(APP_LOGGER) private readonly logger: AppLogger,
    private readonly auth: AuthService,
  ) {}

  async catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    let error = await this.toDomainError(exception, req);
    if (res.headersSent) {
      this.logger.warn({ reqId: requestState(req).requestId, err: describe(exception) }, 'error after response started');
      res.end();
      return;
    }
    if (error.code === 'INTERNAL_ERROR') {
      this.logger.error({ reqId: requestState(req).requestId, err: exception }, 'unhandled error');
      error = new DomainError('INTERNAL_ERROR', 'Internal server error');
    }
    for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
    if (error.code === 'UNAUTHORIZED') res.setHeader('WWW-Authenticate', 'Bearer realm="figranium"');
    const body: ErrorBody = { error: error.code, message: error.message };
    if (error.details !== undefined) body.details = error.details;
    res.status(error.status).json(body);
  }

  private async toDomainError(exception: unknown, req: Request): Promise<DomainError> {
    if (exception instanceof DomainError) return exception;
    if (exception instanceof NotFoundException) {
      // Nest raises this for a method + path with no route.
      const denied = await this.auth.authenticateRequest(req).catch((e: unknown) => e);
      if (denied instanceof DomainError) return denied;
      return new DomainError('NOT_FOUND', `No route for ${req.method} ${req.path}`, { method: req.method, path: req.path });
    }
    if (exception instanceof HttpException || isRouterDecodeError(exception)) {
      const status = exception instanceof HttpException ? exception.getStatus() : 400;
      if (status === 400) {
        // Raised before routing (e.g. a malformed %-escape in the path): authenticate first.
        const denied = await this.auth.authenticateRequest(req).catch((e: unknown) => e);
        if (denied instanceof DomainError) return denied;
        if (/^\/(api\/data\/)?captures\//.test(req.path)) return new DomainError('INVALID_NAME', 'Invalid capture name');
        return new ValidationFailedError([{ field: 'path', message: 'is not a valid URL path (malformed percent-encoding)' }]);
      }
      const code = HTTP_STATUS_CODES[status];
      if (code) return new DomainError(code, exception instanceof Error ? exception.message : 'Request failed');
    }
    const bodyErr = exception as { type?: string };
    if (bodyErr?.type === 'entity.parse.failed') return new DomainError('INVALID_JSON', 'Request body is not valid JSON');
    return new DomainError('INTERNAL_ERROR', 'Internal server error');
  }
}

function isRouterDecodeError(e: unknown): e is Error {
  return e instanceof URIError || (e instanceof Error && (e as { status?: number }).status === 400);
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
