import type { OutboundRequestError } from '../../network/outbound-request.error.js';
import type { WebhookDeliveryOptions } from './webhook-delivery.options.js';

/** What one attempt means for the delivery (API §4.8). `aborted`: the server is stopping. */
export type AttemptVerdict = 'delivered' | 'retry' | 'final' | 'aborted';

/** Any 2xx delivers; 408, 429 and 5xx are retried; everything else is final. */
export function verdictForStatus(status: number): AttemptVerdict {
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 408 || status === 429 || (status >= 500 && status < 600)) return 'retry';
  return 'final';
}

/**
 * Network errors and timeouts are retried (so is an unresolvable name: DNS may recover); a hop
 * refused by the SSRF guard or a non-http(s) redirect ends the delivery.
 */
export function verdictForError(err: OutboundRequestError): AttemptVerdict {
  switch (err.kind) {
    case 'timeout':
    case 'unreachable':
    case 'network':
      return 'retry';
    case 'aborted':
      return 'aborted';
    case 'blocked':
    case 'too_large':
    case 'too_many_redirects':
      return 'final';
  }
}

/** `Retry-After` as ms from now: delta seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(header: string | string[] | undefined, nowMs: number): number | null {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return null;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // An HTTP date names a weekday or month; bare numbers like "-5" are not dates.
  if (!/[a-z]/i.test(value)) return null;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - nowMs);
}

/**
 * Wait before attempt `nextAttempt` (2..max): base × 2^(n−2) ± jitter, unless the receiver's
 * `Retry-After` (429/503 only; the caller passes null otherwise) is within the allowed maximum.
 */
export function waitBeforeAttempt(nextAttempt: number, options: WebhookDeliveryOptions, retryAfterMs: number | null): number {
  if (retryAfterMs !== null && retryAfterMs <= options.maxRetryAfterMs) return retryAfterMs;
  const base = options.baseDelayMs * 2 ** Math.max(0, nextAttempt - 2);
  const jitter = options.jitterRatio * (2 * options.random() - 1);
  return Math.max(0, Math.round(base * (1 + jitter)));
}
