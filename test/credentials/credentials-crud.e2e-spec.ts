import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/app-harness.js';
import { startBaserowServer, type BaserowTestServer } from '../support/baserow-server.js';
import { STORAGE_PROVIDERS } from '../support/storage-matrix.js';
import { ApiClient, expectNoPlaintext, makeDbToken, redacted, type CredentialBody, type ErrorBody } from './credentials-test-kit.js';

const ULID_ID = /^cred_[0-9A-HJKMNP-TV-Z]{26}$/;

describe.each(STORAGE_PROVIDERS)('credentials CRUD (%s storage)', (storage) => {
  let t: TestApp;
  let api: ApiClient;
  let baserow: BaserowTestServer;
  const tokenA = makeDbToken();
  const tokenB = makeDbToken();
  const shortToken = 'short-tok1'; // 10 chars: redacted as "••••" alone
  const allTokens = [tokenA, tokenB, shortToken];

  beforeAll(async () => {
    baserow = await startBaserowServer({ databaseTokens: [tokenA, tokenB, shortToken] });
    t = await startTestApp({ storage, env: { ALLOW_PRIVATE_NETWORKS: 'true' } });
    api = new ApiClient(t);
  });
  afterAll(async () => {
    await t?.close();
    await baserow?.close();
  });

  const validBody = (token = tokenA, name = 'My Baserow') => ({ name, provider: 'baserow', config: { baseUrl: `${baserow.url}/`, token } });
  const lastAuthorization = () => baserow.requests.at(-1)?.headers.authorization;

  it('creates a credential (201), normalises baseUrl and redacts the token', async () => {
    const res = await api.create(validBody());
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(ULID_ID),
      name: 'My Baserow',
      provider: 'baserow',
      config: { baseUrl: baserow.url, token: redacted(tokenA) },
      createdAt: expect.any(Number),
      updatedAt: expect.any(Number),
    });
    expect(res.body.config.token).toBe(`••••${tokenA.slice(-4)}`);
    expect(res.body.createdAt).toBe(res.body.updatedAt);
    expect(Math.abs(res.body.createdAt - Date.now())).toBeLessThan(60_000);
  });

  it('redacts tokens shorter than 12 characters as "••••" alone, 12 and longer with the last 4', async () => {
    const short = await api.create(validBody(shortToken, 'short'));
    expect(short.status).toBe(201);
    expect(short.body.config.token).toBe('••••');
    const twelve = await api.create(validBody('abcdefgh1234', 'twelve'));
    expect(twelve.body.config.token).toBe('••••1234');
    const eleven = await api.create(validBody('abcdefg1234', 'eleven'));
    expect(eleven.body.config.token).toBe('••••');
    for (const c of [twelve.body, eleven.body]) expect((await api.call('DELETE', `/api/credentials/${c.id}`)).status).toBe(200);
  });

  it('lists credentials as a bare array, oldest first, tokens redacted', async () => {
    const res = await api.call<CredentialBody[]>('GET', '/api/credentials');
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body)).toBe(true);
    expect(res.body.map((c) => c.name)).toEqual(['My Baserow', 'short']);
    expect(res.body.map((c) => c.config.token)).toEqual([redacted(tokenA), '••••']);
  });

  it('PUT is partial: a name-only update keeps baseUrl and token', async () => {
    const [created] = (await api.call<CredentialBody[]>('GET', '/api/credentials')).body;
    await new Promise((r) => setTimeout(r, 5));
    const res = await api.update(created.id, { name: 'Renamed' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...created, name: 'Renamed', updatedAt: expect.any(Number) });
    expect(res.body.updatedAt).toBeGreaterThan(created.updatedAt);
    // The stored token still works upstream.
    expect((await api.call('GET', `/api/credentials/${created.id}/proxy/baserow/databases`)).status).toBe(200);
    expect(lastAuthorization()).toBe(`Token ${tokenA}`);
  });

  it('PUT with the token equal to its redacted form keeps the stored token', async () => {
    const [created, short] = (await api.call<CredentialBody[]>('GET', '/api/credentials')).body;
    const res = await api.update(created.id, { name: 'Echoed', provider: 'baserow', config: { baseUrl: created.config.baseUrl, token: created.config.token } });
    expect(res.status).toBe(200);
    expect(res.body.config.token).toBe(redacted(tokenA));
    expect((await api.call('GET', `/api/credentials/${created.id}/proxy/baserow/databases`)).status).toBe(200);
    expect(lastAuthorization()).toBe(`Token ${tokenA}`);
    // Same for a short token whose redacted form is "••••" alone.
    expect((await api.update(short.id, { config: { token: '••••' } })).status).toBe(200);
    expect((await api.call('GET', `/api/credentials/${short.id}/proxy/baserow/databases`)).status).toBe(200);
    expect(lastAuthorization()).toBe(`Token ${shortToken}`);
  });

  it('PUT with a new token replaces it; a stale redacted value is refused', async () => {
    const [created] = (await api.call<CredentialBody[]>('GET', '/api/credentials')).body;
    const res = await api.update(created.id, { config: { token: tokenB } });
    expect(res.status).toBe(200);
    expect(res.body.config).toEqual({ baseUrl: baserow.url, token: redacted(tokenB) });
    expect((await api.call('GET', `/api/credentials/${created.id}/proxy/baserow/databases`)).status).toBe(200);
    expect(lastAuthorization()).toBe(`Token ${tokenB}`);
    // The old redacted form no longer matches: it is not a usable token either.
    const stale = await api.update(created.id, { config: { token: redacted(tokenA) } });
    expect(stale.status).toBe(400);
    expect(stale.body).toMatchObject({ error: 'VALIDATION_FAILED', details: [{ field: 'config.token', message: expect.any(String) }] });
  });

  it('PUT re-normalises a new baseUrl (trailing slashes removed, path kept)', async () => {
    const [created] = (await api.call<CredentialBody[]>('GET', '/api/credentials')).body;
    const res = await api.update(created.id, { config: { baseUrl: `${baserow.url}/baserow//` } });
    expect(res.status).toBe(200);
    expect(res.body.config.baseUrl).toBe(`${baserow.url}/baserow`);
    const back = await api.update(created.id, { config: { baseUrl: baserow.url } });
    expect(back.body.config).toEqual({ baseUrl: baserow.url, token: redacted(tokenB) });
  });

  it('DELETE answers {"ok":true}; the credential is then gone (404 with {id})', async () => {
    const created = await api.create(validBody(tokenA, 'to delete'));
    const del = await api.call('DELETE', `/api/credentials/${created.body.id}`);
    expect(del.status).toBe(200);
    expect(del.body).toEqual({ ok: true });
    const notFound = { error: 'CREDENTIAL_NOT_FOUND', message: expect.any(String), details: { id: created.body.id } };
    const again = await api.call<ErrorBody>('DELETE', `/api/credentials/${created.body.id}`);
    expect(again.status).toBe(404);
    expect(again.body).toEqual(notFound);
    const put = await api.update(created.body.id, { name: 'x' });
    expect(put.status).toBe(404);
    expect(put.body).toEqual(notFound);
    expect((await api.call<CredentialBody[]>('GET', '/api/credentials')).body.map((c) => c.id)).not.toContain(created.body.id);
  });

  describe('bad input', () => {
    const expectFieldError = async (res: Promise<{ status: number; body: unknown }>, field: string) => {
      const r = await res;
      expect(r.status).toBe(400);
      const body = r.body as ErrorBody;
      expect(body.error).toBe('VALIDATION_FAILED');
      expect(Array.isArray(body.details)).toBe(true);
      for (const d of body.details as unknown[]) expect(d).toEqual({ field: expect.any(String), message: expect.any(String) });
      expect((body.details as { field: string }[]).map((d) => d.field)).toContain(field);
    };

    it('POST: missing, wrongly typed or out-of-range fields → VALIDATION_FAILED with field paths', async () => {
      const body = validBody();
      await expectFieldError(api.create({ provider: 'baserow', config: body.config }), 'name');
      await expectFieldError(api.create({ ...body, name: '' }), 'name');
      await expectFieldError(api.create({ ...body, name: 'n'.repeat(101) }), 'name');
      await expectFieldError(api.create({ ...body, name: 42 }), 'name');
      await expectFieldError(api.create({ ...body, provider: 'airtable' }), 'provider');
      await expectFieldError(api.create({ name: 'x', config: body.config }), 'provider');
      await expectFieldError(api.create({ name: 'x', provider: 'baserow' }), 'config');
      await expectFieldError(api.create({ ...body, config: 'http://x' }), 'config');
      await expectFieldError(api.create({ ...body, config: { baseUrl: baserow.url } }), 'config.token');
      await expectFieldError(api.create({ ...body, config: { baseUrl: baserow.url, token: '' } }), 'config.token');
      await expectFieldError(api.create({ ...body, config: { baseUrl: baserow.url, token: 't'.repeat(4097) } }), 'config.token');
      await expectFieldError(api.create({ ...body, config: { baseUrl: baserow.url, token: 'has a space in it' } }), 'config.token');
      await expectFieldError(api.create({ ...body, config: { token: tokenA } }), 'config.baseUrl');
      await expectFieldError(api.create({ ...body, config: { baseUrl: 12, token: tokenA } }), 'config.baseUrl');
      await expectFieldError(api.create({ ...body, config: { baseUrl: `${baserow.url}/?x=1`, token: tokenA } }), 'config.baseUrl');
      await expectFieldError(api.create({ ...body, config: { baseUrl: `http://user:pw@127.0.0.1:${baserow.port}`, token: tokenA } }), 'config.baseUrl');
      await expectFieldError(api.create({ ...body, config: { baseUrl: `${baserow.url}/${'a'.repeat(2048)}`, token: tokenA } }), 'config.baseUrl');
      await expectFieldError(api.call('POST', '/api/credentials', '[1,2]'), 'body');
    });

    it('POST: accepts a token of exactly 4096 and a name of exactly 100 characters', async () => {
      const res = await api.create({ name: 'n'.repeat(100), provider: 'baserow', config: { baseUrl: baserow.url, token: 't'.repeat(4096) } });
      expect(res.status).toBe(201);
      expect(res.body.config.token).toBe('••••tttt');
      expect((await api.call('DELETE', `/api/credentials/${res.body.id}`)).status).toBe(200);
    });

    it('POST: baseUrl that is not an absolute http(s) URL → 400 INVALID_URL', async () => {
      for (const baseUrl of ['ftp://files.example.com', 'not a url', '/relative/path', 'javascript:alert(1)']) {
        const res = await api.create({ ...validBody(), config: { baseUrl, token: tokenA } });
        expect({ baseUrl, status: res.status }).toEqual({ baseUrl, status: 400 });
        expect(res.body).toEqual({ error: 'INVALID_URL', message: expect.any(String), details: { url: expect.any(String), reason: expect.any(String) } });
      }
    });

    it('PUT: wrong types, null and out-of-range values → VALIDATION_FAILED; unknown id → 404', async () => {
      const [created] = (await api.call<CredentialBody[]>('GET', '/api/credentials')).body;
      await expectFieldError(api.update(created.id, { name: null }), 'name');
      await expectFieldError(api.update(created.id, { name: '' }), 'name');
      await expectFieldError(api.update(created.id, { provider: 'notion' }), 'provider');
      await expectFieldError(api.update(created.id, { config: null }), 'config');
      await expectFieldError(api.update(created.id, { config: { token: '' } }), 'config.token');
      await expectFieldError(api.update(created.id, { config: { token: 5 } }), 'config.token');
      await expectFieldError(api.update(created.id, { config: { baseUrl: null } }), 'config.baseUrl');
      await expectFieldError(api.call('PUT', `/api/credentials/${created.id}`, '"text"'), 'body');
      const invalidUrl = await api.update(created.id, { config: { baseUrl: 'ftp://x.example' } });
      expect(invalidUrl.status).toBe(400);
      expect((invalidUrl.body as unknown as ErrorBody).error).toBe('INVALID_URL');
      // Nothing changed.
      const after = (await api.call<CredentialBody[]>('GET', '/api/credentials')).body[0];
      expect(after).toEqual(created);
      for (const id of ['cred_01JD00000000000000000000ZZ', 'nope', '%00bad', 'x'.repeat(300)]) {
        const res = await api.call('PUT', `/api/credentials/${id}`, { name: 'x' });
        expect({ id, status: res.status }).toEqual({ id, status: 404 });
        expect(res.body).toEqual({ error: 'CREDENTIAL_NOT_FOUND', message: expect.any(String), details: { id: decodeURIComponent(id) } });
      }
    });

    it('DELETE: unknown id → 404 CREDENTIAL_NOT_FOUND', async () => {
      const res = await api.call<ErrorBody>('DELETE', '/api/credentials/cred_unknown');
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: 'CREDENTIAL_NOT_FOUND', message: expect.any(String), details: { id: 'cred_unknown' } });
    });
  });

  it('never exposes a plaintext token in responses, data files, stored rows or logs', async () => {
    expect(api.responses.length).toBeGreaterThan(20);
    await expectNoPlaintext(t, api, allTokens);
  });
});
