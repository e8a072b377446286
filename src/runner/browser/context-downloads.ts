import { rm, stat } from 'node:fs/promises';
import type { BrowserContext, CDPSession, Download, Page } from 'playwright';
import { downloadName } from '../../captures/capture-name.js';
import { captureUrl } from '../../captures/capture.view.js';
import { CaptureExistsError, type CaptureStore } from '../../captures/store/capture-store.js';
import type { Clock } from '../../common/clock.js';
import type { AppLogger } from '../../logging/app-logger.js';
import type { DownloadEntry, RunEventSink } from '../runner.types.js';
import type { DownloadTracker } from './browser-session.js';

export interface ContextDownloadsDeps {
  runId: string;
  store: CaptureStore;
  maxBytes: number;
  events: RunEventSink;
  logger: AppLogger;
  clock: Clock;
}

interface CdpDownload {
  guid: string;
  url: string;
  suggestedFilename: string;
  overLimit: boolean;
  download: Download | null;
}

interface Tracked {
  download: Download;
  cdp: CdpDownload | null;
  oversize: number | null;
}

const PUBLISH_ATTEMPTS = 5;

/**
 * Downloads of one context (RUNNER §11.6): each is saved into captures as
 * `<runId>_dl_<ms>_<name>` once complete; one over MAX_DOWNLOAD_BYTES is cancelled with a warning.
 * Sizes are watched through each page's CDP `Page.downloadProgress` events where available, and
 * checked again on the finished file.
 */
export class ContextDownloads implements DownloadTracker {
  private active = 0;
  private readonly saved: DownloadEntry[] = [];
  private readonly pending = new Set<Promise<void>>();
  private readonly startWaiters = new Set<() => void>();
  private readonly idleWaiters = new Set<() => void>();
  private readonly tracked: Tracked[] = [];
  private readonly cdpDownloads: CdpDownload[] = [];
  private readonly cdpSessions: CDPSession[] = [];

  constructor(private readonly deps: ContextDownloadsDeps) {}

  inProgress(): number {
    return this.active;
  }

  completed(): DownloadEntry[] {
    return this.saved.map((d) => ({ ...d }));
  }

  waitForStart(ms: number, signal: AbortSignal): Promise<boolean> {
    if (this.active > 0) return Promise.resolve(true);
    return this.waitFor(this.startWaiters, ms, signal);
  }

  waitIdle(ms: number, signal: AbortSignal): Promise<boolean> {
    if (this.active === 0) return Promise.resolve(true);
    return this.waitFor(this.idleWaiters, ms, signal);
  }

  /** Watches a page of the context (main page and popups). */
  async attach(context: BrowserContext, page: Page): Promise<void> {
    page.on('download', (download) => this.onDownload(download));
    let cdp: CDPSession;
    try {
      cdp = await context.newCDPSession(page);
      this.cdpSessions.push(cdp);
      cdp.on('Page.downloadWillBegin', (e) => this.onCdpBegin(e.guid, e.url, e.suggestedFilename));
      cdp.on('Page.downloadProgress', (e) => this.onCdpProgress(e.guid, e.receivedBytes, e.totalBytes));
      await cdp.send('Page.enable');
    } catch {
      // No CDP (closed page, non-Chromium): the size is still checked once the file is complete.
    }
  }

  /** Waits (bounded) for downloads being saved to settle; used when the context closes. */
  async settle(ms: number): Promise<void> {
    if (this.pending.size === 0) return;
    await Promise.race([Promise.allSettled([...this.pending]), new Promise((r) => setTimeout(r, ms).unref())]);
  }

  detach(): void {
    for (const s of this.cdpSessions) void s.detach().catch(() => undefined);
    this.cdpSessions.length = 0;
  }

  private waitFor(set: Set<() => void>, ms: number, signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const done = (value: boolean) => {
        clearTimeout(timer);
        set.delete(wake);
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      };
      const wake = () => done(true);
      const onAbort = () => done(false);
      const timer = setTimeout(() => done(false), Math.max(0, ms));
      set.add(wake);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private wake(set: Set<() => void>): void {
    for (const w of [...set]) w();
  }

  private onCdpBegin(guid: string, url: string, suggestedFilename: string): void {
    const entry: CdpDownload = { guid, url, suggestedFilename, overLimit: false, download: null };
    this.cdpDownloads.push(entry);
    const match = this.tracked.find((t) => t.cdp === null && t.download.url() === url && t.download.suggestedFilename() === suggestedFilename);
    if (match) this.link(match, entry);
  }

  private onCdpProgress(guid: string, received: number, total: number): void {
    const entry = this.cdpDownloads.find((d) => d.guid === guid);
    if (!entry || entry.overLimit) return;
    const size = Math.max(received, total);
    if (size <= this.deps.maxBytes) return;
    entry.overLimit = true;
    const t = this.tracked.find((x) => x.cdp === entry);
    if (t) this.cancelOversize(t, size);
  }

  private link(t: Tracked, entry: CdpDownload): void {
    t.cdp = entry;
    entry.download = t.download;
    if (entry.overLimit) this.cancelOversize(t, this.deps.maxBytes + 1);
  }

  private cancelOversize(t: Tracked, size: number): void {
    if (t.oversize !== null) return;
    t.oversize = size;
    void t.download.cancel().catch(() => undefined);
  }

  private onDownload(download: Download): void {
    const t: Tracked = { download, cdp: null, oversize: null };
    this.tracked.push(t);
    const entry = this.cdpDownloads.find((d) => d.download === null && d.url === download.url() && d.suggestedFilename === download.suggestedFilename());
    if (entry) this.link(t, entry);
    this.active++;
    this.wake(this.startWaiters);
    const work = this.save(t).finally(() => {
      this.pending.delete(work);
      this.active--;
      const i = this.tracked.indexOf(t);
      if (i >= 0) this.tracked.splice(i, 1);
      const j = t.cdp ? this.cdpDownloads.indexOf(t.cdp) : -1;
      if (j >= 0) this.cdpDownloads.splice(j, 1);
      if (this.active === 0) this.wake(this.idleWaiters);
    });
    this.pending.add(work);
  }

  private async save(t: Tracked): Promise<void> {
    const { download } = t;
    const original = download.suggestedFilename();
    let tmp: string | null = null;
    try {
      tmp = await this.deps.store.createTempPath();
      await download.saveAs(tmp);
      const size = (await stat(tmp)).size;
      if (size > this.deps.maxBytes) {
        t.oversize = size;
        return;
      }
      const name = await this.publish(tmp, original);
      tmp = null;
      const entry: DownloadEntry = { name: original, url: download.url(), path: captureUrl(name) };
      this.saved.push(entry);
      this.deps.events.emit({ event: 'capture', capture: { name, url: captureUrl(name), type: 'download', size }, message: `Download saved: ${name} (${size} bytes)` });
    } catch (err) {
      if (t.oversize !== null) return;
      const failure = await download.failure().catch(() => null);
      const why = failure ?? (err instanceof Error ? err.message.split('\n')[0] : String(err));
      this.warn(`Download "${original}" failed: ${why}`);
    } finally {
      if (t.oversize !== null) this.warn(`Download "${original}" cancelled: larger than MAX_DOWNLOAD_BYTES (${this.deps.maxBytes} bytes)`);
      if (tmp !== null) await rm(tmp, { force: true }).catch(() => undefined);
      await download.delete().catch(() => undefined);
    }
  }

  /** Moves the file into captures; a name clash (same ms) moves on to the next millisecond. */
  private async publish(tmp: string, original: string): Promise<string> {
    const base = this.deps.clock.now();
    for (let i = 0; ; i++) {
      const name = downloadName(this.deps.runId, base + i, original);
      try {
        await this.deps.store.saveFile(tmp, name);
        return name;
      } catch (err) {
        if (!(err instanceof CaptureExistsError) || i >= PUBLISH_ATTEMPTS - 1) throw err;
      }
    }
  }

  private warn(message: string): void {
    this.deps.logger.warn({ runId: this.deps.runId }, message);
    this.deps.events.emit({ event: 'log', level: 'warn', actionId: null, message });
  }
}
