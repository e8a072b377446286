// Browser pool and per-run sessions against real Chromium (RUNNER §11.1, §11.3, §11.8).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, BrowserContext } from 'playwright';
import { BrowserPool } from '../../src/runner/browser/browser-pool.js';
import { RunError } from '../../src/runner/run-error.js';
import { startFixtureServer, type FixtureServer } from '../fixtures/fixture-server.js';
import { startTestApp, type TestApp } from '../support/app-harness.js';
import { browserEnv, browserPid, eventually, NAV, openSession, signal, within } from './browser-session-kit.js';

const MAX_CONTEXTS = 21;

describe('browser sessions (private networks allowed)', () => {
  let t: TestApp;
  let site: FixtureServer;

  beforeAll(async () => {
    site = await startFixtureServer();
    t = await startTestApp({
      env: browserEnv({ ALLOW_PRIVATE_NETWORKS: 'true', BROWSER_MAX_CONTEXTS: String(MAX_CONTEXTS), BROWSER_LOCALE: 'de-DE', BROWSER_TIMEZONE: 'Asia/Tokyo' }),
    });
  });
  afterAll(async () => {
    await t?.close();
    await site?.close();
  });

  describe('pool (RUNNER §11.1)', () => {
    it('reuses one browser process for 20 sessions with a new context each, then recycles it after BROWSER_MAX_CONTEXTS', async () => {
      const pool = t.app.get(BrowserPool);
      const browsers = new Set<Browser>();
      const contexts = new Set<BrowserContext>();
      const pids = new Set<number>();
      const launchesBefore = pool.stats().launchesOk; // 0: this is the first session of the app
      for (let i = 0; i < 20; i++) {
        const { session } = await openSession(t);
        const browser = session.context.browser();
        if (!browser) throw new Error('context without browser');
        browsers.add(browser);
        contexts.add(session.context);
        if (i === 0 || i === 19) pids.add(await browserPid(browser));
        if (i === 0) await session.navigate(`${site.url}/`, { ...NAV, signal: signal() });
        await session.close();
      }
      expect(browsers.size).toBe(1);
      expect(contexts.size).toBe(20);
      expect(pids.size).toBe(1);
      const [first] = [...browsers];
      expect(first.contexts()).toHaveLength(0);

      // Context 21 still fits; the 22nd acquire retires the browser, which drains.
      const s21 = await openSession(t);
      expect(s21.session.context.browser()).toBe(first);
      const s22 = await openSession(t);
      const second = s22.session.context.browser();
      expect(second).not.toBe(first);
      expect(second?.isConnected()).toBe(true);
      expect(await browserPid(second as Browser)).not.toBe([...pids][0]);
      // The retired browser stays up while its last context is open.
      expect(first.isConnected()).toBe(true);
      expect(pool.stats().size).toBe(2);
      await s21.session.navigate(`${site.url}/form.html`, { ...NAV, signal: signal() });
      await s21.session.close();
      await eventually(() => !first.isConnected(), 10_000, 'retired browser to close');
      expect(pool.stats().size).toBe(1);
      await s22.session.close();
      expect(pool.stats().launchesOk).toBe(launchesBefore + 2);
    });

    it('reports crashed when the browser process is killed; the next session gets a fresh browser', async () => {
      const opened = await openSession(t);
      await opened.session.navigate(`${site.url}/`, { ...NAV, signal: signal() });
      const browser = opened.session.context.browser() as Browser;
      const pid = await browserPid(browser);
      expect(opened.session.isCrashed()).toBe(false);
      process.kill(pid, 'SIGKILL');
      const reason = await within(opened.session.crashed, 15_000, 'crashed to resolve');
      expect(reason).toBeInstanceOf(RunError);
      expect((reason as RunError).code).toBe('BROWSER_CRASHED');
      expect(opened.session.isCrashed()).toBe(true);
      await expect(opened.session.navigate(`${site.url}/`, { ...NAV, signal: signal() })).rejects.toMatchObject({ code: 'BROWSER_CRASHED' });
      await expect(within(opened.session.close(), 15_000, 'close after crash')).resolves.toEqual({ recording: null });

      const next = await openSession(t);
      const fresh = next.session.context.browser() as Browser;
      expect(fresh).not.toBe(browser);
      expect(await browserPid(fresh)).not.toBe(pid);
      const nav = await next.session.navigate(`${site.url}/form.html`, { ...NAV, signal: signal() });
      expect(nav).toEqual({ finalUrl: `${site.url}/form.html`, status: 200 });
      await next.session.close();

      const ready = await fetch(`${t.url}/api/health/ready`);
      expect(((await ready.json()) as { browser: string }).browser).toBe('ok');
    });

    it('reports crashed when the main page is closed during the run, but not on close()', async () => {
      const opened = await openSession(t);
      await opened.session.page.close();
      expect((await within(opened.session.crashed, 5000, 'crashed')).message).toMatch(/main page was closed/);
      await opened.session.close();

      const clean = await openSession(t);
      await clean.session.close();
      expect(clean.session.isCrashed()).toBe(false);
    });
  });

  describe('context options (RUNNER §11.3)', () => {
    it('applies viewport, user agent (system → Chrome/), locale and timezone', async () => {
      const { session } = await openSession(t);
      await session.navigate(`${site.url}/echo`, { ...NAV, signal: signal() });
      const seen = await session.page.evaluate(() => ({
        ua: navigator.userAgent,
        width: window.innerWidth,
        height: window.innerHeight,
        dpr: window.devicePixelRatio,
        touch: navigator.maxTouchPoints,
        language: navigator.language,
        timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
        dark: window.matchMedia('(prefers-color-scheme: dark)').matches,
        sw: 'serviceWorker' in navigator,
      }));
      expect(seen).toMatchObject({ width: 1366, height: 768, dpr: 1, touch: 0, language: 'de-DE', timeZone: 'Asia/Tokyo', dark: false });
      expect(seen.ua).toMatch(/ Chrome\/\d+/);
      expect(seen.ua).not.toMatch(/HeadlessChrome/);
      const echoed = site.requests.last('/echo');
      expect(echoed?.headers['user-agent']).toBe(seen.ua);
      expect(String(echoed?.headers['accept-language'])).toMatch(/^de-DE/);
      await session.close();
    });

    it('rotates the viewport within [1280,1919]×[720,1079] with rotateViewport', async () => {
      const sizes = new Set<string>();
      for (let i = 0; i < 3; i++) {
        const { session } = await openSession(t, { task: { rotateViewport: true } });
        const v = session.page.viewportSize();
        expect(v?.width).toBeGreaterThanOrEqual(1280);
        expect(v?.width).toBeLessThanOrEqual(1919);
        expect(v?.height).toBeGreaterThanOrEqual(720);
        expect(v?.height).toBeLessThanOrEqual(1079);
        sizes.add(`${v?.width}x${v?.height}`);
        await session.close();
      }
      expect(sizes.has('1366x768') && sizes.size === 1).toBe(false);
    });
  });

  describe('navigation and network guard with private networks allowed (RUNNER §11.8)', () => {
    it('navigates and records the last main document response', async () => {
      const { session } = await openSession(t);
      const nav = await session.navigate(`${site.url}/redirect?to=/challenge%3Fvariant%3Dstatus`, { ...NAV, signal: signal() });
      expect(nav).toEqual({ finalUrl: `${site.url}/challenge?variant=status`, status: 403 });
      expect(session.lastDocumentResponse()).toMatchObject({ url: `${site.url}/challenge?variant=status`, status: 403 });
      expect(session.lastDocumentResponse()?.headers['content-type']).toMatch(/text\/html/);
      expect(session.lastBlockedNavigation()).toBeNull();
      await session.close();
    });

    it('blocks a redirect hop to host.docker.internal with PRIVATE_NETWORK_BLOCKED', async () => {
      const opened = await openSession(t);
      const err = await opened.session
        .navigate(`${site.url}/redirect?to=http://host.docker.internal/secret`, { ...NAV, signal: signal() })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RunError);
      expect(err).toMatchObject({ code: 'PRIVATE_NETWORK_BLOCKED' });
      expect((err as Error).message).toContain('host.docker.internal');
      expect(site.requests.count('/redirect')).toBeGreaterThan(0);
      expect(opened.session.lastBlockedNavigation()).toMatchObject({ seq: 1, code: 'PRIVATE_NETWORK_BLOCKED', url: 'http://host.docker.internal/secret' });
      expect(opened.logs('warn').some((m) => m.startsWith('Blocked navigation to http://host.docker.internal/secret'))).toBe(true);
      await opened.session.close();
    });

    it('checks redirect hops of sub-resources and cross-site frames too', async () => {
      const opened = await openSession(t);
      await opened.session.navigate(`${site.url}/form.html`, { ...NAV, signal: signal() });
      const crossSite = site.url.replace('127.0.0.1', 'localhost');
      await opened.session.page.evaluate(
        ({ own, other }) => {
          const img = document.createElement('img');
          img.src = `${own}/redirect?to=http://host.docker.internal/pixel.png`;
          document.body.append(img);
          const frame = document.createElement('iframe');
          frame.src = `${other}/redirect?to=http://host.docker.internal/frame.html`;
          document.body.append(frame);
        },
        { own: site.url, other: crossSite },
      );
      await eventually(() => opened.logs('warn').filter((m) => m.includes('host.docker.internal')).length >= 2, 5000, 'both hops blocked');
      const warnings = opened.logs('warn');
      expect(warnings).toContain('Blocked request to http://host.docker.internal/pixel.png: host.docker.internal is always refused');
      expect(warnings).toContain('Blocked request to http://host.docker.internal/frame.html: host.docker.internal is always refused');
      // A sub-frame navigation is not the main page's.
      expect(opened.session.lastBlockedNavigation()).toBeNull();
      expect(opened.session.page.url()).toBe(`${site.url}/form.html`);
      await opened.session.close();
    });

    it('logs a page-initiated blocked navigation as a warning without failing', async () => {
      const opened = await openSession(t);
      await opened.session.navigate(`${site.url}/redirect-js?to=http://host.docker.internal/x`, { ...NAV, signal: signal() });
      await eventually(() => opened.session.lastBlockedNavigation() !== null, 10_000, 'the script navigation to be blocked');
      expect(opened.logs('warn').some((m) => m.includes('host.docker.internal'))).toBe(true);
      await opened.session.close();
    });

    it('refuses file: and chrome: navigations', async () => {
      const { session } = await openSession(t);
      for (const url of ['file:///etc/hostname', 'chrome://version', 'javascript:alert(1)', 'not a url']) {
        await expect(session.navigate(url, { ...NAV, signal: signal() })).rejects.toMatchObject({ code: 'INVALID_URL' });
      }
      expect(session.page.url()).toBe('about:blank');
      // A file: navigation started by the page itself is aborted by the route.
      await session.navigate(`${site.url}/form.html`, { ...NAV, signal: signal() });
      await session.page.evaluate(() => {
        window.location.href = 'file:///etc/hostname';
      });
      await new Promise((r) => setTimeout(r, 500));
      expect(session.page.url()).not.toMatch(/^file:/);
      await session.close();
    });

    it('rejects with the abort reason when the run signal aborts during a navigation', async () => {
      const { session } = await openSession(t);
      const controller = new AbortController();
      const pending = session.navigate(`${site.url}/slow-page?ms=5000`, { ...NAV, signal: controller.signal });
      setTimeout(() => controller.abort(new RunError('STOPPED', 'stopped by test')), 200);
      await expect(within(pending, 3000, 'abort')).rejects.toMatchObject({ code: 'STOPPED', message: 'stopped by test' });
      await session.close();
    });

    it('reports NAVIGATION_FAILED for a refused connection and for a timeout', async () => {
      const { session } = await openSession(t);
      await expect(session.navigate('http://127.0.0.1:1/', { ...NAV, signal: signal() })).rejects.toMatchObject({ code: 'NAVIGATION_FAILED' });
      await expect(session.navigate(`${site.url}/slow-page?ms=3000`, { timeoutMs: 300, signal: signal() })).rejects.toMatchObject({
        code: 'NAVIGATION_FAILED',
        message: expect.stringContaining('timed out after 300 ms'),
      });
      await session.close();
    });
  });

  describe('dialogs and popups (RUNNER §11.8)', () => {
    it('accepts alert/confirm/beforeunload, answers prompt with its default, and logs each', async () => {
      const opened = await openSession(t);
      const { session } = opened;
      await session.navigate(`${site.url}/dialogs.html?auto=alert`, { ...NAV, signal: signal() });
      await eventually(async () => (await session.page.textContent('#alert-result')) === 'closed', 5000, 'auto alert');
      await session.page.click('#confirm', { timeout: 5000 });
      await session.page.click('#prompt', { timeout: 5000 });
      expect(await session.page.textContent('#confirm-result')).toBe('true');
      expect(await session.page.textContent('#prompt-result')).toBe('fixture default');
      await session.page.check('#beforeunload');
      await session.page.click('#leave', { timeout: 5000 });
      await session.page.waitForURL(/form\.html$/, { timeout: 5000 });
      const infos = opened.logs('info');
      expect(infos).toEqual(
        expect.arrayContaining([
          'Dialog (alert) accepted: "fixture alert"',
          'Dialog (confirm) accepted: "fixture confirm?"',
          'Dialog (prompt) answered with its default value: "fixture prompt"',
        ]),
      );
      expect(infos.some((m) => m.startsWith('Dialog (beforeunload) accepted'))).toBe(true);
      await session.close();
    });

    it('keeps popups open beside the main page', async () => {
      const { session } = await openSession(t);
      await session.navigate(`${site.url}/popup.html`, { ...NAV, signal: signal() });
      const popupPromise = session.context.waitForEvent('page', { timeout: 5000 });
      await session.page.click('#open-popup');
      const popup = await popupPromise;
      await popup.waitForLoadState('domcontentloaded');
      await session.page.click('#new-tab');
      await eventually(() => session.context.pages().length === 3, 5000, 'the new tab');
      expect(await session.page.textContent('#popup-result')).toBe('yes');
      expect(session.page.url()).toBe(`${site.url}/popup.html`);
      expect(popup.url()).toContain('/popup-target.html');
      expect(session.isCrashed()).toBe(false);
      await session.close();
      expect(popup.isClosed()).toBe(true);
    });
  });
});

describe('network guard with private networks refused (ALLOW_PRIVATE_NETWORKS=false)', () => {
  let t: TestApp;
  let site: FixtureServer;

  beforeAll(async () => {
    site = await startFixtureServer();
    t = await startTestApp({ env: browserEnv({ ALLOW_PRIVATE_NETWORKS: 'false' }) });
  });
  afterAll(async () => {
    await t?.close();
    await site?.close();
  });

  it('blocks a navigation to the loopback fixture before any byte reaches it', async () => {
    const opened = await openSession(t);
    const err = await opened.session.navigate(`${site.url}/form.html`, { ...NAV, signal: signal() }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'PRIVATE_NETWORK_BLOCKED' });
    expect((err as Error).message).toContain('127.0.0.1');
    expect(site.requests.count('/form.html')).toBe(0);
    expect(opened.session.lastBlockedNavigation()).toMatchObject({ code: 'PRIVATE_NETWORK_BLOCKED', url: `${site.url}/form.html` });
    await expect(opened.session.navigate('http://localhost:9/', { ...NAV, signal: signal() })).rejects.toMatchObject({ code: 'PRIVATE_NETWORK_BLOCKED' });
    expect(opened.session.lastBlockedNavigation()?.seq).toBe(2);
    await opened.session.close();
  });

  it('blocks sub-resources and WebSockets of a page, with warnings', async () => {
    const opened = await openSession(t);
    const { session } = opened;
    await session.page.setContent(`<img src="${site.url}/echo?img=1"><iframe src="${site.url}/form.html"></iframe>`);
    const wsResult = await session.page.evaluate(
      (wsUrl) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(wsUrl);
          ws.onopen = () => resolve('open');
          ws.onclose = (e) => resolve(`closed ${e.code}`);
          setTimeout(() => resolve('pending'), 3000);
        }),
      site.url.replace('http:', 'ws:') + '/ws',
    );
    expect(wsResult).toBe('closed 1008');
    await eventually(() => opened.logs('warn').filter((m) => m.startsWith('Blocked')).length >= 3, 5000, 'three blocked warnings');
    const warnings = opened.logs('warn');
    expect(warnings.some((m) => m.startsWith(`Blocked request to ${site.url}/echo?…`))).toBe(true);
    expect(warnings.some((m) => m.startsWith('Blocked WebSocket to'))).toBe(true);
    expect(site.requests.all()).toHaveLength(0);
    // Sub-frame blocks are not main-page navigations.
    expect(session.lastBlockedNavigation()).toBeNull();
    await session.close();
  });
});
