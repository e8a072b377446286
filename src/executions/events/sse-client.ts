import { retryFrame, SSE_KEEP_ALIVE_FRAME } from './sse-frames.js';
import type { SseOptions } from './sse-options.js';

/** The part of an HTTP response an SSE client uses (an Express/Node response satisfies it). */
export interface SseResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  flushHeaders(): void;
  write(chunk: string): boolean;
  end(): unknown;
  destroy(): unknown;
  on(event: 'close' | 'drain', listener: () => void): unknown;
  readonly writableLength: number;
  readonly socket?: { setNoDelay(noDelay?: boolean): unknown } | null;
}

/** Why a stream ended: `done` after `finished`, `client` went away, `cut_off` for a slow reader. */
export type SseCloseReason = 'done' | 'client' | 'cut_off' | 'shutdown' | 'error';

export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  Connection: 'keep-alive',
  'X-Accel-Buffering': 'no',
};

/**
 * One open SSE response. Writes never queue without bound: when what waits in the response
 * (Node's buffer plus the socket's) would exceed `maxBufferedBytes`, or too many frames were
 * written since the last `drain`, the connection is destroyed and its memory released. The
 * client reconnects and resumes from its `Last-Event-ID`.
 */
export class SseClient {
  private closed = false;
  private framesSinceDrain = 0;
  private keepAlive: ReturnType<typeof setInterval> | null = null;
  private readonly cleanups: Array<() => void> = [];
  private reason: SseCloseReason | null = null;

  constructor(
    private readonly res: SseResponse,
    private readonly options: SseOptions,
    private readonly onClosed: (client: SseClient, reason: SseCloseReason) => void = () => undefined,
  ) {}

  /** Sends the headers and `retry:`, and starts the keep-alive comments. */
  start(): void {
    this.res.statusCode = 200;
    for (const [name, value] of Object.entries(SSE_HEADERS)) this.res.setHeader(name, value);
    this.res.on('close', () => this.dispose('client'));
    this.res.on('drain', () => {
      this.framesSinceDrain = 0;
    });
    this.res.flushHeaders();
    this.res.socket?.setNoDelay(true);
    this.send(retryFrame());
    this.keepAlive = setInterval(() => this.send(SSE_KEEP_ALIVE_FRAME), this.options.keepAliveMs);
    this.keepAlive.unref();
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  get closeReason(): SseCloseReason | null {
    return this.reason;
  }

  /** Writes one frame; false when the client is closed or was just cut off. */
  send(frame: string): boolean {
    if (this.closed) return false;
    const waiting = this.res.writableLength;
    // An empty buffer always takes the frame, so one large event cannot cut off a fast client.
    if (waiting > 0 && waiting + Buffer.byteLength(frame) > this.options.maxBufferedBytes) {
      this.cutOff();
      return false;
    }
    if (!this.res.write(frame)) this.framesSinceDrain++;
    if (this.framesSinceDrain > this.options.maxPendingEvents) {
      this.cutOff();
      return false;
    }
    return true;
  }

  /** Runs `fn` once when the stream closes for any reason (at once if already closed). */
  onClose(fn: () => void): void {
    if (this.closed) fn();
    else this.cleanups.push(fn);
  }

  /** Ends the stream normally (after `finished`, or at shutdown). */
  end(reason: SseCloseReason = 'done'): void {
    if (this.closed) return;
    this.dispose(reason);
    this.res.end();
  }

  /** Drops the connection and whatever is still buffered for it. */
  cutOff(reason: SseCloseReason = 'cut_off'): void {
    if (this.closed) return;
    this.dispose(reason);
    this.res.destroy();
  }

  private dispose(reason: SseCloseReason): void {
    if (this.closed) return;
    this.closed = true;
    this.reason = reason;
    if (this.keepAlive) clearInterval(this.keepAlive);
    this.keepAlive = null;
    for (const fn of this.cleanups.splice(0)) {
      try {
        fn();
      } catch {
        // cleanup must go on for the others
      }
    }
    this.onClosed(this, reason);
  }
}
