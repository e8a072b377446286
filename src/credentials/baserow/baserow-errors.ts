import { DomainError } from '../../common/errors.js';
import { OutboundRequestError } from '../../network/outbound-request.error.js';

/**
 * `reason` of an UPSTREAM_ERROR: `timeout` / `unreachable` (API §8); `invalid_response` when
 * Baserow answered something that cannot be used (unparsable or oversized body, redirect loop).
 */
export type UpstreamFailureReason = 'timeout' | 'unreachable' | 'invalid_response';

export interface UpstreamErrorDetails {
  upstreamStatus: number | null;
  /** Baserow's `error` string, when its body had one. */
  upstreamError?: string;
  reason?: UpstreamFailureReason;
}

const MAX_ERROR_CODE_LENGTH = 200;

/** Baserow's `{"error": "ERROR_…", "detail": …}` code, if the body has one. */
export function baserowErrorCode(body: Buffer): string | undefined {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as unknown;
    if (typeof parsed === 'object' && parsed !== null && 'error' in parsed && typeof parsed.error === 'string' && parsed.error !== '') {
      return parsed.error.slice(0, MAX_ERROR_CODE_LENGTH);
    }
  } catch {
    // Not JSON: no code.
  }
  return undefined;
}

export function upstreamStatusError(status: number, body: Buffer): DomainError {
  const code = baserowErrorCode(body);
  const details: UpstreamErrorDetails = code === undefined ? { upstreamStatus: status } : { upstreamStatus: status, upstreamError: code };
  return new DomainError('UPSTREAM_ERROR', `Baserow answered HTTP ${status}${code ? ` (${code})` : ''}`, details);
}

export function invalidResponseError(status: number | null, what: string): DomainError {
  const details: UpstreamErrorDetails = { upstreamStatus: status, reason: 'invalid_response' };
  return new DomainError('UPSTREAM_ERROR', `Baserow returned an unusable response: ${what}`, details);
}

/**
 * Maps a failed guarded request: SSRF refusals keep their own error (PRIVATE_NETWORK_BLOCKED /
 * INVALID_URL), a caller abort is re-thrown unchanged, everything else is UPSTREAM_ERROR.
 */
export function outboundFailure(err: unknown, timeoutMs: number): unknown {
  if (!(err instanceof OutboundRequestError)) return err;
  switch (err.kind) {
    case 'blocked':
      return err.refusal ?? err;
    case 'aborted':
      return err;
    case 'timeout':
      return new DomainError('UPSTREAM_ERROR', `Baserow did not answer within ${timeoutMs} ms (${err.url})`, { upstreamStatus: null, reason: 'timeout' } satisfies UpstreamErrorDetails);
    case 'unreachable':
    case 'network':
      return new DomainError('UPSTREAM_ERROR', `Baserow is unreachable: ${err.message}`, { upstreamStatus: null, reason: 'unreachable' } satisfies UpstreamErrorDetails);
    case 'too_large':
    case 'too_many_redirects':
      return invalidResponseError(null, err.message);
  }
}
