import type { BrowserContext, Page } from 'playwright';
import type { NormalisedTask } from '../../tasks/model/task.types.js';
import type { CaptureInfo, DownloadEntry, RunEventSink } from '../runner.types.js';

/** Playwright storage state (cookies + per-origin localStorage), the cookie-jar format. */
export interface StorageStateShape {
  cookies: Array<{
    name: string;
    value: string;
    domain: string;
    path: string;
    expires: number;
    httpOnly: boolean;
    secure: boolean;
    sameSite: 'Strict' | 'Lax' | 'None';
  }>;
  origins: Array<{ origin: string; localStorage: Array<{ name: string; value: string }> }>;
}

/** The last main-frame document response, for the anti-bot signals S1/S5/S6 (RUNNER §9.3). */
export interface DocumentResponseInfo {
  url: string;
  status: number;
  headers: Record<string, string>;
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
