/**
 * Domain errors: every error a client can see has a stable string code (API §1.7).
 * The HTTP status for each code lives here, in one table; the global filter maps them.
 */
export const ERROR_STATUS = {
  UNAUTHORIZED: 401,
  AUTH_RATE_LIMITED: 429,
  NOT_FOUND: 404,
  INVALID_JSON: 400,
  VALIDATION_FAILED: 400,
  PAYLOAD_TOO_LARGE: 413,
  STORAGE_UNAVAILABLE: 503,
  SHUTTING_DOWN: 503,
  INTERNAL_ERROR: 500,
  TASK_NOT_FOUND: 404,
  VERSION_NOT_FOUND: 404,
  QUEUE_FULL: 429,
  INVALID_WEBHOOK_URL: 400,
  IDEMPOTENCY_KEY_MISMATCH: 422,
  RUN_ID_CONFLICT: 409,
  INVALID_URL: 400,
  PRIVATE_NETWORK_BLOCKED: 400,
  EXECUTION_NOT_FOUND: 404,
  EXECUTION_NOT_FINISHED: 409,
  RESULT_NOT_FOUND: 404,
  EXECUTION_ACTIVE: 409,
  EXECUTION_ALREADY_FINISHED: 409,
  INVALID_CURSOR: 400,
  INVALID_NAME: 400,
  CAPTURE_NOT_FOUND: 404,
  RANGE_NOT_SATISFIABLE: 416,
  PROXY_NOT_FOUND: 404,
  INVALID_PROXY: 400,
  PROXY_EXISTS: 409,
  PROXY_READ_ONLY: 400,
  API_KEY_TOO_LONG: 400,
  API_KEY_TOO_SHORT: 400,
  API_KEY_MANAGED_BY_ENV: 409,
  CREDENTIAL_NOT_FOUND: 404,
  UPSTREAM_ERROR: 502,
  HEADFUL_DISPLAY_UNAVAILABLE: 409,
  HEADFUL_ALREADY_RUNNING: 409,
  HEADFUL_NOT_RUNNING: 404,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface FieldError {
  field: string;
  message: string;
}

export class DomainError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    /** Extra response headers, e.g. Retry-After. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'DomainError';
    this.status = ERROR_STATUS[code];
  }
}

export class ValidationFailedError extends DomainError {
  constructor(readonly fieldErrors: FieldError[]) {
    super(
      'VALIDATION_FAILED',
      fieldErrors.length === 1
        ? `Validation failed: ${fieldErrors[0].field}: ${fieldErrors[0].message}`
        : `Validation failed (${fieldErrors.length} problems)`,
      fieldErrors,
    );
  }
}

export class StorageUnavailableError extends DomainError {
  constructor(reason = 'Storage is unavailable') {
    super('STORAGE_UNAVAILABLE', reason, undefined, { 'Retry-After': '5' });
  }
}

export const notFound = (code: 'TASK_NOT_FOUND' | 'EXECUTION_NOT_FOUND' | 'PROXY_NOT_FOUND' | 'CREDENTIAL_NOT_FOUND', what: string, id: string) =>
  new DomainError(code, `No ${what} with id '${id}'`, { id });
