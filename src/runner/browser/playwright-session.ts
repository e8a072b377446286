import { rm, stat } from 'node:fs/promises';
import { errors, type BrowserContext, type Dialog, type Page, type Response, type Video } from 'playwright';
import { recordingName } from '../../captures/capture-name.js';
import { captureUrl } from '../../captures/capture.view.js';
import type { CaptureStore } from '../../captures/store/capture-store.js';
import type { AppLogger } from '../../logging/app-logger.js';
import { redactUrl } from '../../network/url-redaction.js';
import { RunError, type RunErrorCode } from '../run-error.js';
import type { CaptureInfo, RunEventSink } from '../runner.types.js';
import { abortError, raceAbort, withTimeout } from './abortable.js';
import type { BrowserLease } from './browser-pool.js';
import type {
  BlockedNavigation,
  BrowserSession,
  DocumentResponseInfo,
  NavigateOptions,
  NavigationResult,
  StorageStateShape,
} from './browser-session.js';
import type { ContextDownloads } from './context-downloads.js';
import { isBlockedByGuard, type BlockedRequest } from './network-guard.js';

const CONTEXT_CLOSE_TIMEOUT_MS = 10_000;
const DOWNLOAD_SETTLE_MS = 5_000;
const RECORDING_SAVE_TIMEOUT_MS = 30_000;
/** Blocked-request warnings per session; further blocks are counted, not logged one by one. */
const MAX_BLOCK_WARNINGS = 25;
const NAVIGABLE_SCHEMES = new Set(['http:', 'https:', 'about:', 'data:', 'blob:']);
/** A blocked navigation's report follows its `requestfailed` event; wait this long for it. */
const BLOCK_REPORT_WAIT_MS = 2_000;

export interface SessionParts {
  runId: string;
  startedAt: number;
  context: BrowserContext;
  lease: BrowserLease;
  downloads: ContextDownloads;
  initialState: StorageStateShape | null;
  recording: boolean;
  /** Local directory the videos are written to (removed on close), or null. */
  videoDir: string | null;
  events: RunEventSink;
  store: CaptureStore;
  logger: AppLogger;
}

/** One run's context on a pooled browser (RUNNER §11). Created by PlaywrightSessionFactory. */
export class PlaywrightBrowserSession implements BrowserSession {
  readonly context: BrowserContext;
  readonly downloads: ContextDownloads;
  readonly initialState: StorageStateShape | null;
  readonly crashed: Promise<Error>;
  private mainPage: Page | null = null;
  private markCrashed!: (reason: Error) => void;
  private crashReason: Error | null = null;
  private closing = false;
  private closeResult: Promise<{ recording: CaptureInfo | null }> | null = null;
  private lastDoc: DocumentResponseInfo | null = null;
  private lastBlocked: BlockedNavigation | null = null;
  private blockSeq = 0;
  private blockWarnings = 0;
  private blocksNotLogged = 0;
  private readonly blockWaiters = new Set<() => void>();

  constructor(private readonly parts: SessionParts) {
    this.context = parts.context;
    this.downloads = parts.downloads;
    this.initialState = parts.initialState;
    this.crashed = new Promise<Error>((resolve) => {
      this.markCrashed = resolve;
    });
  }

  get page(): Page {
    if (!this.mainPage) throw new Error('The session has no main page yet');
    return this.mainPage;
  }

  /** Wires events and opens the main page. Called once by the factory (the guard is already routed). */
  async start(): Promise<void> {
    const { context, lease } = this.parts;
    context.on('dialog', (dialog) => void this.onDialog(dialog));
    context.on('page', (p) => void this.downloads.attach(context, p));
    void lease.disconnected.then(() => this.crash('The browser disconnected'));
    const page = await context.newPage();
    this.mainPage = page;
    page.on('crash', () => this.crash('The page crashed'));
    page.on('close', () => this.crash('The main page was closed'));
    page.on('response', (response) => this.onResponse(page, response));
    if (!lease.isConnected()) this.crash('The browser disconnected');
  }

  isCrashed(): boolean {
    return this.crashReason !== null;
  }

  lastDocumentResponse(): DocumentResponseInfo | null {
    return this.lastDoc ? { ...this.lastDoc, headers: { ...this.lastDoc.headers } } : null;
  }

  lastBlockedNavigation(): BlockedNavigation | null {
    return this.lastBlocked ? { ...this.lastBlocked } : null;
  }

  navigate(url: string, options: NavigateOptions): Promise<NavigationResult> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return Promise.reject(new RunError('INVALID_URL', `Invalid URL: ${redactUrl(url)}`));
    }
    if (!NAVIGABLE_SCHEMES.has(parsed.protocol)) {
      return Promise.reject(new RunError('INVALID_URL', `URL scheme ${parsed.protocol} is not allowed (only http and https): ${redactUrl(parsed)}`));
    }
    return this.guarded(parsed.href, options, () => this.page.goto(parsed.href, { waitUntil: 'domcontentloaded', timeout: options.timeoutMs }));
  }

  reload(options: NavigateOptions): Promise<NavigationResult> {
    return this.guarded(this.page.url(), options, () => this.page.reload({ waitUntil: 'domcontentloaded', timeout: options.timeoutMs }));
  }

  async storageState(): Promise<StorageStateShape> {
    const state = await this.context.storageState();
    return {
      cookies: state.cookies.map((c) => ({
        name: c.name,
        value: c.value,
        domain: c.domain,
        path: c.path,
        expires: c.expires,
        httpOnly: c.httpOnly,
        secure: c.secure,
        sameSite: c.sameSite,
      })),
      origins: state.origins.map((o) => ({ origin: o.origin, localStorage: o.localStorage.map((e) => ({ name: e.name, value: e.value })) })),
    };
  }

  close(): Promise<{ recording: CaptureInfo | null }> {
    this.closeResult ??= this.doClose();
    return this.closeResult;
  }

  /** Network-guard report for a blocked request of this context. */
  onBlocked(blocked: BlockedRequest): void {
    const mainNavigation = blocked.mainFrameNavigation && blocked.page !== null && blocked.page === this.mainPage;
    if (mainNavigation) {
      this.lastBlocked = { seq: ++this.blockSeq, url: blocked.url, code: blockCode(blocked), message: `Navigation to ${blocked.url} blocked: ${blocked.reason}` };
      for (const wake of [...this.blockWaiters]) wake();
    }
    const what = blocked.websocket ? 'WebSocket' : blocked.mainFrameNavigation ? 'navigation' : 'request';
    const message = `Blocked ${what} to ${blocked.url}: ${blocked.reason}`;
    this.parts.logger.warn({ runId: this.parts.runId, url: blocked.url, kind: blocked.kind, address: blocked.address }, 'network guard blocked a request');
    if (this.blockWarnings < MAX_BLOCK_WARNINGS || mainNavigation) {
      this.blockWarnings++;
      this.emitLog('warn', message);
    } else if (this.blocksNotLogged++ === 0) {
      this.emitLog('warn', 'Further blocked requests are not logged individually');
    }
  }

  private async guarded(url: string, options: NavigateOptions, go: () => Promise<Response | null>): Promise<NavigationResult> {
    if (this.crashReason) throw this.crashReason;
    if (options.signal.aborted) throw abortError(options.signal);
    const before = this.blockSeq;
    try {
      const response = await raceAbort(go(), options.signal);
      return { finalUrl: this.page.url(), status: response?.status() ?? null };
    } catch (err) {
      if (options.signal.aborted) throw abortError(options.signal);
      const target = redactUrl(url);
      if (isBlockedByGuard(err)) await this.waitForBlockReport(before);
      const blocked = this.lastBlocked;
      if (blocked && blocked.seq > before) throw new RunError(blocked.code, blocked.message);
      if (this.crashReason) throw this.crashReason;
      if (isBlockedByGuard(err)) throw new RunError('PRIVATE_NETWORK_BLOCKED', `Navigation to ${target} was blocked by the network guard`, { cause: err });
      if (err instanceof errors.TimeoutError) throw new RunError('NAVIGATION_FAILED', `Navigation to ${target} timed out after ${options.timeoutMs} ms`, { cause: err });
      throw new RunError('NAVIGATION_FAILED', `Navigation to ${target} failed: ${navigationErrorText(err)}`, { cause: err });
    }
  }

  private waitForBlockReport(before: number): Promise<void> {
    if (this.blockSeq > before) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.blockWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, BLOCK_REPORT_WAIT_MS);
      this.blockWaiters.add(done);
    });
  }

  private onResponse(page: Page, response: Response): void {
    try {
      if (!response.request().isNavigationRequest() || response.frame() !== page.mainFrame()) return;
      this.lastDoc = { url: response.url(), status: response.status(), headers: response.headers() };
    } catch {
      // A response of a detached frame: not the main document.
    }
  }

  private async onDialog(dialog: Dialog): Promise<void> {
    const type = dialog.type();
    const text = truncate(dialog.message(), 200);
    try {
      if (type === 'prompt') await dialog.accept(dialog.defaultValue());
      else await dialog.accept();
      this.emitLog('info', type === 'prompt' ? `Dialog (prompt) answered with its default value: "${text}"` : `Dialog (${type}) accepted: "${text}"`);
    } catch {
      // The page went away with its dialog.
    }
  }

  private crash(reason: string): void {
    if (this.closing || this.crashReason) return;
    this.crashReason = new RunError('BROWSER_CRASHED', reason);
    this.parts.logger.warn({ runId: this.parts.runId, reason }, 'browser session crashed');
    this.markCrashed(this.crashReason);
  }

  private async doClose(): Promise<{ recording: CaptureInfo | null }> {
    this.closing = true;
    const { context, lease, downloads } = this.parts;
    const main = this.mainPage;
    const mainVideo = this.parts.recording && main ? main.video() : null;
    const otherVideos = context
      .pages()
      .filter((p) => p !== main)
      .map((p) => p.video())
      .filter((v): v is Video => v !== null);
    downloads.detach();
    const closed = await withTimeout(
      context.close().then(
        () => true,
        () => false,
      ),
      CONTEXT_CLOSE_TIMEOUT_MS,
    );
    if (closed === 'timeout') this.parts.logger.warn({ runId: this.parts.runId }, 'browser context did not close within 10 s; its browser is retired');
    await downloads.settle(DOWNLOAD_SETTLE_MS);
    let recording: CaptureInfo | null = null;
    try {
      if (mainVideo && closed !== 'timeout') recording = await this.saveRecording(mainVideo);
    } finally {
      await Promise.all(otherVideos.map((v) => v.delete().catch(() => undefined)));
      if (this.parts.videoDir) await rm(this.parts.videoDir, { recursive: true, force: true }).catch(() => undefined);
      lease.release({ retire: closed === 'timeout' });
    }
    return { recording };
  }

  /** Moves the main page's finished video into captures as `<runId>_rec_<startedAt>.webm`. */
  private async saveRecording(video: Video): Promise<CaptureInfo | null> {
    const { store, runId, startedAt } = this.parts;
    const name = recordingName(runId, startedAt);
    let source: string | null = null;
    let staged = false;
    try {
      const local = await video.path().catch(() => null);
      if (local && (await stat(local).catch(() => null))?.isFile()) {
        source = local;
      } else if (this.parts.lease.isConnected()) {
        source = await store.createTempPath();
        staged = true;
        const saved = await withTimeout(video.saveAs(source), RECORDING_SAVE_TIMEOUT_MS);
        if (saved === 'timeout') throw new Error('timed out copying the video');
      }
      if (source === null) return null;
      const size = (await stat(source)).size;
      if (size === 0) return null;
      const info = await store.saveFile(source, name);
      source = null;
      const capture: CaptureInfo = { name, url: captureUrl(name), type: 'recording', size: info.size };
      this.parts.events.emit({ event: 'capture', capture, message: `Recording saved: ${name}` });
      return capture;
    } catch (err) {
      const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
      this.parts.logger.warn({ runId, err: why }, 'recording could not be saved');
      this.emitLog('warn', `Recording could not be saved: ${why}`);
      return null;
    } finally {
      if (staged && source !== null) await rm(source, { force: true }).catch(() => undefined);
      await video.delete().catch(() => undefined);
    }
  }

  private emitLog(level: 'info' | 'warn', message: string): void {
    this.parts.events.emit({ event: 'log', level, actionId: null, message });
  }
}

function blockCode(b: BlockedRequest): RunErrorCode {
  if (b.kind === 'unresolvable') return 'NAVIGATION_FAILED';
  if (b.kind === 'unsupported_scheme' || b.kind === 'unparsable') return 'INVALID_URL';
  return 'PRIVATE_NETWORK_BLOCKED';
}

/** `page.goto: net::ERR_CONNECTION_REFUSED at http://…` → `net::ERR_CONNECTION_REFUSED`. */
function navigationErrorText(err: unknown): string {
  const first = (err instanceof Error ? err.message : String(err)).split('\n')[0];
  return first.replace(/^page\.\w+: /, '').replace(/ at \S+$/, '');
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
