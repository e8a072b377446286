import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/app-harness.js';
import { startBaserowServer, type BaserowTestServer } from '../support/baserow-server.js';
import { STORAGE_PROVIDERS } from '../support/storage-matrix.js';
import { makeTempDir } from '../support/temp-dir.js';
import { ApiClient, expectNoPlaintext, makeDbToken, waitUntilReady, type CredentialBody, type ErrorBody } from './credentials-test-kit.js';

/** ALLOW_PRIVATE_NETWORKS=false (the default): the loopback test server is refused (API §1.9). */
describe.each(STORAGE_PROVIDERS)('credential baseUrl SSRF guard (%s storage)', (storage) => {
  let t: TestApp;
  let api: ApiClient;
  let baserow: BaserowTestServer;
  const token = makeDbToken();

  beforeAll(async () => {
    baserow = await startBaserowServer({ databaseTokens: [token] });
    t = await startTestApp({ storage });
    api = new ApiClient(t);
  });
  afterAll(async () => {
    await t?.close();
    await baserow?.close();
  });

  const body = (baseUrl: string) => ({ name: 'guarded', provider: 'baserow', config: { baseUrl, token } });

  it('create: a loopback baseUrl → 400 PRIVATE_NETWORK_BLOCKED {url, address}', async () => {
    const res = await api.create(body(baserow.url));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'PRIVATE_NETWORK_BLOCKED', message: expect.any(String), details: { url: `${baserow.url}/`, address: '127.0.0.1' } });
    for (const baseUrl of [`http://localhost:${baserow.port}`, `http://[::1]:${baserow.port}`, `http://2130706433:${baserow.port}`, 'http://169.254.169.254', 'http://host.docker.internal']) {
      const r = await api.create(body(baseUrl));
      expect({ baseUrl, status: r.status, error: (r.body as unknown as ErrorBody).error }).toEqual({ baseUrl, status: 400, error: 'PRIVATE_NETWORK_BLOCKED' });
    }
    expect((await api.call<unknown[]>('GET', '/api/credentials')).body).toEqual([]);
    expect(baserow.requests).toHaveLength(0);
  });

  it('create: a non-http(s) or unparsable baseUrl → 400 INVALID_URL {url, reason}', async () => {
    for (const baseUrl of ['ftp://127.0.0.1/', 'garbage', 'file:///etc/passwd']) {
      const res = await api.create(body(baseUrl));
      expect({ baseUrl, status: res.status }).toEqual({ baseUrl, status: 400 });
      expect(res.body).toEqual({ error: 'INVALID_URL', message: expect.any(String), details: { url: expect.any(String), reason: expect.stringMatching(/^(unparsable|unsupported_scheme)$/) } });
    }
  });

  it('update: switching baseUrl to a loopback address → 400 PRIVATE_NETWORK_BLOCKED; nothing changes', async () => {
    // A public IP literal is checked without DNS and never contacted on create.
    const created = await api.create(body('https://93.184.215.14/'));
    expect(created.status).toBe(201);
    expect(created.body.config.baseUrl).toBe('https://93.184.215.14');
    const res = await api.update(created.body.id, { name: 'moved', config: { baseUrl: `${baserow.url}/` } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'PRIVATE_NETWORK_BLOCKED', message: expect.any(String), details: { url: `${baserow.url}/`, address: '127.0.0.1' } });
    const invalid = await api.update(created.body.id, { config: { baseUrl: 'ftp://example.com' } });
    expect(invalid.status).toBe(400);
    expect((invalid.body as unknown as ErrorBody).error).toBe('INVALID_URL');
    const [after] = (await api.call<CredentialBody[]>('GET', '/api/credentials')).body;
    expect(after).toEqual(created.body);
  });

  it('never exposes the plaintext token', async () => {
    await expectNoPlaintext(t, api, [token]);
  });
});

/** The guard runs again on every Baserow call: a credential saved while private networks were allowed is refused after a restart without. */
describe.each(STORAGE_PROVIDERS)('Baserow calls re-check baseUrl (%s storage)', (storage) => {
  const apiKey = 'test-api-key-0123456789abcdef';
  const token = makeDbToken();
  let baserow: BaserowTestServer;
  let data: ReturnType<typeof makeTempDir>;
  let t: TestApp | undefined;

  beforeAll(async () => {
    baserow = await startBaserowServer({ databaseTokens: [token] });
    data = makeTempDir();
  });
  afterAll(async () => {
    await t?.close();
    await baserow?.close();
    data?.cleanup();
  });

  it('allowed before the restart, 400 PRIVATE_NETWORK_BLOCKED after it, with no request sent', async () => {
    t = await startTestApp({ storage, dataDir: data.dir, env: { API_KEY: apiKey, ALLOW_PRIVATE_NETWORKS: 'true' } });
    await waitUntilReady(t);
    let api = new ApiClient(t);
    const created = await api.create({ name: 'loopback', provider: 'baserow', config: { baseUrl: baserow.url, token } });
    expect(created.status).toBe(201);
    expect((await api.call('GET', `/api/credentials/${created.body.id}/proxy/baserow/databases`)).status).toBe(200);
    const storageEnv = t.storageEnv;
    // Keep the database for the restart (the shared test PostgreSQL is dropped at teardown).
    await t.close({ keepData: true });
    t = undefined;

    baserow.reset();
    t = await startTestApp({ storage, dataDir: data.dir, env: { API_KEY: apiKey, ...storageEnv } });
    await waitUntilReady(t);
    api = new ApiClient(t);
    for (const p of ['databases', 'databases/11/tables']) {
      const res = await api.call('GET', `/api/credentials/${created.body.id}/proxy/baserow/${p}`);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'PRIVATE_NETWORK_BLOCKED', message: expect.any(String), details: { url: expect.stringContaining(baserow.url), address: '127.0.0.1' } });
    }
    expect(baserow.requests).toHaveLength(0);
    await expectNoPlaintext(t, api, [token]);
  });
});
