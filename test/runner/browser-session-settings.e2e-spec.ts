// Stored settings applied to browser sessions: proxy (RUNNER §11.4), user agent (§11.2) and the
// cookie jar (§11.5), on both storage providers.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CookieJarService } from '../../src/captures/cookie-jar/cookie-jar.service.js';
import { startFixtureServer, type FixtureServer } from '../fixtures/fixture-server.js';
import { startTestApp, type TestApp } from '../support/app-harness.js';
import { STORAGE_PROVIDERS } from '../support/storage-matrix.js';
import { browserEnv, NAV, openSession, signal, startTinyProxy, type TinyProxy } from './browser-session-kit.js';

const PROXY_PASSWORD = 'pr0xy-Secret-9';

describe.each(STORAGE_PROVIDERS)('browser session settings (%s storage)', (storage) => {
  let t: TestApp;
  let site: FixtureServer;
  let proxy: TinyProxy;

  beforeAll(async () => {
    site = await startFixtureServer();
    proxy = await startTinyProxy(Number(new URL(site.url).port), 'u1', PROXY_PASSWORD);
    t = await startTestApp({ storage, env: browserEnv({ ALLOW_PRIVATE_NETWORKS: 'true' }) });
  });
  afterAll(async () => {
    await t?.close();
    await proxy?.close();
    await site?.close();
  });

  async function api(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    const res = await fetch(`${t.url}${path}`, {
      method,
      headers: { 'x-api-key': t.apiKey, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as Record<string, unknown>;
  }

  it('sends traffic through the default proxy with its credentials, naming it by label in logs', async () => {
    const list = await api('POST', '/api/settings/proxies', { server: proxy.url, username: 'u1', password: PROXY_PASSWORD, label: 'tiny test proxy' });
    const stored = (list.proxies as Array<{ id: string; label?: string }>).find((p) => p.label === 'tiny test proxy');
    expect(stored).toBeDefined();
    await api('POST', '/api/settings/proxies/default', { id: stored?.id });
    try {
      const o = await openSession(t);
      // A non-loopback name: Chromium bypasses proxies for loopback hosts.
      const nav = await o.session.navigate('http://proxied.fixture.test/echo?via=proxy', { ...NAV, signal: signal() });
      expect(nav.status).toBe(200);
      const echoed = JSON.parse((await o.session.page.textContent('body')) ?? '{}') as { path: string; query: Record<string, string> };
      expect(echoed).toMatchObject({ path: '/echo', query: { via: 'proxy' } });
      expect(proxy.seen.some((s) => s.auth === `u1:${PROXY_PASSWORD}` && s.url === 'http://proxied.fixture.test/echo?via=proxy')).toBe(true);
      expect(o.logs('info')).toContain(`Using proxy tiny test proxy (${stored?.id})`);
      await o.session.close();
      const everything = [...t.logs, ...o.events.map((e) => JSON.stringify(e))].join('\n');
      expect(everything).not.toContain(PROXY_PASSWORD);
    } finally {
      await api('POST', '/api/settings/proxies/default', { id: null });
    }
    // Back to host: no proxy.
    const seenBefore = proxy.seen.length;
    const direct = await openSession(t);
    await direct.session.navigate(`${site.url}/echo`, { ...NAV, signal: signal() });
    expect(proxy.seen.length).toBe(seenBefore);
    expect(direct.logs('info').some((m) => m.startsWith('Using proxy'))).toBe(false);
    await direct.session.close();
  });

  it('uses the stored custom user agent, and a built-in one with rotateUserAgents', async () => {
    await api('POST', '/api/settings/user-agent', { selection: 'custom', userAgent: 'FigraniumTest/1.0 (custom)' });
    try {
      const o = await openSession(t);
      await o.session.navigate(`${site.url}/echo`, { ...NAV, signal: signal() });
      expect(await o.session.page.evaluate(() => navigator.userAgent)).toBe('FigraniumTest/1.0 (custom)');
      expect(site.requests.last('/echo')?.headers['user-agent']).toBe('FigraniumTest/1.0 (custom)');
      await o.session.close();

      const builtIns = (await api('GET', '/api/settings/user-agent')).userAgents as string[];
      const rotated = await openSession(t, { task: { rotateUserAgents: true } });
      expect(builtIns).toContain(await rotated.session.page.evaluate(() => navigator.userAgent));
      await rotated.session.close();
    } finally {
      await api('POST', '/api/settings/user-agent', { selection: 'system' });
    }
  });

  it('loads the cookie jar into non-stateless contexts only', async () => {
    const jar = t.app.get(CookieJarService);
    await jar.clear();
    const first = await openSession(t, { stateless: false });
    expect(first.session.initialState).toEqual({ cookies: [], origins: [] });
    await first.session.navigate(`${site.url}/cookies/set?name=server_cookie&value=s1&js=j1&ls=l1`, { ...NAV, signal: signal() });
    await first.session.page.waitForSelector('#status:text("set")');
    const s1 = await first.session.storageState();
    expect(s1.cookies.map((c) => c.name)).toEqual(expect.arrayContaining(['server_cookie', 'http_only_cookie', 'persistent_cookie', 'js_cookie']));
    expect(s1.origins).toEqual([{ origin: site.url, localStorage: [{ name: 'fixture_ls', value: 'l1' }] }]);
    await jar.merge(first.session.initialState ?? { cookies: [], origins: [] }, s1);
    await first.session.close();

    const second = await openSession(t, { stateless: false });
    expect(second.session.initialState?.cookies.map((c) => c.name).sort()).toEqual(['http_only_cookie', 'js_cookie', 'persistent_cookie', 'server_cookie']);
    await second.session.navigate(`${site.url}/cookies/echo`, { ...NAV, signal: signal() });
    const sent = JSON.parse((await second.session.page.textContent('body')) ?? '{}') as { cookies: Record<string, string> };
    expect(sent.cookies).toMatchObject({ server_cookie: 's1', http_only_cookie: 'h1', js_cookie: 'j1' });
    expect(await second.session.page.evaluate(() => localStorage.getItem('fixture_ls'))).toBe('l1');
    await second.session.close();

    const stateless = await openSession(t, { stateless: true });
    expect(stateless.session.initialState).toBeNull();
    await stateless.session.navigate(`${site.url}/cookies/echo`, { ...NAV, signal: signal() });
    expect((JSON.parse((await stateless.session.page.textContent('body')) ?? '{}') as { cookies: object }).cookies).toEqual({});
    await stateless.session.close();
  });
});
