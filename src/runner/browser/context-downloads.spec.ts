import { EventEmitter } from 'node:events';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import pino from 'pino';
import type { BrowserContext, Download, Page } from 'playwright';
import { Clock } from '../../common/clock.js';
import { FsCaptureStore } from '../../captures/store/fs-capture-store.js';
import type { RunEvent } from '../runner.types.js';
import { ContextDownloads } from './context-downloads.js';

const MS = 1733223995120;

class FixedClock extends Clock {
  now(): number {
    return MS;
  }
}

/** A Playwright Download stand-in: `finish` makes `saveAs` write the content, `fail` rejects it. */
class FakeDownload {
  cancelled = false;
  deleted = false;
  private settle!: (outcome: { content: string } | { failure: string }) => void;
  private readonly outcome = new Promise<{ content: string } | { failure: string }>((r) => (this.settle = r));
  private failureText: string | null = null;

  constructor(
    private readonly name: string,
    private readonly source = 'https://files.test/x',
  ) {}

  suggestedFilename(): string {
    return this.name;
  }
  url(): string {
    return this.source;
  }
  finish(content: string): void {
    this.settle({ content });
  }
  fail(text: string): void {
    this.settle({ failure: text });
  }
  async saveAs(file: string): Promise<void> {
    const o = await this.outcome;
    if ('failure' in o) {
      this.failureText = o.failure;
      throw new Error(`download.saveAs: ${o.failure}`);
    }
    writeFileSync(file, o.content);
  }
  async failure(): Promise<string | null> {
    return this.failureText;
  }
  async cancel(): Promise<void> {
    this.cancelled = true;
    this.fail('canceled');
  }
  async delete(): Promise<void> {
    this.deleted = true;
  }
}

const noCdpContext = { newCDPSession: () => Promise.reject(new Error('no CDP')) } as unknown as BrowserContext;

describe('ContextDownloads (RUNNER §11.6)', () => {
  let root: string;
  let store: FsCaptureStore;
  let events: RunEvent[];
  let page: EventEmitter;
  let downloads: ContextDownloads;
  const never = new AbortController().signal;

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'context-downloads-'));
    store = new FsCaptureStore(path.join(root, 'captures'));
    await store.init();
    events = [];
    page = new EventEmitter();
    downloads = new ContextDownloads({ runId: 'run/1', store, maxBytes: 100, events: { emit: (e) => events.push(e) }, logger: pino({ level: 'silent' }), clock: new FixedClock() });
    await downloads.attach(noCdpContext, page as unknown as Page);
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const start = (d: FakeDownload) => page.emit('download', d as unknown as Download);
  const files = () => readdirSync(store.dir).filter((f) => !f.startsWith('.'));
  const warnings = () => events.flatMap((e) => (e.event === 'log' && e.level === 'warn' ? [e.message] : []));

  it('saves a finished download under <runId>_dl_<ms>_<sanitised name> and emits a capture event', async () => {
    const idleBefore = downloads.waitIdle(1000, never);
    expect(await idleBefore).toBe(true);
    const started = downloads.waitForStart(1000, never);
    const d = new FakeDownload('my report (1).csv', 'https://files.test/r?id=1');
    start(d);
    expect(await started).toBe(true);
    expect(downloads.inProgress()).toBe(1);
    const idle = downloads.waitIdle(1000, never);
    d.finish('a,b\n');
    expect(await idle).toBe(true);
    const name = `run-1_dl_${MS}_my_report__1_.csv`;
    expect(files()).toEqual([name]);
    expect(readFileSync(path.join(store.dir, name), 'utf8')).toBe('a,b\n');
    expect(downloads.completed()).toEqual([{ name: 'my report (1).csv', url: 'https://files.test/r?id=1', path: `/captures/${name}` }]);
    expect(events).toEqual([{ event: 'capture', capture: { name, url: `/captures/${name}`, type: 'download', size: 4 }, message: `Download saved: ${name} (4 bytes)` }]);
    expect(d.deleted).toBe(true);
  });

  it('moves to the next millisecond when a name is taken', async () => {
    const a = new FakeDownload('same.txt');
    const b = new FakeDownload('same.txt');
    start(a);
    start(b);
    a.finish('1');
    b.finish('2');
    expect(await downloads.waitIdle(1000, never)).toBe(true);
    expect(files().sort()).toEqual([`run-1_dl_${MS}_same.txt`, `run-1_dl_${MS + 1}_same.txt`]);
    expect(downloads.completed()).toHaveLength(2);
  });

  it('drops a finished file over the limit with a warning', async () => {
    const d = new FakeDownload('big.bin');
    start(d);
    d.finish('x'.repeat(101));
    expect(await downloads.waitIdle(1000, never)).toBe(true);
    expect(files()).toEqual([]);
    expect(downloads.completed()).toEqual([]);
    expect(warnings()).toEqual(['Download "big.bin" cancelled: larger than MAX_DOWNLOAD_BYTES (100 bytes)']);
    expect(readdirSync(store.stagingDir)).toEqual([]);
  });

  it('warns about a failed download and saves nothing', async () => {
    const d = new FakeDownload('broken.zip');
    start(d);
    d.fail('network error');
    expect(await downloads.waitIdle(1000, never)).toBe(true);
    expect(files()).toEqual([]);
    expect(warnings()).toEqual(['Download "broken.zip" failed: network error']);
    expect(events.some((e) => e.event === 'capture')).toBe(false);
  });

  it('waits return false on timeout and on abort', async () => {
    expect(await downloads.waitForStart(20, never)).toBe(false);
    const d = new FakeDownload('slow.bin');
    start(d);
    expect(await downloads.waitForStart(20, never)).toBe(true);
    expect(await downloads.waitIdle(20, never)).toBe(false);
    const controller = new AbortController();
    const pending = downloads.waitIdle(10_000, controller.signal);
    controller.abort();
    expect(await pending).toBe(false);
    d.finish('ok');
    await downloads.settle(1000);
    expect(downloads.inProgress()).toBe(0);
  });
});
