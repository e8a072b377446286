/** Limits of one SSE client (API §5.3). Provided under SSE_OPTIONS; tests may inject smaller ones. */
export interface SseOptions {
  /** Bytes waiting in the response (Node buffer + socket) before a client is cut off. */
  maxBufferedBytes: number;
  /** Frames written while the response waits for `drain` before a client is cut off. */
  maxPendingEvents: number;
  /** Live events held while a new client's replay is read from storage. */
  maxReplayBacklog: number;
  /** Interval of the `: keep-alive` comment. */
  keepAliveMs: number;
}

export const SSE_OPTIONS = Symbol('SSE_OPTIONS');

export const DEFAULT_SSE_OPTIONS: SseOptions = {
  maxBufferedBytes: 1024 * 1024,
  maxPendingEvents: 1000,
  maxReplayBacklog: 5000,
  keepAliveMs: 15_000,
};
