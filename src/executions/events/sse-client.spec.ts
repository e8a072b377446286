import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { SSE_HEADERS, SseClient, type SseCloseReason, type SseResponse } from './sse-client.js';
import { DEFAULT_SSE_OPTIONS, type SseOptions } from './sse-options.js';

/** A response whose socket never drains unless told to: writes pile up in `writableLength`. */
class FakeResponse extends EventEmitter implements SseResponse {
  statusCode = 0;
  headers: Record<string, string> = {};
  written: string[] = [];
  writableLength = 0;
  /** Bytes the "socket" accepts before write() starts returning false. */
  highWaterMark = 100;
  ended = false;
  destroyed = false;
  flushed = false;

  setHeader(name: string, value: string): this {
    this.headers[name] = value;
    return this;
  }
  flushHeaders(): void {
    this.flushed = true;
  }
  write(chunk: string): boolean {
    this.written.push(chunk);
    this.writableLength += Buffer.byteLength(chunk);
    return this.writableLength < this.highWaterMark;
  }
  drain(): void {
    this.writableLength = 0;
    this.emit('drain');
  }
  end(): this {
    this.ended = true;
    this.emit('close');
    return this;
  }
  destroy(): this {
    this.destroyed = true;
    this.writableLength = 0;
    this.emit('close');
    return this;
  }
}

const options = (overrides: Partial<SseOptions> = {}): SseOptions => ({ ...DEFAULT_SSE_OPTIONS, ...overrides });

describe('SseClient', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('sends the headers, retry, and a keep-alive on the interval; stops them on close', () => {
    const res = new FakeResponse();
    res.highWaterMark = Infinity;
    const client = new SseClient(res, options({ keepAliveMs: 15_000 }));
    client.start();
    expect(res.statusCode).toBe(200);
    expect(res.headers).toEqual(SSE_HEADERS);
    expect(res.flushed).toBe(true);
    expect(res.written).toEqual(['retry: 3000\n\n']);
    jest.advanceTimersByTime(14_999);
    expect(res.written).toHaveLength(1);
    jest.advanceTimersByTime(1);
    expect(res.written[1]).toBe(': keep-alive\n\n');
    jest.advanceTimersByTime(15_000);
    expect(res.written).toHaveLength(3);
    res.emit('close');
    jest.advanceTimersByTime(60_000);
    expect(res.written).toHaveLength(3);
    expect(client.isOpen).toBe(false);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('cuts off a client whose unsent bytes would exceed the limit, and frees the buffer', () => {
    const res = new FakeResponse();
    const reasons: SseCloseReason[] = [];
    const client = new SseClient(res, options({ maxBufferedBytes: 1000, maxPendingEvents: 1_000_000 }), (_c, reason) => reasons.push(reason));
    let cleaned = 0;
    client.onClose(() => cleaned++);
    client.start();
    const frame = 'x'.repeat(99);
    let accepted = 0;
    while (client.send(frame)) accepted++;
    expect(accepted).toBeGreaterThan(5);
    // Never more than the limit waiting at once.
    expect(res.written.join('').length).toBeLessThanOrEqual(1000);
    expect(res.destroyed).toBe(true);
    expect(client.isOpen).toBe(false);
    expect(client.closeReason).toBe('cut_off');
    expect(reasons).toEqual(['cut_off']);
    expect(cleaned).toBe(1);
    expect(client.send(frame)).toBe(false);
  });

  it('cuts off after too many frames without a drain, but not a client that drains', () => {
    const slow = new FakeResponse();
    slow.highWaterMark = 0;
    const limits = options({ maxBufferedBytes: Infinity, maxPendingEvents: 10 });
    const slowClient = new SseClient(slow, limits);
    slowClient.start(); // the retry frame counts as one
    let sent = 0;
    while (slowClient.send('data: 1\n\n')) sent++;
    expect(sent).toBe(9);
    expect(slowClient.closeReason).toBe('cut_off');

    const steady = new FakeResponse();
    steady.highWaterMark = 0;
    const steadyClient = new SseClient(steady, limits);
    steadyClient.start();
    for (let i = 0; i < 100; i++) {
      expect(steadyClient.send('data: 1\n\n')).toBe(true);
      if (i % 5 === 0) steady.drain();
    }
    expect(steadyClient.isOpen).toBe(true);
  });

  it('takes one large frame into an empty buffer (a big event does not cut off a fast client)', () => {
    const res = new FakeResponse();
    res.highWaterMark = Infinity;
    const client = new SseClient(res, options({ maxBufferedBytes: 100 }));
    client.start();
    res.drain();
    expect(client.send('y'.repeat(500))).toBe(true);
    expect(client.isOpen).toBe(true);
    expect(client.send('z')).toBe(false);
    expect(client.closeReason).toBe('cut_off');
  });

  it('end() closes normally once; onClose after closing runs at once', () => {
    const res = new FakeResponse();
    const reasons: SseCloseReason[] = [];
    const client = new SseClient(res, options(), (_c, r) => reasons.push(r));
    client.start();
    client.end('done');
    client.end('shutdown');
    expect(res.ended).toBe(true);
    expect(res.destroyed).toBe(false);
    expect(reasons).toEqual(['done']);
    let ran = false;
    client.onClose(() => (ran = true));
    expect(ran).toBe(true);
  });
});
