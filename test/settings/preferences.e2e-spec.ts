import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BrowserVersion } from '../../src/settings/browser-version.js';
import { SettingsRepository } from '../../src/storage/ports/index.js';
import { startTestApp, type TestApp } from '../support/app-harness.js';
import { STORAGE_PROVIDERS } from '../support/storage-matrix.js';
import { SettingsClient } from './support/settings-client.js';

const fieldErrors = (...fields: string[]) => ({
  error: 'VALIDATION_FAILED',
  message: expect.any(String),
  details: fields.map((field) => ({ field, message: expect.any(String) })),
});

/** The distinct fields of a VALIDATION_FAILED answer (a field may carry several messages). */
function fieldsOf(res: { status: number; body: unknown }): string[] {
  expect(res.status).toBe(400);
  const body = res.body as { error: string; details: { field: string; message: string }[] };
  expect(body.error).toBe('VALIDATION_FAILED');
  for (const d of body.details) expect(typeof d.message).toBe('string');
  return [...new Set(body.details.map((d) => d.field))];
}

interface UserAgentBody {
  selection: string;
  userAgent?: string;
  userAgents: string[];
}

describe.each(STORAGE_PROVIDERS)('selector finder and user agent, %s storage (API §7.4, §7.5)', (storage) => {
  let t: TestApp;
  let api: SettingsClient;

  beforeAll(async () => {
    t = await startTestApp({ storage });
    api = new SettingsClient(t);
  });
  afterAll(async () => t?.close());

  it('selector finder: defaults to highlight, stores finder or its alias', async () => {
    expect(await api.req('GET', '/api/settings/selector-finder')).toEqual({ status: 200, body: { finder: 'highlight' } });
    expect(await api.req('POST', '/api/settings/selector-finder', { finder: 'ai' })).toEqual({ status: 200, body: { finder: 'ai' } });
    expect(await api.req('GET', '/api/settings/selector-finder')).toEqual({ status: 200, body: { finder: 'ai' } });
    expect(await api.req('POST', '/api/settings/selector-finder', { selectorFinder: 'highlight' })).toEqual({ status: 200, body: { finder: 'highlight' } });
    expect(await api.req('GET', '/api/settings/selector-finder')).toEqual({ status: 200, body: { finder: 'highlight' } });
  });

  it('selector finder: any other value is VALIDATION_FAILED and changes nothing', async () => {
    await api.req('POST', '/api/settings/selector-finder', { finder: 'ai' });
    expect(await api.req('POST', '/api/settings/selector-finder', { finder: 'xpath' })).toEqual({ status: 400, body: fieldErrors('finder') });
    expect(await api.req('POST', '/api/settings/selector-finder', { selectorFinder: 3 })).toEqual({ status: 400, body: fieldErrors('selectorFinder') });
    expect(await api.req('POST', '/api/settings/selector-finder', {})).toEqual({ status: 400, body: fieldErrors('finder') });
    expect(await api.req('POST', '/api/settings/selector-finder', { finder: null })).toEqual({ status: 400, body: fieldErrors('finder') });
    expect(await api.req('GET', '/api/settings/selector-finder')).toEqual({ status: 200, body: { finder: 'ai' } });
  });

  it('user agent: system by default, built-in list for the pooled Chromium version', async () => {
    const major = await t.app.get(BrowserVersion).majorVersion();
    const res = await api.req<UserAgentBody>('GET', '/api/settings/user-agent');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      selection: 'system',
      userAgents: [
        `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${major}.0.0.0 Safari/537.36`,
        `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${major}.0.0.0 Safari/537.36`,
        `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${major}.0.0.0 Safari/537.36`,
      ],
    });
  });

  it('user agent: selects a built-in string, a custom one, and back to system', async () => {
    const { body } = await api.req<UserAgentBody>('GET', '/api/settings/user-agent');
    const builtIn = body.userAgents[2];
    expect(await api.req('POST', '/api/settings/user-agent', { selection: builtIn })).toEqual({ status: 200, body: { selection: builtIn, userAgents: body.userAgents } });
    expect(await api.req('GET', '/api/settings/user-agent')).toEqual({ status: 200, body: { selection: builtIn, userAgents: body.userAgents } });
    expect(await api.req('POST', '/api/settings/user-agent', { selection: 'custom', userAgent: 'MyBot/2.0 (+https://example.com)' })).toEqual({
      status: 200,
      body: { selection: 'custom', userAgent: 'MyBot/2.0 (+https://example.com)', userAgents: body.userAgents },
    });
    expect(await api.req('POST', '/api/settings/user-agent', { selection: 'system', userAgent: 'ignored' })).toEqual({
      status: 200,
      body: { selection: 'system', userAgents: body.userAgents },
    });
  });

  it('user agent: a stored built-in that is no longer in the list is reported as custom', async () => {
    const stale = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/99.0.0.0 Safari/537.36';
    await t.app.get(SettingsRepository).set('userAgent', { selection: 'builtin', userAgent: stale });
    const res = await api.req<UserAgentBody>('GET', '/api/settings/user-agent');
    expect(res.body).toMatchObject({ selection: 'custom', userAgent: stale });
  });

  it('user agent: invalid selections and custom strings are VALIDATION_FAILED', async () => {
    await api.req('POST', '/api/settings/user-agent', { selection: 'system' });
    const post = (body: unknown) => api.req('POST', '/api/settings/user-agent', body);
    expect(fieldsOf(await post({}))).toEqual(['selection']);
    expect(fieldsOf(await post({ selection: 7 }))).toEqual(['selection']);
    expect(await post({ selection: 'Mozilla/5.0 Unknown' })).toEqual({ status: 400, body: fieldErrors('selection') });
    expect(await post({ selection: 'custom' })).toEqual({ status: 400, body: fieldErrors('userAgent') });
    expect(await post({ selection: 'custom', userAgent: '' })).toEqual({ status: 400, body: fieldErrors('userAgent') });
    expect(await post({ selection: 'custom', userAgent: 'a\u0007b' })).toEqual({ status: 400, body: fieldErrors('userAgent') });
    expect(await post({ selection: 'custom', userAgent: 'x'.repeat(513) })).toEqual({ status: 400, body: fieldErrors('userAgent') });
    expect(fieldsOf(await post({ selection: 'custom', userAgent: 42 }))).toEqual(['userAgent']);
    expect((await post({ selection: 'custom', userAgent: 'x'.repeat(512) })).status).toBe(200);
    expect((await api.req<UserAgentBody>('GET', '/api/settings/user-agent')).body.userAgent).toBe('x'.repeat(512));
  });

  it('documents every settings route in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${t.url}/api/docs-json`)).json()) as { paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } };
    const routes = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    expect(routes).toEqual(
      expect.arrayContaining([
        'GET /api/settings/proxies',
        'POST /api/settings/proxies',
        'DELETE /api/settings/proxies',
        'PUT /api/settings/proxies/{id}',
        'DELETE /api/settings/proxies/{id}',
        'POST /api/settings/proxies/import',
        'POST /api/settings/proxies/default',
        'POST /api/settings/proxies/rotation',
        'GET /api/settings/webhook-secret',
        'GET /api/settings/selector-finder',
        'POST /api/settings/selector-finder',
        'GET /api/settings/user-agent',
        'POST /api/settings/user-agent',
      ]),
    );
    expect(doc.components.schemas).toHaveProperty('ProxyListResponse');
    expect(doc.components.schemas).toHaveProperty('ImportProxiesDto');
  });
});
