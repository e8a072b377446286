import type { UrlRefusedError } from './url-refused.error.js';

/**
 * How a guarded outbound request failed.
 * - `timeout`: the total time budget (connect + every hop + full response) ran out.
 * - `unreachable`: no connection could be made (name did not resolve, refused, TLS handshake
 *   failed); nothing was sent.
 * - `network`: the connection broke after it was made (reset, malformed or undecodable response).
 * - `blocked`: a URL (the first or a redirect target) was refused by the SSRF guard; `refusal`
 *   holds the DomainError (INVALID_URL / PRIVATE_NETWORK_BLOCKED / INVALID_WEBHOOK_URL).
 * - `too_large`: the response body exceeded `maxResponseBytes`.
 * - `too_many_redirects`: more than `maxRedirects` redirects.
 * - `aborted`: the caller's signal fired.
 */
export type OutboundFailureKind = 'timeout' | 'unreachable' | 'network' | 'blocked' | 'too_large' | 'too_many_redirects' | 'aborted';

const CODES: Record<OutboundFailureKind, string> = {
  timeout: 'TIMEOUT',
  unreachable: 'UNREACHABLE',
  network: 'NETWORK_ERROR',
  blocked: 'BLOCKED',
  too_large: 'RESULT_TOO_LARGE',
  too_many_redirects: 'TOO_MANY_REDIRECTS',
  aborted: 'ABORTED',
};

export class OutboundRequestError extends Error {
  constructor(
    readonly kind: OutboundFailureKind,
    message: string,
    /** Redacted URL of the hop that failed. */
    readonly url: string,
    /** Set for `blocked`, and for `unreachable` when the guard found the name unresolvable. */
    readonly refusal?: UrlRefusedError,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'OutboundRequestError';
  }

  /** A stable code: the refusal's DomainError code when blocked, else e.g. `RESULT_TOO_LARGE`. */
  get code(): string {
    return this.kind === 'blocked' && this.refusal ? this.refusal.code : CODES[this.kind];
  }
}
