// A minimal SSE client for the e2e suites: raw node:http, so headers and the byte stream are
// exactly what the server sent.
import * as http from 'node:http';

export interface SseFrame {
  id?: string;
  event?: string;
  data?: string;
  retry?: string;
  comments: string[];
}

export class SseReader {
  readonly frames: SseFrame[] = [];
  raw = '';
  ended = false;
  private pending = '';
  private readonly waiters = new Set<() => void>();

  private constructor(
    readonly status: number,
    readonly headers: http.IncomingHttpHeaders,
    private readonly req: http.ClientRequest,
    private readonly res: http.IncomingMessage,
  ) {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => this.push(chunk));
    const done = () => {
      this.ended = true;
      this.notify();
    };
    res.on('end', done);
    res.on('close', done);
    res.on('error', done);
  }

  /** Resolves once the response headers arrived. Non-2xx answers are read whole (JSON errors). */
  static open(url: string, headers: Record<string, string>): Promise<SseReader> {
    return new Promise((resolve, reject) => {
      const req = http.get(url, { headers }, (res) => resolve(new SseReader(res.statusCode ?? 0, res.headers, req, res)));
      req.on('error', reject);
    });
  }

  /** Event frames (not the `retry:` or comment-only blocks). */
  get events(): SseFrame[] {
    return this.frames.filter((f) => f.event !== undefined);
  }

  /** Parsed `data` of every event named `name` (all events when omitted), in order. */
  data<T = Record<string, unknown>>(name?: string): T[] {
    return this.events.filter((f) => name === undefined || f.event === name).map((f) => JSON.parse(f.data ?? 'null') as T);
  }

  async waitFor(predicate: (reader: SseReader) => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this)) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.frames)}`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, 25);
        this.waiters.add(wake);
      });
    }
  }

  waitForEnd(timeoutMs = 5000): Promise<void> {
    return this.waitFor((r) => r.ended, timeoutMs, 'the stream to end');
  }

  close(): void {
    this.req.destroy();
    this.res.destroy();
  }

  private push(chunk: string): void {
    this.raw += chunk;
    this.pending += chunk;
    let cut: number;
    while ((cut = this.pending.indexOf('\n\n')) !== -1) {
      const block = this.pending.slice(0, cut);
      this.pending = this.pending.slice(cut + 2);
      const frame: SseFrame = { comments: [] };
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) {
          frame.comments.push(line.slice(1).trim());
          continue;
        }
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'id' || field === 'event' || field === 'retry') frame[field] = value;
        else if (field === 'data') frame.data = frame.data === undefined ? value : `${frame.data}\n${value}`;
      }
      this.frames.push(frame);
    }
    this.notify();
  }

  private notify(): void {
    for (const wake of [...this.waiters]) wake();
  }
}
