import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { ProxySelector } from '../../src/settings/proxies/proxy-selector.service.js';
import { startTestApp, type TestApp } from '../support/app-harness.js';
import { STORAGE_PROVIDERS } from '../support/storage-matrix.js';
import { SettingsClient, storedText, type ErrorBody } from './support/settings-client.js';

const MASK = '••••••••';
const BASE = '/api/settings/proxies';

interface Entry {
  id: string;
  server: string;
  username?: string;
  password?: string;
  label?: string;
  isRotatingPool?: boolean;
  estimatedPoolSize?: number;
  isDefault: boolean;
}
interface ProxyList {
  proxies: Entry[];
  defaultProxyId: string;
  includeDefaultInRotation: boolean;
  rotationMode: string;
}
const HOST = (isDefault: boolean) => ({ id: 'host', server: 'host_ip', label: 'Host IP (no proxy)', isDefault });
const fieldErrors = (...fields: string[]) => ({
  error: 'VALIDATION_FAILED',
  message: expect.any(String),
  details: expect.arrayContaining(fields.map((field) => ({ field, message: expect.any(String) }))),
});

describe.each(STORAGE_PROVIDERS)('proxy settings, %s storage (API §7.1)', (storage) => {
  let t: TestApp;
  let api: SettingsClient;
  const add = async (body: Record<string, unknown>) => {
    const res = await api.req<ProxyList>('POST', BASE, body);
    expect(res.status).toBe(200);
    return res.body.proxies[res.body.proxies.length - 1];
  };

  beforeAll(async () => {
    t = await startTestApp({ storage });
    api = new SettingsClient(t);
  });
  afterAll(async () => t?.close());

  beforeEach(async () => {
    const { body } = await api.req<ProxyList>('GET', BASE);
    const ids = body.proxies.filter((p) => p.id !== 'host').map((p) => p.id);
    if (ids.length > 0) expect((await api.req('DELETE', BASE, { ids })).status).toBe(200);
    expect((await api.req('POST', `${BASE}/rotation`, { includeDefaultInRotation: false, rotationMode: 'round-robin' })).status).toBe(200);
  });

  it('GET lists the virtual host entry first, with the defaults', async () => {
    const res = await api.req<ProxyList>('GET', BASE);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ proxies: [HOST(true)], defaultProxyId: 'host', includeDefaultInRotation: false, rotationMode: 'round-robin' });
  });

  it('requires the API key', async () => {
    const res = await fetch(`${t.url}${BASE}`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as ErrorBody).error).toBe('UNAUTHORIZED');
  });

  it('POST adds a normalised proxy, masks the password and answers the ProxyList', async () => {
    const res = await api.req<ProxyList>('POST', BASE, {
      server: '  http://us%40er:p%40ss@Proxy.Example:8080/ignored?x=1#y ',
      label: 'US node',
      isRotatingPool: true,
      estimatedPoolSize: 25,
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      proxies: [
        HOST(true),
        {
          id: expect.stringMatching(/^proxy_[0-9a-f]{12}$/),
          server: 'http://proxy.example:8080',
          username: 'us@er',
          password: MASK,
          label: 'US node',
          isRotatingPool: true,
          estimatedPoolSize: 25,
          isDefault: false,
        },
      ],
      defaultProxyId: 'host',
      includeDefaultInRotation: false,
      rotationMode: 'round-robin',
    });
    expect(await add({ server: '203.0.113.9' })).toEqual({ id: expect.any(String), server: 'http://203.0.113.9:80', isRotatingPool: false, isDefault: false });
    expect((await add({ server: 'https://203.0.113.9' })).server).toBe('https://203.0.113.9:443');
    expect((await add({ server: 'socks5://203.0.113.9:1080' })).server).toBe('socks5://203.0.113.9:1080');
    const list = await api.req<ProxyList>('GET', BASE);
    expect(list.body.proxies.map((p) => p.server)).toEqual([
      'host_ip',
      'http://proxy.example:8080',
      'http://203.0.113.9:80',
      'https://203.0.113.9:443',
      'socks5://203.0.113.9:1080',
    ]);
  });

  it('POST validation: missing or wrongly typed fields, long label, bad pool size, non-object body', async () => {
    expect(await api.req('POST', BASE, {})).toEqual({ status: 400, body: fieldErrors('server') });
    expect(await api.req('POST', BASE, { server: 42 })).toEqual({ status: 400, body: fieldErrors('server') });
    expect(await api.req('POST', BASE, { server: '' })).toEqual({ status: 400, body: fieldErrors('server') });
    expect(await api.req('POST', BASE, { server: 'h:1', label: 'x'.repeat(101) })).toEqual({ status: 400, body: fieldErrors('label') });
    expect((await api.req('POST', BASE, { server: 'h:1', label: 'x'.repeat(100) })).status).toBe(200);
    expect(await api.req('POST', BASE, { server: 'h:2', estimatedPoolSize: 0 })).toEqual({ status: 400, body: fieldErrors('estimatedPoolSize') });
    expect(await api.req('POST', BASE, { server: 'h:2', estimatedPoolSize: 2.5 })).toEqual({ status: 400, body: fieldErrors('estimatedPoolSize') });
    expect(await api.req('POST', BASE, { server: 'h:2', estimatedPoolSize: '3' })).toEqual({ status: 400, body: fieldErrors('estimatedPoolSize') });
    expect(await api.req('POST', BASE, { server: 'h:2', isRotatingPool: 'yes' })).toEqual({ status: 400, body: fieldErrors('isRotatingPool') });
    expect(await api.req('POST', BASE, { server: 'h:2', username: 7, password: ['x'] })).toEqual({ status: 400, body: fieldErrors('username', 'password') });
    expect(await api.req('POST', BASE, [{ server: 'h:2' }])).toEqual({ status: 400, body: fieldErrors('body') });
    expect((await api.req<ProxyList>('GET', BASE)).body.proxies).toHaveLength(2);
  });

  it('POST INVALID_PROXY: bad scheme, missing host, socks without port, socks with credentials', async () => {
    for (const body of [
      { server: 'ftp://proxy.example:21' },
      { server: 'http://' },
      { server: 'socks5://proxy.example' },
      { server: 'http://proxy.example:0' },
      { server: 'socks5://proxy.example:1080', username: 'u' },
      { server: 'socks5://u:p@proxy.example:1080' },
    ]) {
      const res = await api.req<ErrorBody>('POST', BASE, body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.body).toEqual({ error: 'INVALID_PROXY', message: expect.any(String), details: { reason: expect.any(String) } });
    }
  });

  it('POST PROXY_EXISTS for the same normalised server and username', async () => {
    const first = await add({ server: 'proxy.example:3128', username: 'u' });
    const res = await api.req<ErrorBody>('POST', BASE, { server: 'HTTP://PROXY.example:3128/', username: 'u', password: 'x' });
    expect(res).toEqual({ status: 409, body: { error: 'PROXY_EXISTS', message: expect.any(String), details: { id: first.id } } });
    expect((await api.req('POST', BASE, { server: 'http://u@proxy.example:3128' })).status).toBe(409);
    expect((await api.req('POST', BASE, { server: 'proxy.example:3128', username: 'other' })).status).toBe(200);
  });

  it('PUT replaces fields; password omitted/mask keeps, null/"" clears, a string replaces', async () => {
    const p = await add({ server: 'a.example:1', username: 'u', password: 'first', label: 'L', isRotatingPool: true, estimatedPoolSize: 3 });
    let res = await api.req<ProxyList>('PUT', `${BASE}/${p.id}`, { server: 'b.example:2', password: MASK });
    expect(res.status).toBe(200);
    expect(res.body.proxies[1]).toEqual({ id: p.id, server: 'http://b.example:2', password: MASK, isRotatingPool: false, isDefault: false });
    res = await api.req<ProxyList>('PUT', `${BASE}/${p.id}`, { server: 'b.example:2', username: 'v', label: 'New' });
    expect(res.body.proxies[1]).toEqual({ id: p.id, server: 'http://b.example:2', username: 'v', password: MASK, label: 'New', isRotatingPool: false, isDefault: false });
    res = await api.req<ProxyList>('PUT', `${BASE}/${p.id}`, { server: 'b.example:2', password: null });
    expect(res.body.proxies[1]).not.toHaveProperty('password');
    res = await api.req<ProxyList>('PUT', `${BASE}/${p.id}`, { server: 'b.example:2', password: 'second' });
    expect(res.body.proxies[1].password).toBe(MASK);
    res = await api.req<ProxyList>('PUT', `${BASE}/${p.id}`, { server: 'b.example:2', password: '' });
    expect(res.body.proxies[1]).not.toHaveProperty('password');
  });

  it('PUT errors: host read-only, unknown id, validation, invalid proxy, duplicate', async () => {
    expect(await api.req('PUT', `${BASE}/host`, { server: 'h:1' })).toEqual({ status: 400, body: { error: 'PROXY_READ_ONLY', message: expect.any(String) } });
    expect(await api.req('PUT', `${BASE}/proxy_000000000000`, { server: 'h:1' })).toEqual({
      status: 404,
      body: { error: 'PROXY_NOT_FOUND', message: expect.any(String), details: { id: 'proxy_000000000000' } },
    });
    expect(await api.req('PUT', `${BASE}/${encodeURIComponent('weird id/é')}`, { server: 'h:1' })).toEqual({
      status: 404,
      body: { error: 'PROXY_NOT_FOUND', message: expect.any(String), details: { id: 'weird id/é' } },
    });
    const a = await add({ server: 'a.example:1' });
    await add({ server: 'b.example:1' });
    expect(await api.req('PUT', `${BASE}/${a.id}`, { label: 'no server' })).toEqual({ status: 400, body: fieldErrors('server') });
    expect((await api.req<ErrorBody>('PUT', `${BASE}/${a.id}`, { server: 'gopher://a.example:1' })).body.error).toBe('INVALID_PROXY');
    expect(await api.req('PUT', `${BASE}/${a.id}`, { server: 'b.example:1' })).toEqual({
      status: 409,
      body: { error: 'PROXY_EXISTS', message: expect.any(String), details: { id: expect.any(String) } },
    });
  });

  it('DELETE one: host read-only, unknown id, and deleting the default resets it to host', async () => {
    expect(await api.req('DELETE', `${BASE}/host`)).toEqual({ status: 400, body: { error: 'PROXY_READ_ONLY', message: expect.any(String) } });
    expect(await api.req('DELETE', `${BASE}/proxy_ffffffffffff`)).toEqual({
      status: 404,
      body: { error: 'PROXY_NOT_FOUND', message: expect.any(String), details: { id: 'proxy_ffffffffffff' } },
    });
    const a = await add({ server: 'a.example:1' });
    const b = await add({ server: 'b.example:1' });
    const def = await api.req<ProxyList>('POST', `${BASE}/default`, { id: a.id });
    expect(def.body.defaultProxyId).toBe(a.id);
    expect(def.body.proxies.map((p) => [p.id, p.isDefault])).toEqual([
      ['host', false],
      [a.id, true],
      [b.id, false],
    ]);
    const res = await api.req<ProxyList>('DELETE', `${BASE}/${a.id}`);
    expect(res.status).toBe(200);
    expect(res.body.defaultProxyId).toBe('host');
    expect(res.body.proxies).toEqual([HOST(true), { id: b.id, server: 'http://b.example:1', isRotatingPool: false, isDefault: false }]);
  });

  it('DELETE bulk skips host and unknown ids; validates ids', async () => {
    const a = await add({ server: 'a.example:1' });
    const b = await add({ server: 'b.example:1' });
    const c = await add({ server: 'c.example:1' });
    await api.req('POST', `${BASE}/default`, { id: c.id });
    const res = await api.req<ProxyList>('DELETE', BASE, { ids: ['host', 'proxy_nothere0000', a.id, c.id] });
    expect(res.status).toBe(200);
    expect(res.body.proxies.map((p) => p.id)).toEqual(['host', b.id]);
    expect(res.body.defaultProxyId).toBe('host');
    expect(await api.req('DELETE', BASE)).toEqual({ status: 400, body: fieldErrors('ids') });
    expect(await api.req('DELETE', BASE, { ids: [] })).toEqual({ status: 400, body: fieldErrors('ids') });
    expect(await api.req('DELETE', BASE, { ids: 'proxy_x' })).toEqual({ status: 400, body: fieldErrors('ids') });
    expect(await api.req('DELETE', BASE, { ids: [1, 2] })).toEqual({ status: 400, body: fieldErrors('ids') });
    expect(await api.req('DELETE', BASE, { ids: Array.from({ length: 1001 }, (_, i) => `proxy_${i}`) })).toEqual({ status: 400, body: fieldErrors('ids') });
    expect((await api.req<ProxyList>('GET', BASE)).body.proxies).toHaveLength(2);
  });

  it('import: strings and objects, dedupe with update in place, invalid entries counted', async () => {
    const existing = await add({ server: 'http://1.2.3.4:8080', username: 'u', password: 'old', label: 'keep' });
    const res = await api.req<ProxyList & { import: unknown }>('POST', `${BASE}/import`, {
      proxies: [
        'u:newpass@1.2.3.4:8080',
        'socks5://5.6.7.8:1080',
        { url: 'https://9.9.9.9', user: 'x', pass: 'y', label: 'obj' },
        { proxy: '10.0.0.1:3128' },
        'definitely not a proxy',
        { server: 'socks5://u:p@5.5.5.5:1080' },
        17,
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.import).toEqual({ added: 3, updated: 1, invalid: 3 });
    expect(res.body.proxies).toEqual([
      HOST(true),
      { id: existing.id, server: 'http://1.2.3.4:8080', username: 'u', password: MASK, label: 'keep', isRotatingPool: false, isDefault: false },
      { id: expect.any(String), server: 'socks5://5.6.7.8:1080', isRotatingPool: false, isDefault: false },
      { id: expect.any(String), server: 'https://9.9.9.9:443', username: 'x', password: MASK, label: 'obj', isRotatingPool: false, isDefault: false },
      { id: expect.any(String), server: 'http://10.0.0.1:3128', isRotatingPool: false, isDefault: false },
    ]);
    // The stored password of the updated proxy is the imported one.
    await api.req('POST', `${BASE}/default`, { id: existing.id });
    expect(await t.app.get(ProxySelector).select({ rotate: false })).toEqual({ id: existing.id, server: 'http://1.2.3.4:8080', username: 'u', password: 'newpass', label: 'keep' });
  });

  it('import errors: missing, empty, not an array, too many, none valid', async () => {
    expect(await api.req('POST', `${BASE}/import`, {})).toEqual({ status: 400, body: fieldErrors('proxies') });
    expect(await api.req('POST', `${BASE}/import`, { proxies: [] })).toEqual({ status: 400, body: fieldErrors('proxies') });
    expect(await api.req('POST', `${BASE}/import`, { proxies: 'h:1' })).toEqual({ status: 400, body: fieldErrors('proxies') });
    expect(await api.req('POST', `${BASE}/import`, { proxies: Array.from({ length: 1001 }, (_, i) => `h${i}.example:1`) })).toEqual({
      status: 400,
      body: fieldErrors('proxies'),
    });
    expect(await api.req('POST', `${BASE}/import`, { proxies: ['ftp://x:1', null, { server: 3 }] })).toEqual({
      status: 400,
      body: { error: 'INVALID_PROXY', message: expect.any(String), details: { reason: expect.any(String) } },
    });
    expect((await api.req<ProxyList>('GET', BASE)).body.proxies).toHaveLength(1);
  });

  it('default: select, null and "host" reset, unknown id 404, validation', async () => {
    const a = await add({ server: 'a.example:1' });
    expect((await api.req<ProxyList>('POST', `${BASE}/default`, { id: a.id })).body.defaultProxyId).toBe(a.id);
    const toNull = await api.req<ProxyList>('POST', `${BASE}/default`, { id: null });
    expect(toNull.status).toBe(200);
    expect(toNull.body.defaultProxyId).toBe('host');
    expect(toNull.body.proxies[0].isDefault).toBe(true);
    await api.req('POST', `${BASE}/default`, { id: a.id });
    expect((await api.req<ProxyList>('POST', `${BASE}/default`, { id: 'host' })).body.defaultProxyId).toBe('host');
    expect(await api.req('POST', `${BASE}/default`, { id: 'proxy_123456789abc' })).toEqual({
      status: 404,
      body: { error: 'PROXY_NOT_FOUND', message: expect.any(String), details: { id: 'proxy_123456789abc' } },
    });
    expect(await api.req('POST', `${BASE}/default`, {})).toEqual({ status: 400, body: fieldErrors('id') });
    expect(await api.req('POST', `${BASE}/default`, { id: 5 })).toEqual({ status: 400, body: fieldErrors('id') });
  });

  it('rotation: partial updates; other modes and non-booleans are VALIDATION_FAILED', async () => {
    let res = await api.req<ProxyList>('POST', `${BASE}/rotation`, { rotationMode: 'random' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ rotationMode: 'random', includeDefaultInRotation: false });
    res = await api.req<ProxyList>('POST', `${BASE}/rotation`, { includeDefaultInRotation: true });
    expect(res.body).toMatchObject({ rotationMode: 'random', includeDefaultInRotation: true });
    res = await api.req<ProxyList>('POST', `${BASE}/rotation`, {});
    expect(res.body).toMatchObject({ rotationMode: 'random', includeDefaultInRotation: true });
    expect(await api.req('POST', `${BASE}/rotation`, { rotationMode: 'sequential' })).toEqual({ status: 400, body: fieldErrors('rotationMode') });
    expect(await api.req('POST', `${BASE}/rotation`, { includeDefaultInRotation: 'true' })).toEqual({ status: 400, body: fieldErrors('includeDefaultInRotation') });
    expect((await api.req<ProxyList>('GET', BASE)).body).toMatchObject({ rotationMode: 'random', includeDefaultInRotation: true });
  });

  it('ProxySelector (runner port) rotates over the stored proxies with decrypted passwords', async () => {
    const a = await add({ server: 'a.example:1', username: 'ua', password: 'pa' });
    const b = await add({ server: 'b.example:1' });
    const selector = t.app.get(ProxySelector);
    expect(await selector.select({ rotate: false })).toBeNull();
    const picks = new Set<string | null>();
    for (let i = 0; i < 6; i++) picks.add((await selector.select({ rotate: true }))?.id ?? null);
    expect(picks).toEqual(new Set([a.id, b.id]));
    await api.req('POST', `${BASE}/default`, { id: a.id });
    expect(await selector.select({ rotate: false })).toEqual({ id: a.id, server: 'http://a.example:1', username: 'ua', password: 'pa' });
  });

  it('never exposes a proxy password: responses, stored data and logs', async () => {
    const plaintext = `Pl41n-Secret-${storage}-Zq9`;
    const urlSecret = `Url-Secret-${storage}-Kx7`;
    const p = await add({ server: 'secret.example:8080', username: 'u', password: plaintext, label: 'S' });
    await add({ server: `http://v:${urlSecret}@secret.example:8081` });
    await api.req('PUT', `${BASE}/${p.id}`, { server: 'secret.example:8080', username: 'u', password: plaintext });
    await api.req('POST', `${BASE}/import`, { proxies: [`u:${plaintext}@secret.example:8082`, { server: 'secret.example:8083', password: plaintext }] });
    await api.req('GET', BASE);
    await api.req('POST', BASE, { server: 'secret.example:8080', username: 'u', password: plaintext }); // 409
    for (const secret of [plaintext, urlSecret]) {
      expect(api.responses.some((r) => r.includes(secret))).toBe(false);
      expect(t.logs.some((l) => l.includes(secret))).toBe(false);
      expect(await storedText(t)).not.toContain(secret);
    }
    // Sanity check that the scan sees the data: the non-secret server is stored.
    expect(await storedText(t)).toContain('secret.example');
  });
});
