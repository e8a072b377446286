/** Delivery rules of API §4.8. Provided under WEBHOOK_DELIVERY_OPTIONS; tests may shorten waits. */
export interface WebhookDeliveryOptions {
  maxAttempts: number;
  /** Wait before attempt 2; it doubles for each later attempt (2, 4, 8, 16 s by default). */
  baseDelayMs: number;
  /** ± share of the computed wait, drawn uniformly. */
  jitterRatio: number;
  /** A 429/503 `Retry-After` up to this long replaces the computed wait. */
  maxRetryAfterMs: number;
  /** Per attempt: DNS checks, connect, redirects and the full response. */
  timeoutMs: number;
  maxRedirects: number;
  /** The receiver's answer is read and discarded; a larger one fails the attempt. */
  maxResponseBytes: number;
  /** Wait before re-reading storage after a storage error. */
  storageRetryMs: number;
  /** Uniform [0, 1). */
  random: () => number;
}

export const WEBHOOK_DELIVERY_OPTIONS = Symbol('WEBHOOK_DELIVERY_OPTIONS');

export const DEFAULT_WEBHOOK_DELIVERY_OPTIONS: WebhookDeliveryOptions = {
  maxAttempts: 5,
  baseDelayMs: 2000,
  jitterRatio: 0.2,
  maxRetryAfterMs: 60_000,
  timeoutMs: 10_000,
  maxRedirects: 3,
  maxResponseBytes: 1024 * 1024,
  storageRetryMs: 30_000,
  random: Math.random,
};
