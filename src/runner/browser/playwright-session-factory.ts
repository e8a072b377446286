import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import type { BrowserContext, BrowserContextOptions } from 'playwright';
import { CookieJarService } from '../../captures/cookie-jar/cookie-jar.service.js';
import { CaptureStore } from '../../captures/store/capture-store.js';
import { Clock } from '../../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.service.js';
import { APP_LOGGER, type AppLogger } from '../../logging/app-logger.js';
import { UrlGuard } from '../../network/url-guard.service.js';
import { ProxySelector, type SelectedProxy } from '../../settings/proxies/proxy-selector.service.js';
import { UserAgentService } from '../../settings/user-agent/user-agent.service.js';
import { RunError } from '../run-error.js';
import { abortError, withTimeout } from './abortable.js';
import { BrowserPool, type BrowserLease } from './browser-pool.js';
import { BrowserSessionFactory, type BrowserSession, type OpenSessionRequest, type StorageStateShape } from './browser-session.js';
import { buildContextOptions, pickViewport, proxyLogName, type Viewport } from './context-options.js';
import { ContextDownloads } from './context-downloads.js';
import { installContextRouteGuard, watchBlockedRequests } from './network-guard.js';
import { PlaywrightBrowserSession } from './playwright-session.js';

const NEW_CONTEXT_TIMEOUT_MS = 30_000;

interface Prepared {
  userAgent: string;
  proxy: SelectedProxy | null;
  state: StorageStateShape | null;
  viewport: Viewport;
}

/** Opens run sessions on the pool with the context options of RUNNER §11.3. */
@Injectable()
export class PlaywrightSessionFactory extends BrowserSessionFactory {
  private videoUnavailableWarned = false;

  constructor(
    private readonly pool: BrowserPool,
    private readonly userAgents: UserAgentService,
    private readonly proxies: ProxySelector,
    private readonly cookieJar: CookieJarService,
    private readonly store: CaptureStore,
    private readonly guard: UrlGuard,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: AppLogger,
  ) {
    super();
  }

  async open(request: OpenSessionRequest): Promise<BrowserSession> {
    // A browser that dies between acquire and newContext gets one more try.
    for (let attempt = 1; ; attempt++) {
      if (request.signal.aborted) throw abortError(request.signal);
      const lease = await this.pool.acquire(request.signal);
      try {
        return await this.openOn(lease, request);
      } catch (err) {
        lease.release();
        if (attempt < 2 && !lease.isConnected() && !request.signal.aborted) continue;
        throw err;
      }
    }
  }

  private async openOn(lease: BrowserLease, request: OpenSessionRequest): Promise<BrowserSession> {
    const { task } = request;
    const prepared = await this.prepare(lease, request);
    const recording = !task.disableRecording;
    const videoDir = recording ? await mkdtemp(path.join(tmpdir(), 'figranium-video-')) : null;
    let context: BrowserContext | null = null;
    try {
      const options = buildContextOptions({
        viewport: prepared.viewport,
        userAgent: prepared.userAgent,
        locale: this.config.browser.locale,
        timezoneId: this.config.browser.timezone,
        storageState: prepared.state,
        proxy: prepared.proxy,
        videoDir,
      });
      const created = await this.newContext(lease, options);
      context = created.context;
      const downloads = new ContextDownloads({
        runId: request.runId,
        store: this.store,
        maxBytes: this.config.maxDownloadBytes,
        events: request.events,
        logger: this.logger,
        clock: this.clock,
      });
      const session = new PlaywrightBrowserSession({
        runId: request.runId,
        startedAt: request.startedAt,
        context,
        lease,
        downloads,
        initialState: prepared.state,
        recording: recording && created.recording,
        videoDir,
        events: request.events,
        store: this.store,
        logger: this.logger,
      });
      if (!lease.networkGuarded) await installContextRouteGuard(context, this.guard);
      await watchBlockedRequests(context, this.guard, (blocked) => session.onBlocked(blocked));
      await session.start();
      if (request.signal.aborted) throw abortError(request.signal);
      this.logger.info(
        { runId: request.runId, proxy: proxyLogName(prepared.proxy), viewport: prepared.viewport, stateless: request.stateless, recording: recording && created.recording },
        'browser context opened',
      );
      if (prepared.proxy) request.events.emit({ event: 'log', level: 'info', actionId: null, message: `Using proxy ${proxyLogName(prepared.proxy)}` });
      return session;
    } catch (err) {
      if (context) await withTimeout(context.close().catch(() => undefined), 10_000);
      if (videoDir) await rm(videoDir, { recursive: true, force: true }).catch(() => undefined);
      throw err;
    }
  }

  private async prepare(lease: BrowserLease, request: OpenSessionRequest): Promise<Prepared> {
    const { task } = request;
    const [userAgent, proxy, state] = await Promise.all([
      lease.userAgent().then((systemUserAgent) => this.userAgents.resolve({ rotate: task.rotateUserAgents, systemUserAgent })),
      this.proxies.select({ rotate: task.rotateProxies }),
      request.stateless ? Promise.resolve(null) : this.cookieJar.snapshot(),
    ]);
    return { userAgent, proxy, state, viewport: pickViewport(task.rotateViewport) };
  }

  /** `newContext`, bounded; without video when Playwright's ffmpeg is missing (warned once). */
  private async newContext(lease: BrowserLease, options: BrowserContextOptions): Promise<{ context: BrowserContext; recording: boolean }> {
    try {
      return { context: await this.boundedNewContext(lease, options), recording: options.recordVideo !== undefined };
    } catch (err) {
      if (options.recordVideo === undefined || !/ffmpeg/i.test(errorText(err))) throw err;
      if (!this.videoUnavailableWarned) {
        this.videoUnavailableWarned = true;
        this.logger.warn({ err: errorText(err) }, 'video recording is unavailable (ffmpeg missing); runs continue without recordings');
      }
      const { recordVideo: _omit, ...rest } = options;
      return { context: await this.boundedNewContext(lease, rest), recording: false };
    }
  }

  private async boundedNewContext(lease: BrowserLease, options: BrowserContextOptions): Promise<BrowserContext> {
    const pending = lease.browser.newContext(options);
    let result: BrowserContext | 'timeout';
    try {
      result = await withTimeout(pending, NEW_CONTEXT_TIMEOUT_MS);
    } catch (err) {
      if (!lease.isConnected()) throw new RunError('BROWSER_CRASHED', 'The browser disconnected while the context was created', { cause: err });
      if (/ffmpeg/i.test(errorText(err))) throw err;
      throw new RunError('BROWSER_LAUNCH_FAILED', `The browser context could not be created: ${errorText(err)}`, { cause: err });
    }
    if (result === 'timeout') {
      void pending.then((c) => c.close()).catch(() => undefined);
      lease.release({ retire: true });
      throw new RunError('BROWSER_LAUNCH_FAILED', 'The browser did not create a context within 30 s');
    }
    return result;
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message.split('\n')[0] : String(err);
}
