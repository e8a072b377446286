// Navigation with ALLOW_PRIVATE_NETWORKS=false through the whole TaskRunner (RUNNER §3.3, §7
// `navigate`, §11.8; API §1.9). The app's guard keeps the production rules except that the fixture
// address 127.0.0.1 counts as public (it plays the "allowed host"); `localhost`, private ranges and
// other loopback addresses stay refused, so a redirect from the fixture to them must be blocked.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SystemDnsResolver } from '../../src/network/dns-resolver.js';
import { UrlGuard } from '../../src/network/url-guard.service.js';
import { startTestApp, type TestApp } from '../support/app-harness.js';
import { browserEnv } from './browser-session-kit.js';
import { run, startFixtureServer, task, type FixtureSite } from './runner-kit.js';
import { LoopbackTestGuard } from './support/interpreter-harness.js';

describe('navigation with private networks refused (ALLOW_PRIVATE_NETWORKS=false)', () => {
  let app: TestApp;
  let site: FixtureSite;
  /** A URL on the fixture server reached through a refused name (localhost → loopback). */
  let refusedTarget: (marker: string) => string;
  const reachedWith = (marker: string) => site.requests.all().some((r) => r.query.marker === marker);

  beforeAll(async () => {
    site = await startFixtureServer();
    const guard = new LoopbackTestGuard({ allowPrivateNetworks: false }, new SystemDnsResolver());
    app = await startTestApp({ env: browserEnv({ ALLOW_PRIVATE_NETWORKS: 'false' }), overrides: [{ provide: UrlGuard, useValue: guard }] });
    refusedTarget = (marker) => `${site.url.replace('127.0.0.1', 'localhost')}/echo?marker=${marker}`;
  });
  afterAll(async () => {
    await app?.close();
    await site?.close();
  });

  it('the allowed host itself loads (sanity check of the setup)', async () => {
    expect(app.config.allowPrivateNetworks).toBe(false);
    const r = await run(app, task({ url: `${site.url}/form.html`, actions: [{ type: 'navigate', value: `${site.url}/hover.html` }, { type: 'set', varName: 'where', value: '{$block.output}' }] }));
    expect(r.result.outcome).toBe('success');
    expect(r.result.data).toEqual({ where: `${site.url}/hover.html` });
  });

  it('start URL redirected from the allowed host to a private name → error PRIVATE_NETWORK_BLOCKED; nothing reaches the target', async () => {
    const url = `${site.url}/redirect?to=${encodeURIComponent(refusedTarget('start'))}`;
    const r = await run(app, task({ url, actions: [{ id: 'act_never', type: 'set', varName: 'x', value: '1' }] }));
    expect(r.result.outcome).toBe('error');
    expect(r.result.errorCode).toBe('PRIVATE_NETWORK_BLOCKED');
    expect(r.events.some((e) => e.event === 'action')).toBe(false);
    expect(site.requests.all().some((req) => req.path === '/redirect')).toBe(true);
    expect(reachedWith('start')).toBe(false);
  });

  it('navigate redirected to a private name (302 and 307) → PRIVATE_NETWORK_BLOCKED, fail-fast', async () => {
    for (const status of [302, 307]) {
      const marker = `nav${status}`;
      const r = await run(
        app,
        task({
          url: `${site.url}/form.html`,
          actions: [
            { id: 'act_nav', type: 'navigate', value: `/redirect?status=${status}&to=${encodeURIComponent(refusedTarget(marker))}` },
            { id: 'act_after', type: 'set', varName: 'after', value: '1' },
          ],
        }),
      );
      expect({ status, outcome: r.result.outcome, errorCode: r.result.errorCode }).toEqual({ status, outcome: 'error', errorCode: 'PRIVATE_NETWORK_BLOCKED' });
      expect(r.result.error).toMatch(/^navigate action 'act_nav' \(#0\) failed: /);
      expect(r.events.some((e) => e.event === 'action' && e.actionId === 'act_after')).toBe(false);
      expect(reachedWith(marker)).toBe(false);
    }
  });

  it('direct navigations to private addresses and names are refused before any request', async () => {
    for (const target of [refusedTarget('direct'), 'http://10.0.0.1/', 'http://127.0.0.2/', 'http://[::1]/', 'http://host.docker.internal/']) {
      const r = await run(app, task({ url: `${site.url}/form.html`, actions: [{ type: 'navigate', value: target, timeout: 5000 }] }));
      expect({ target, errorCode: r.result.errorCode }).toEqual({ target, errorCode: 'PRIVATE_NETWORK_BLOCKED' });
    }
    expect(reachedWith('direct')).toBe(false);
  });

  it('http_request following a redirect to a private name → PRIVATE_NETWORK_BLOCKED', async () => {
    const r = await run(app, task({ url: '', actions: [{ type: 'http_request', value: `${site.url}/redirect?to=${encodeURIComponent(refusedTarget('http'))}` }] }));
    expect(r.result.errorCode).toBe('PRIVATE_NETWORK_BLOCKED');
    expect(reachedWith('http')).toBe(false);
  });
});
