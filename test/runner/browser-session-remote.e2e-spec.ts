// BROWSER_WS_ENDPOINT: sessions on a remote Playwright browser server (RUNNER §11.1, DECISIONS #5).
import { existsSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chromium, type BrowserServer } from 'playwright';
import { BrowserPool } from '../../src/runner/browser/browser-pool.js';
import { TEST_CHROMIUM_ARGS, TEST_CHROMIUM_PATH } from '../fixtures/chromium.js';
import { startFixtureServer, type FixtureServer } from '../fixtures/fixture-server.js';
import { startTestApp, type TestApp } from '../support/app-harness.js';
import { eventually, NAV, openSession, signal, within } from './browser-session-kit.js';

describe('remote browser server (BROWSER_WS_ENDPOINT)', () => {
  let server: BrowserServer;
  let t: TestApp;
  let site: FixtureServer;

  beforeAll(async () => {
    site = await startFixtureServer();
    server = await chromium.launchServer({ executablePath: TEST_CHROMIUM_PATH, args: TEST_CHROMIUM_ARGS, host: '127.0.0.1' });
    // The executable path points nowhere: nothing may be launched locally.
    t = await startTestApp({ env: { ALLOW_PRIVATE_NETWORKS: 'true', BROWSER_WS_ENDPOINT: server.wsEndpoint(), PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH: '/nonexistent/chromium' } });
  });
  afterAll(async () => {
    await t?.close();
    await server?.close().catch(() => undefined);
    await site?.close();
  });

  it('connects instead of launching, guards every hop, and saves the recording', async () => {
    const o = await openSession(t, { task: { disableRecording: false } });
    expect(o.session.context.browser()?.isConnected()).toBe(true);
    const nav = await o.session.navigate(`${site.url}/form.html`, { ...NAV, signal: signal() });
    expect(nav.status).toBe(200);
    await expect(o.session.navigate(`${site.url}/redirect?to=http://host.docker.internal/`, { ...NAV, signal: signal() })).rejects.toMatchObject({
      code: 'PRIVATE_NETWORK_BLOCKED',
    });
    const { recording } = await o.session.close();
    expect(recording?.name).toBe(`${o.runId}_rec_${o.startedAt}.webm`);
    const dir = t.config.capturesDir;
    expect(existsSync(dir) ? readdirSync(dir) : []).toContain(recording?.name);
    expect(t.app.get(BrowserPool).browserStatus()).toBe('ok');
  });

  it('reports crashed when the remote browser goes away, and readiness turns unavailable', async () => {
    const o = await openSession(t);
    await server.close();
    const reason = await within(o.session.crashed, 15_000, 'crashed');
    expect(reason).toMatchObject({ code: 'BROWSER_CRASHED' });
    await o.session.close();
    await eventually(async () => {
      const res = await fetch(`${t.url}/api/health/ready`);
      return ((await res.json()) as { browser: string }).browser === 'unavailable';
    }, 10_000, 'readiness to report the browser unavailable');
  });
});
