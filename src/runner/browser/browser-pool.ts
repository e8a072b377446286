import type { Browser } from 'playwright';
import type { BrowserAvailability } from '../../health/readiness-sources.js';

/** One context slot on a pooled browser, held by a run from context creation to context close. */
export interface BrowserLease {
  readonly browser: Browser;
  /** Resolves (never rejects) when this browser disconnects or crashes. */
  readonly disconnected: Promise<Error>;
  isConnected(): boolean;
  /**
   * True when the browser-wide network guard (CDP request interception, every hop) is installed;
   * otherwise the session must route the context itself.
   */
  readonly networkGuarded: boolean;
  /** The browser's own user agent (RUNNER §11.2 `system` starts from it). */
  userAgent(): Promise<string>;
  /**
   * Gives the slot back once the context is closed. `retire` asks the pool to drain this browser
   * (e.g. a context that would not close). Safe to call more than once.
   */
  release(options?: { retire?: boolean }): void;
}

export interface BrowserPoolStats {
  launchesOk: number;
  launchesFailed: number;
  /** Browsers alive (the current one plus any draining). */
  size: number;
  /** Contexts currently open across all browsers. */
  activeContexts: number;
}

/**
 * Warm Chromium browsers shared by runs (RUNNER §11.1, DECISIONS #5): each run leases a slot and
 * opens its own context; browsers are recycled after N contexts or an age, and discarded when
 * they disconnect.
 */
export abstract class BrowserPool {
  /**
   * A slot on a connected browser, launching or connecting one when needed. Throws RunError
   * BROWSER_LAUNCH_FAILED when none can be had within 30 s; rejects with the abort reason when
   * `signal` aborts first.
   */
  abstract acquire(signal?: AbortSignal): Promise<BrowserLease>;
  abstract stats(): BrowserPoolStats;
  /** For readiness (API §2): `ok` when the last launch/connect worked, `unavailable` when it failed. */
  abstract browserStatus(): BrowserAvailability;
}
