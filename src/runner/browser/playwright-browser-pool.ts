import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { chromium, type Browser } from 'playwright';
import { Clock } from '../../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.service.js';
import type { BrowserAvailability } from '../../health/readiness-sources.js';
import { APP_LOGGER, type AppLogger } from '../../logging/app-logger.js';
import { UrlGuard } from '../../network/url-guard.service.js';
import { RunError } from '../run-error.js';
import { raceAbort, sleep, withTimeout } from './abortable.js';
import { BrowserPool, type BrowserLease, type BrowserPoolStats } from './browser-pool.js';
import { chromiumLaunchArgs, resolveChromiumExecutable, systemExecutableProbe, type ResolvedExecutable } from './chromium-launch.js';
import { installBrowserNetworkGuard } from './network-guard.js';
import { PooledBrowser } from './pooled-browser.js';

/** RUNNER §11.1: no browser within this time → BROWSER_LAUNCH_FAILED. */
export const BROWSER_OBTAIN_TIMEOUT_MS = 30_000;
const CLOSE_TIMEOUT_MS = 10_000;
const BACKOFF_START_MS = 500;
const BACKOFF_MAX_MS = 30_000;

class NoExecutableError extends Error {}

type PoolConfig = Pick<AppConfig, 'browser'>;

/**
 * Local Playwright Chromium (or a remote browser server with BROWSER_WS_ENDPOINT). One current
 * browser takes new contexts; recycled browsers drain and close when their last context closes.
 */
@Injectable()
export class PlaywrightBrowserPool extends BrowserPool implements OnModuleDestroy {
  /** Overridable in tests. */
  protected obtainTimeoutMs = BROWSER_OBTAIN_TIMEOUT_MS;
  private readonly browsers = new Set<PooledBrowser>();
  private current: PooledBrowser | null = null;
  private obtaining: Promise<PooledBrowser> | null = null;
  private nextId = 1;
  private launchesOk = 0;
  private launchesFailed = 0;
  private lastAttempt: 'none' | 'ok' | 'failed' = 'none';
  private destroyed = false;
  private sandboxWarned = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private reconnectDelay = BACKOFF_START_MS;

  constructor(
    @Inject(APP_CONFIG) private readonly config: PoolConfig,
    @Inject(APP_LOGGER) private readonly logger: AppLogger,
    private readonly clock: Clock,
    private readonly guard: UrlGuard,
  ) {
    super();
  }

  async acquire(signal?: AbortSignal): Promise<BrowserLease> {
    const deadline = this.clock.now() + this.obtainTimeoutMs;
    for (;;) {
      if (this.destroyed) throw new RunError('BROWSER_LAUNCH_FAILED', 'The browser pool is shut down');
      if (signal?.aborted) await raceAbort(Promise.resolve(), signal);
      const entry = this.current;
      if (entry && entry.connected && !entry.draining) {
        if (this.isWornOut(entry)) {
          this.retire(entry, 'recycled');
          continue;
        }
        entry.contexts++;
        entry.active++;
        return this.leaseOf(entry);
      }
      this.obtaining ??= this.obtain(deadline).finally(() => {
        this.obtaining = null;
      });
      const remaining = deadline - this.clock.now();
      const got = await raceAbort(withTimeout(this.obtaining, remaining), signal);
      if (got === 'timeout') throw new RunError('BROWSER_LAUNCH_FAILED', `No browser could be obtained within ${Math.round(this.obtainTimeoutMs / 1000)} s`);
    }
  }

  stats(): BrowserPoolStats {
    let activeContexts = 0;
    for (const b of this.browsers) activeContexts += b.active;
    return { launchesOk: this.launchesOk, launchesFailed: this.launchesFailed, size: this.browsers.size, activeContexts };
  }

  browserStatus(): BrowserAvailability {
    if (this.destroyed) return 'unavailable';
    if (this.current?.connected) return 'ok';
    if (this.lastAttempt === 'none') return 'unknown';
    return this.lastAttempt === 'ok' ? 'ok' : 'unavailable';
  }

  /** The current browser's version string (e.g. `156.0.8078.114`), or null when none is up. */
  currentVersion(): string | null {
    return this.current?.connected ? this.current.browser.version() : null;
  }

  async onModuleDestroy(): Promise<void> {
    this.destroyed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.current = null;
    await Promise.all([...this.browsers].map((b) => this.closeBrowser(b)));
  }

  /** Launches (or connects) one browser, retrying with back-off until `deadline`. */
  private async obtain(deadline: number): Promise<PooledBrowser> {
    let delay = BACKOFF_START_MS;
    let lastError: unknown = null;
    for (;;) {
      const remaining = deadline - this.clock.now();
      if (remaining <= 0 || this.destroyed) break;
      try {
        const browser = await this.launchBrowser(remaining);
        return await this.register(browser);
      } catch (err) {
        this.launchesFailed++;
        this.lastAttempt = 'failed';
        lastError = err;
        this.logger.warn({ err: errorMessage(err), remote: Boolean(this.config.browser.wsEndpoint) }, 'browser launch/connect failed');
        if (err instanceof NoExecutableError) break;
      }
      const wait = Math.min(delay, deadline - this.clock.now());
      if (wait <= 0) break;
      await sleep(wait);
      delay = Math.min(delay * 2, BACKOFF_MAX_MS);
    }
    throw new RunError('BROWSER_LAUNCH_FAILED', `No browser could be obtained: ${lastError === null ? 'timed out' : errorMessage(lastError)}`, { cause: lastError });
  }

  /** One launch or connect attempt, bounded by `timeoutMs`. Protected so tests can fake it. */
  protected async launchBrowser(timeoutMs: number): Promise<Browser> {
    const { wsEndpoint } = this.config.browser;
    if (wsEndpoint) return chromium.connect(wsEndpoint, { timeout: timeoutMs });
    const executable = await this.resolveExecutable();
    if (!executable) {
      throw new NoExecutableError(
        'No Chromium found: set PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH, run `npx playwright install chromium`, or install chromium on PATH',
      );
    }
    const noSandbox = this.needsNoSandbox();
    return chromium.launch({
      headless: true,
      executablePath: executable.executablePath,
      args: chromiumLaunchArgs(noSandbox),
      chromiumSandbox: !noSandbox,
      timeout: timeoutMs,
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
  }

  protected resolveExecutable(): Promise<ResolvedExecutable | null> {
    return resolveChromiumExecutable(this.config.browser.executablePath, systemExecutableProbe(() => chromium.executablePath()));
  }

  private needsNoSandbox(): boolean {
    const root = process.getuid?.() === 0;
    if (root && !this.sandboxWarned) {
      this.sandboxWarned = true;
      this.logger.warn('running as root: Chromium is started with --no-sandbox');
    }
    return root || this.config.browser.noSandbox;
  }

  /** Installs the browser-wide guard before the browser takes any context. Protected for tests. */
  protected installGuard(browser: Browser): Promise<boolean> {
    return installBrowserNetworkGuard(browser, this.guard);
  }

  private async register(browser: Browser): Promise<PooledBrowser> {
    this.launchesOk++;
    this.lastAttempt = 'ok';
    this.reconnectDelay = BACKOFF_START_MS;
    const entry = new PooledBrowser(this.nextId++, browser, this.clock.now());
    this.browsers.add(entry);
    browser.on('disconnected', () => this.onDisconnected(entry));
    if (!browser.isConnected()) this.onDisconnected(entry);
    entry.networkGuarded = await this.installGuard(browser).catch(() => false);
    if (!entry.networkGuarded) this.logger.warn({ browserId: entry.id }, 'browser-wide network guard unavailable (no CDP); contexts are routed instead, redirect hops are not checked');
    const maxAgeMs = this.config.browser.maxAgeMinutes * 60_000;
    entry.ageTimer = setTimeout(() => this.retire(entry, 'max age reached'), maxAgeMs);
    entry.ageTimer.unref();
    if (this.destroyed) {
      void this.closeBrowser(entry);
      return entry;
    }
    if (entry.connected) {
      if (this.current && this.current !== entry) this.retire(this.current, 'replaced');
      this.current = entry;
    }
    this.logger.info({ browserId: entry.id, version: browser.version(), remote: Boolean(this.config.browser.wsEndpoint) }, 'browser ready');
    return entry;
  }

  private isWornOut(entry: PooledBrowser): boolean {
    return entry.contexts >= this.config.browser.maxContexts || this.clock.now() - entry.createdAt >= this.config.browser.maxAgeMinutes * 60_000;
  }

  private leaseOf(entry: PooledBrowser): BrowserLease {
    let released = false;
    return {
      browser: entry.browser,
      disconnected: entry.disconnected,
      isConnected: () => entry.connected,
      networkGuarded: entry.networkGuarded,
      userAgent: () => entry.userAgent(),
      release: (options) => {
        if (released) return;
        released = true;
        entry.active--;
        if (options?.retire) this.retire(entry, 'context did not close');
        else if (entry.draining && entry.active === 0) void this.closeBrowser(entry);
      },
    };
  }

  /** Drain: no new contexts; close once the last context is gone. */
  private retire(entry: PooledBrowser, why: string): void {
    if (this.current === entry) this.current = null;
    if (!entry.draining) {
      entry.draining = true;
      this.logger.info({ browserId: entry.id, contexts: entry.contexts, active: entry.active, why }, 'browser retired');
    }
    if (entry.active <= 0) void this.closeBrowser(entry);
  }

  private async closeBrowser(entry: PooledBrowser): Promise<void> {
    if (entry.closing) return;
    entry.closing = true;
    if (!entry.connected) return;
    const closed = await withTimeout(
      entry.browser.close().catch(() => undefined),
      CLOSE_TIMEOUT_MS,
    );
    if (closed === 'timeout') this.logger.warn({ browserId: entry.id }, 'browser did not close in time');
  }

  private onDisconnected(entry: PooledBrowser): void {
    if (!this.browsers.delete(entry)) return;
    const expected = entry.closing;
    entry.onDisconnected(new RunError('BROWSER_CRASHED', expected ? 'Browser closed' : 'Browser disconnected'));
    if (this.current === entry) this.current = null;
    if (expected) return;
    this.logger.warn({ browserId: entry.id, activeContexts: entry.active }, 'browser disconnected unexpectedly');
    if (this.config.browser.wsEndpoint && !this.destroyed) {
      this.lastAttempt = 'failed';
      this.scheduleReconnect();
    }
  }

  /** Remote browsers: reconnect in the background with back-off, so readiness recovers. */
  private scheduleReconnect(): void {
    if (this.reconnectTimer || this.destroyed) return;
    const delay = this.reconnectDelay;
    this.reconnectDelay = Math.min(this.reconnectDelay * 2, BACKOFF_MAX_MS);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.destroyed || this.current?.connected) return;
      this.obtaining ??= this.obtain(this.clock.now() + this.obtainTimeoutMs).finally(() => {
        this.obtaining = null;
      });
      this.obtaining.catch(() => this.scheduleReconnect());
    }, delay);
    this.reconnectTimer.unref();
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message.split('\n')[0] : String(err);
}
