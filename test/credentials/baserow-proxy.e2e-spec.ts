import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/app-harness.js';
import { startBaserowServer, type BaserowTestServer } from '../support/baserow-server.js';
import { STORAGE_PROVIDERS } from '../support/storage-matrix.js';
import { ApiClient, expectNoPlaintext, makeDbToken, makeJwt, type ErrorBody } from './credentials-test-kit.js';

/** A port nothing listens on: bind, read the port, close. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.each(STORAGE_PROVIDERS)('Baserow proxy routes (%s storage)', (storage) => {
  let t: TestApp;
  let api: ApiClient;
  let baserow: BaserowTestServer;
  let other: BaserowTestServer;
  const jwt = makeJwt();
  const dbToken = makeDbToken();
  const wrongToken = makeDbToken();
  let jwtCred: string;
  let dbCred: string;

  const databases = (id: string) => api.call('GET', `/api/credentials/${id}/proxy/baserow/databases`);
  const tables = (id: string, databaseId: string | number) => api.call('GET', `/api/credentials/${id}/proxy/baserow/databases/${databaseId}/tables`);
  const createCred = async (token: string, baseUrl = baserow.url) => {
    const res = await api.create({ name: 'proxy test', provider: 'baserow', config: { baseUrl, token } });
    expect(res.status).toBe(201);
    return res.body.id;
  };

  beforeAll(async () => {
    baserow = await startBaserowServer({ databaseTokens: [dbToken], jwtTokens: [jwt] });
    other = await startBaserowServer({ databaseTokens: [dbToken], jwtTokens: [jwt] });
    t = await startTestApp({ storage, env: { ALLOW_PRIVATE_NETWORKS: 'true' } });
    api = new ApiClient(t);
    jwtCred = await createCred(jwt);
    dbCred = await createCred(dbToken);
  });
  beforeEach(() => {
    baserow.reset();
    baserow.clearFaults();
  });
  afterAll(async () => {
    await t?.close();
    await baserow?.close();
    await other?.close();
  });

  describe('with a JWT', () => {
    it('lists databases from /api/applications/ (database items only, workspace or legacy group name)', async () => {
      const res = await databases(jwtCred);
      expect(res.status).toBe(200);
      expect(res.body).toEqual([
        { id: 11, name: 'Sales', workspaceName: 'Acme' },
        { id: 13, name: 'Old CRM', workspaceName: 'Legacy group' },
        { id: 14, name: 'Orphan', workspaceName: '' },
      ]);
      expect(baserow.requests.map((r) => [r.method, r.path])).toEqual([['GET', '/api/applications/']]);
      expect(baserow.requests[0].headers.authorization).toBe(`JWT ${jwt}`);
    });

    it('lists the tables of a database', async () => {
      const res = await tables(jwtCred, 11);
      expect(res.status).toBe(200);
      expect(res.body).toEqual([
        { id: 101, name: 'Leads' },
        { id: 102, name: 'Deals' },
      ]);
      expect(baserow.requests.map((r) => [r.method, r.path])).toEqual([['GET', '/api/database/tables/database/11/']]);
      expect(baserow.requests[0].headers.authorization).toBe(`JWT ${jwt}`);
    });

    it('an unknown database is Baserow 404 → 502 UPSTREAM_ERROR with upstreamStatus and upstreamError', async () => {
      const res = await tables(jwtCred, 99);
      expect(res.status).toBe(502);
      expect(res.body).toEqual({ error: 'UPSTREAM_ERROR', message: expect.any(String), details: { upstreamStatus: 404, upstreamError: 'ERROR_APPLICATION_DOES_NOT_EXIST' } });
    });
  });

  describe('with a database token', () => {
    it('lists databases by grouping all-tables by database_id', async () => {
      const res = await databases(dbCred);
      expect(res.status).toBe(200);
      expect(res.body).toEqual([
        { id: 11, name: 'Database 11', workspaceName: '' },
        { id: 13, name: 'Database 13', workspaceName: '' },
      ]);
      expect(baserow.requests.map((r) => [r.method, r.path])).toEqual([['GET', '/api/database/tables/all-tables/']]);
      expect(baserow.requests[0].headers.authorization).toBe(`Token ${dbToken}`);
    });

    it('lists tables by filtering all-tables on database_id', async () => {
      const res = await tables(dbCred, 13);
      expect(res.status).toBe(200);
      expect(res.body).toEqual([{ id: 201, name: 'Contacts' }]);
      expect((await tables(dbCred, 99)).body).toEqual([]);
      expect(baserow.requests.map((r) => r.path)).toEqual(['/api/database/tables/all-tables/', '/api/database/tables/all-tables/']);
      expect(baserow.requests.every((r) => r.headers.authorization === `Token ${dbToken}`)).toBe(true);
    });
  });

  describe('upstream failures', () => {
    it('a rejected token → 502 with Baserow status and error code', async () => {
      const id = await createCred(wrongToken);
      const res = await databases(id);
      expect(res.status).toBe(502);
      expect(res.body).toEqual({ error: 'UPSTREAM_ERROR', message: expect.any(String), details: { upstreamStatus: 401, upstreamError: 'ERROR_TOKEN_DOES_NOT_EXIST' } });
      const tablesRes = await tables(id, 11);
      expect(tablesRes.status).toBe(502);
      expect((tablesRes.body as ErrorBody).details).toEqual({ upstreamStatus: 401, upstreamError: 'ERROR_TOKEN_DOES_NOT_EXIST' });
    });

    it('an error status without a Baserow error body → 502 with upstreamStatus only', async () => {
      baserow.failWith('/api/database/tables/all-tables/', 500);
      const res = await databases(dbCred);
      expect(res.status).toBe(502);
      expect(res.body).toEqual({ error: 'UPSTREAM_ERROR', message: expect.any(String), details: { upstreamStatus: 500 } });
      baserow.failWith('/api/applications/', 503, 'ERROR_MAINTENANCE');
      expect((await databases(jwtCred)).body).toMatchObject({ details: { upstreamStatus: 503, upstreamError: 'ERROR_MAINTENANCE' } });
    });

    it('a redirect to another origin drops Authorization (Baserow there answers 401)', async () => {
      baserow.fault('/api/applications/', { kind: 'redirect', location: `${other.url}/api/applications/` });
      other.reset();
      const res = await databases(jwtCred);
      expect(res.status).toBe(502);
      expect(res.body).toEqual({ error: 'UPSTREAM_ERROR', message: expect.any(String), details: { upstreamStatus: 401, upstreamError: 'ERROR_NOT_AUTHENTICATED' } });
      expect(other.requests).toHaveLength(1);
      expect(other.requests[0].headers.authorization).toBeUndefined();
    });

    it('a same-origin redirect keeps Authorization', async () => {
      baserow.fault('/api/applications/', { kind: 'redirect', location: '/api/applications/' }, { times: 1 });
      const res = await databases(jwtCred);
      expect(res.status).toBe(200);
      expect(baserow.requests.map((r) => r.headers.authorization)).toEqual([`JWT ${jwt}`, `JWT ${jwt}`]);
    });

    it('Baserow not answering within 10 s → 502 with upstreamStatus null and reason "timeout"', async () => {
      baserow.fault('/api/applications/', { kind: 'hang' });
      const started = Date.now();
      const res = await databases(jwtCred);
      const elapsed = Date.now() - started;
      expect(res.status).toBe(502);
      expect(res.body).toEqual({ error: 'UPSTREAM_ERROR', message: expect.any(String), details: { upstreamStatus: null, reason: 'timeout' } });
      expect(elapsed).toBeGreaterThanOrEqual(9_900);
      expect(elapsed).toBeLessThan(15_000);
    }, 30_000);

    it('a closed port → 502 with upstreamStatus null and reason "unreachable"', async () => {
      const id = await createCred(dbToken, `http://127.0.0.1:${await closedPort()}`);
      for (const res of [await databases(id), await tables(id, 11)]) {
        expect(res.status).toBe(502);
        expect(res.body).toEqual({ error: 'UPSTREAM_ERROR', message: expect.any(String), details: { upstreamStatus: null, reason: 'unreachable' } });
      }
    });

    it('a 2xx answer that is not JSON, or not the documented shape → 502 (never a 500)', async () => {
      baserow.fault('/api/database/tables/all-tables/', { kind: 'raw', status: 200, body: '<html>maintenance</html>' }, { times: 1 });
      const html = await databases(dbCred);
      expect(html.status).toBe(502);
      expect(html.body).toEqual({ error: 'UPSTREAM_ERROR', message: expect.any(String), details: { upstreamStatus: 200, reason: 'invalid_response' } });
      baserow.fault('/api/applications/', { kind: 'raw', status: 200, body: '{"results": []}', contentType: 'application/json' }, { times: 1 });
      const shape = await databases(jwtCred);
      expect(shape.status).toBe(502);
      expect(shape.body).toEqual({ error: 'UPSTREAM_ERROR', message: expect.any(String), details: { upstreamStatus: 200, reason: 'invalid_response' } });
    });
  });

  describe('bad input', () => {
    it('databaseId must be a positive integer → 400 VALIDATION_FAILED (params.databaseId)', async () => {
      for (const bad of ['abc', '0', '-1', '1.5', '1e3', '99999999999999999', '%20']) {
        const res = await tables(dbCred, bad);
        expect({ bad, status: res.status }).toEqual({ bad, status: 400 });
        expect(res.body).toEqual({ error: 'VALIDATION_FAILED', message: expect.any(String), details: [{ field: 'params.databaseId', message: expect.any(String) }] });
      }
      expect(baserow.requests).toHaveLength(0);
    });

    it('an unknown credential → 404 CREDENTIAL_NOT_FOUND on both routes', async () => {
      for (const res of [await databases('cred_missing'), await tables('cred_missing', 11)]) {
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ error: 'CREDENTIAL_NOT_FOUND', message: expect.any(String), details: { id: 'cred_missing' } });
      }
      expect(baserow.requests).toHaveLength(0);
    });
  });

  it('never exposes a plaintext token in responses, data files, stored rows or logs', async () => {
    await expectNoPlaintext(t, api, [jwt, dbToken, wrongToken]);
  });
});
