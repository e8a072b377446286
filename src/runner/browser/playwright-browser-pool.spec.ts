import { EventEmitter } from 'node:events';
import { describe, expect, it } from '@jest/globals';
import pino from 'pino';
import type { Browser } from 'playwright';
import { Clock } from '../../common/clock.js';
import type { AppConfig } from '../../config/config.service.js';
import type { UrlGuard } from '../../network/url-guard.service.js';
import { RunError } from '../run-error.js';
import type { ResolvedExecutable } from './chromium-launch.js';
import { PlaywrightBrowserPool } from './playwright-browser-pool.js';

class FakeBrowser extends EventEmitter {
  connected = true;
  closeCalls = 0;
  isConnected(): boolean {
    return this.connected;
  }
  version(): string {
    return '156.0.8078.114';
  }
  async close(): Promise<void> {
    this.closeCalls++;
    this.crash();
  }
  crash(): void {
    if (!this.connected) return;
    this.connected = false;
    this.emit('disconnected');
  }
  newBrowserCDPSession(): Promise<never> {
    return Promise.reject(new Error('no CDP in the fake'));
  }
}

class ManualClock extends Clock {
  t = 1_000_000;
  now(): number {
    return this.t;
  }
}

class TestPool extends PlaywrightBrowserPool {
  readonly launched: FakeBrowser[] = [];
  launchAttempts = 0;
  failNext = 0;
  launchDelayMs = 0;
  executable: ResolvedExecutable | null | 'fake' = 'fake';

  constructor(config: Partial<AppConfig['browser']> = {}, clock: Clock = new ManualClock(), obtainTimeoutMs = 30_000) {
    const browser: AppConfig['browser'] = { noSandbox: false, maxContexts: 3, maxAgeMinutes: 60, locale: 'en-US', timezone: 'UTC', ...config };
    super({ browser }, pino({ level: 'silent' }), clock, {} as UrlGuard);
    this.obtainTimeoutMs = obtainTimeoutMs;
  }

  protected override async launchBrowser(timeoutMs: number): Promise<Browser> {
    this.launchAttempts++;
    if (this.executable !== 'fake') return super.launchBrowser(timeoutMs);
    if (this.launchDelayMs > 0) await new Promise((r) => setTimeout(r, this.launchDelayMs));
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('launch exploded');
    }
    const b = new FakeBrowser();
    this.launched.push(b);
    return b as unknown as Browser;
  }

  protected override resolveExecutable(): Promise<ResolvedExecutable | null> {
    return Promise.resolve(this.executable === 'fake' ? { source: 'system', executablePath: '/fake' } : this.executable);
  }

  protected override installGuard(): Promise<boolean> {
    return Promise.resolve(true);
  }
}

describe('PlaywrightBrowserPool', () => {
  it('launches lazily, reuses one browser, and recycles it after maxContexts with a drain', async () => {
    const pool = new TestPool({ maxContexts: 3 });
    expect(pool.browserStatus()).toBe('unknown');
    const leases = [await pool.acquire(), await pool.acquire(), await pool.acquire()];
    expect(pool.launched).toHaveLength(1);
    expect(new Set(leases.map((l) => l.browser)).size).toBe(1);
    expect(leases[0].networkGuarded).toBe(true);
    expect(pool.browserStatus()).toBe('ok');

    const fourth = await pool.acquire();
    expect(pool.launched).toHaveLength(2);
    expect(fourth.browser).toBe(pool.launched[1]);
    const [old] = pool.launched;
    // Draining: still open while its contexts are.
    expect(old.connected).toBe(true);
    expect(pool.stats()).toEqual({ launchesOk: 2, launchesFailed: 0, size: 2, activeContexts: 4 });
    leases[0].release();
    leases[1].release();
    leases[1].release(); // idempotent
    expect(old.closeCalls).toBe(0);
    leases[2].release();
    await new Promise((r) => setImmediate(r));
    expect(old.closeCalls).toBe(1);
    expect(pool.stats()).toEqual({ launchesOk: 2, launchesFailed: 0, size: 1, activeContexts: 1 });
    fourth.release();
    expect(pool.launched[1].closeCalls).toBe(0); // the current browser stays warm
  });

  it('recycles a browser older than maxAgeMinutes at the next acquire', async () => {
    const clock = new ManualClock();
    const pool = new TestPool({ maxContexts: 100, maxAgeMinutes: 5 }, clock);
    (await pool.acquire()).release();
    clock.t += 5 * 60_000;
    const lease = await pool.acquire();
    expect(pool.launched).toHaveLength(2);
    expect(lease.browser).toBe(pool.launched[1]);
    await new Promise((r) => setImmediate(r));
    expect(pool.launched[0].closeCalls).toBe(1);
    await pool.onModuleDestroy();
  });

  it('discards a disconnected browser: leases see it, the next acquire launches a fresh one', async () => {
    const pool = new TestPool();
    const lease = await pool.acquire();
    pool.launched[0].crash();
    const reason = await lease.disconnected;
    expect(reason).toBeInstanceOf(RunError);
    expect((reason as RunError).code).toBe('BROWSER_CRASHED');
    expect(lease.isConnected()).toBe(false);
    expect(pool.stats().size).toBe(0);
    const next = await pool.acquire();
    expect(next.browser).toBe(pool.launched[1]);
    lease.release();
    expect(pool.stats().activeContexts).toBe(1);
  });

  it('shares one launch between concurrent acquires', async () => {
    const pool = new TestPool({ maxContexts: 10 });
    pool.launchDelayMs = 30;
    const leases = await Promise.all([pool.acquire(), pool.acquire(), pool.acquire()]);
    expect(pool.launchAttempts).toBe(1);
    expect(new Set(leases.map((l) => l.browser)).size).toBe(1);
  });

  it('retries failed launches with back-off within the deadline', async () => {
    const pool = new TestPool({}, undefined, 30_000);
    pool.failNext = 1;
    const lease = await pool.acquire();
    expect(pool.launchAttempts).toBe(2);
    expect(lease.isConnected()).toBe(true);
    expect(pool.stats()).toMatchObject({ launchesOk: 1, launchesFailed: 1 });
  });

  it('gives up with BROWSER_LAUNCH_FAILED when no browser comes within the deadline', async () => {
    const pool = new TestPool({}, new (class extends Clock {
      now(): number {
        return Date.now();
      }
    })(), 700);
    pool.failNext = 100;
    const err = await pool.acquire().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunError);
    expect(err).toMatchObject({ code: 'BROWSER_LAUNCH_FAILED' });
    expect((err as Error).message).toMatch(/launch exploded|within/);
    expect(pool.launchAttempts).toBeGreaterThanOrEqual(2);
    expect(pool.browserStatus()).toBe('unavailable');
  });

  it('fails at once when no Chromium executable exists', async () => {
    const pool = new TestPool();
    pool.executable = null;
    const t0 = Date.now();
    await expect(pool.acquire()).rejects.toMatchObject({ code: 'BROWSER_LAUNCH_FAILED', message: expect.stringContaining('No Chromium found') });
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(pool.launchAttempts).toBe(1);
  });

  it('rejects with the abort reason when the run is stopped while waiting', async () => {
    const pool = new TestPool();
    pool.launchDelayMs = 500;
    const controller = new AbortController();
    const pending = pool.acquire(controller.signal);
    controller.abort(new RunError('STOPPED', 'stopped'));
    await expect(pending).rejects.toMatchObject({ code: 'STOPPED' });
  });

  it('closes every browser on module destroy and refuses new leases', async () => {
    const pool = new TestPool({ maxContexts: 1 });
    const a = await pool.acquire();
    await pool.acquire(); // retires the first (still leased)
    await pool.onModuleDestroy();
    expect(pool.launched.every((b) => b.closeCalls === 1)).toBe(true);
    expect(pool.browserStatus()).toBe('unavailable');
    await expect(pool.acquire()).rejects.toMatchObject({ code: 'BROWSER_LAUNCH_FAILED' });
    a.release();
  });
});
