/**
 * Timeouts and retry waits of the Baserow client. Provided as a class so a unit test can build
 * the client with short values; the app uses the defaults (API §8, RUNNER §14).
 */
export class BaserowClientOptions {
  /** Per call made for the proxy routes (API §8). */
  proxyTimeoutMs = 10_000;
  /** Per row-push request (RUNNER §14). */
  pushTimeoutMs = 30_000;
  /** Waits before the retries of a push request; its length is the retry count. */
  pushRetryDelaysMs: number[] = [2_000, 4_000];
  /** Rows per batch request (Baserow's limit). */
  batchSize = 200;
  /** Largest Baserow response body accepted. */
  maxResponseBytes = 16 * 1024 * 1024;

  constructor(overrides: Partial<BaserowClientOptions> = {}) {
    Object.assign(this, overrides);
  }
}
