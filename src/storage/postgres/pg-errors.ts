/**
 * Classifies errors from `pg`, `pg-pool` and TypeORM (which wraps driver errors in
 * QueryFailedError with `driverError`). Reasons produced here are short and never contain
 * hosts, user names or passwords: they go to logs and to `GET /api/health`.
 */

interface ErrorFields {
  code?: unknown;
  message?: unknown;
  constraint?: unknown;
  driverError?: unknown;
  cause?: unknown;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED', 'EHOSTDOWN', 'ENETDOWN']);

/** SQLSTATEs meaning "the server cannot serve us right now" (class 08, shutdown, overload, login). */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '28000', '28P01', '3D000']);

const CONNECTION_MESSAGES = [
  'connection terminated',
  'timeout exceeded when trying to connect',
  'query read timeout',
  'not queryable',
  'cannot use a pool after calling end',
  'connection timeout',
];

function fields(err: unknown): ErrorFields {
  return typeof err === 'object' && err !== null ? (err as ErrorFields) : {};
}

/** The innermost driver error (TypeORM wraps it; `cause` chains are followed a few levels). */
function layers(err: unknown): ErrorFields[] {
  const out: ErrorFields[] = [];
  let current: unknown = err;
  for (let i = 0; i < 4 && current; i++) {
    const f = fields(current);
    out.push(f);
    current = f.driverError ?? f.cause;
  }
  return out;
}

function codeOf(err: unknown): string | undefined {
  for (const f of layers(err)) if (typeof f.code === 'string') return f.code;
  return undefined;
}

function messageOf(err: unknown): string {
  return layers(err)
    .map((f) => (typeof f.message === 'string' ? f.message.toLowerCase() : ''))
    .join(' | ');
}

/** True when the error means the database is unreachable or not serving (not a query bug). */
export function isConnectionError(err: unknown): boolean {
  const code = codeOf(err);
  if (code && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08'))) return true;
  const message = messageOf(err);
  return CONNECTION_MESSAGES.some((m) => message.includes(m));
}

/** A timeout may be a slow query as much as a dead server: callers re-probe before deciding. */
export function isTimeoutError(err: unknown): boolean {
  const code = codeOf(err);
  return code === 'ETIMEDOUT' || /timeout/.test(messageOf(err));
}

/** A short reason for logs, e.g. "connection refused". */
export function describeConnectionError(err: unknown): string {
  const code = codeOf(err);
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
    case 'ENETDOWN':
      return 'host unreachable';
    case '28000':
    case '28P01':
      return 'authentication failed';
    case '3D000':
      return 'database does not exist';
    case '57P01':
    case '57P02':
      return 'server shut down';
    case '57P03':
      return 'server is starting up';
    case '53300':
      return 'too many connections';
  }
  if (isTimeoutError(err)) return 'timed out';
  if (code === 'ECONNRESET' || code === 'EPIPE' || messageOf(err).includes('terminated')) return 'connection lost';
  return code ? `connection error ${code}` : 'connection error';
}

/** The reason `StorageStatus.probe()` rejects with (shown as `storage_error`). */
export function probeReason(err: unknown): string {
  const code = codeOf(err);
  if (code === '28000' || code === '28P01') return 'Database authentication failed';
  if (code === '3D000') return 'Database does not exist';
  return 'Database unreachable';
}

export interface UniqueViolation {
  constraint: string;
}

/** SQLSTATE 23505 with the violated constraint (or index) name. */
export function uniqueViolation(err: unknown): UniqueViolation | null {
  for (const f of layers(err)) {
    if (f.code === '23505') return { constraint: typeof f.constraint === 'string' ? f.constraint : '' };
  }
  return null;
}
