import type { BrowserContext, Page } from 'playwright';
import type { StorageState } from '../../captures/cookie-jar/storage-state.js';
import type { NormalisedTask } from '../../tasks/model/task.types.js';
import type { RunErrorCode } from '../run-error.js';
import type { CaptureInfo, DownloadEntry, RunEventSink } from '../runner.types.js';

/** Playwright storage state (cookies + per-origin localStorage): the cookie-jar format. */
export type StorageStateShape = StorageState;

/** The last main-frame document response, for the anti-bot signals S1/S5/S6 (RUNNER §9.3). */
export interface DocumentResponseInfo {
  url: string;
  status: number;
  headers: Record<string, string>;
}

/** A main-page navigation refused by the network guard (RUNNER §11.8). */
export interface BlockedNavigation {
  /** Increases with every blocked main-page navigation of the session. */
  seq: number;
  /** Redacted URL of the refused hop. */
  url: string;
  /** PRIVATE_NETWORK_BLOCKED; INVALID_URL for a refused scheme; NAVIGATION_FAILED for a host that does not resolve. */
  code: RunErrorCode;
  message: string;
}

export interface NavigateOptions {
  timeoutMs: number;
  signal: AbortSignal;
}

export interface NavigationResult {
  /** `page.url()` after the navigation. */
  finalUrl: string;
  /** Status of the main document response; null when there was none (about:, data:, same-document). */
  status: number | null;
}

/** Downloads of one run's context (RUNNER §11.6). */
export interface DownloadTracker {
  inProgress(): number;
  /** Completed and saved downloads, in save order. */
  completed(): DownloadEntry[];
  /** Resolves true when a download starts within `ms`, false otherwise (or on abort). */
  waitForStart(ms: number, signal: AbortSignal): Promise<boolean>;
  /** Resolves true when none is in progress, false when `ms` elapsed first (or on abort). */
  waitIdle(ms: number, signal: AbortSignal): Promise<boolean>;
}

/**
 * One run's browser context (RUNNER §11): fresh context from the warm pool, main page, network
 * guard installed, dialogs/popups handled, downloads saved into captures, video recorded.
 */
export interface BrowserSession {
  readonly context: BrowserContext;
  /** The main page: actions always target it. */
  readonly page: Page;
  /** Resolves (never rejects) with the reason when the page or browser crashes/disconnects. */
  readonly crashed: Promise<Error>;
  isCrashed(): boolean;
  lastDocumentResponse(): DocumentResponseInfo | null;
  readonly downloads: DownloadTracker;
  /**
   * `goto` on the main page (`domcontentloaded`) through the network guard. `url` must be
   * absolute (resolve relative URLs first). Throws RunError INVALID_URL (unparsable, or a scheme
   * other than http/https/about/data/blob), PRIVATE_NETWORK_BLOCKED (the URL or a redirect hop was
   * refused), NAVIGATION_FAILED (load error or timeout); BROWSER_CRASHED when the session crashed;
   * the abort reason when `signal` aborts. An HTTP error status is not a failure.
   */
  navigate(url: string, options: NavigateOptions): Promise<NavigationResult>;
  /** `reload` (`domcontentloaded`) with the same guard and errors as `navigate`. */
  reload(options: NavigateOptions): Promise<NavigationResult>;
  /**
   * The latest main-page navigation the guard blocked, whoever started it (an action, a click, the
   * page itself), or null. Compare `seq` before/after to attribute it to a step.
   */
  lastBlockedNavigation(): BlockedNavigation | null;
  /** The context's current storage state (for the cookie-jar merge). */
  storageState(): Promise<StorageStateShape>;
  /** The storage state loaded at context creation (S0), or null when stateless. */
  readonly initialState: StorageStateShape | null;
  /**
   * Closes the context; then moves the main page's video into captures as
   * `<runId>_rec_<ms>.webm` (emitting a `capture` event) and returns it (null when none).
   */
  close(): Promise<{ recording: CaptureInfo | null }>;
}

export interface OpenSessionRequest {
  runId: string;
  /** Run start time (ms), used in the recording's name. */
  startedAt: number;
  task: NormalisedTask;
  stateless: boolean;
  events: RunEventSink;
  signal: AbortSignal;
}

/** Opens a BrowserSession; throws RunError BROWSER_LAUNCH_FAILED when no browser can be had in 30 s. */
export abstract class BrowserSessionFactory {
  abstract open(request: OpenSessionRequest): Promise<BrowserSession>;
}
