import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { BaserowClient, BaserowPushError, type PushRetryInfo } from '../../src/credentials/baserow/baserow-client.js';
import { BaserowClientOptions } from '../../src/credentials/baserow/baserow-client.options.js';
import { SystemDnsResolver } from '../../src/network/dns-resolver.js';
import { GuardedHttpClient } from '../../src/network/guarded-http.service.js';
import { UrlGuard } from '../../src/network/url-guard.service.js';
import { BASEROW_BATCH_LIMIT, startBaserowServer, type BaserowTestServer } from '../support/baserow-server.js';
import { makeDbToken, makeJwt } from './credentials-test-kit.js';

// The client against the Baserow test server over real HTTP (no app, no storage).
const SHORT = new BaserowClientOptions({ proxyTimeoutMs: 1_000, pushTimeoutMs: 500, pushRetryDelaysMs: [40, 80] });

function clientFor(allowPrivateNetworks: boolean, options = SHORT): BaserowClient {
  const guard = new UrlGuard({ allowPrivateNetworks }, new SystemDnsResolver());
  return new BaserowClient(new GuardedHttpClient(guard), options);
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function pushError(p: Promise<unknown>): Promise<BaserowPushError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BaserowPushError);
  return err as BaserowPushError;
}

const rows = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ Name: `row ${from + i}`, Index: from + i }));

describe('BaserowClient', () => {
  let baserow: BaserowTestServer;
  let other: BaserowTestServer;
  const dbToken = makeDbToken();
  const jwt = makeJwt();
  const client = clientFor(true);
  let conn: { baseUrl: string; token: string };

  beforeAll(async () => {
    baserow = await startBaserowServer({ databaseTokens: [dbToken], jwtTokens: [jwt] });
    other = await startBaserowServer({ databaseTokens: [dbToken] });
    conn = { baseUrl: baserow.url, token: dbToken };
  });
  beforeEach(() => {
    baserow.reset();
    baserow.clearFaults();
  });
  afterAll(async () => {
    await baserow?.close();
    await other?.close();
  });

  it('has the documented defaults: 10 s proxy calls, 30 s pushes, retries after 2 s and 4 s, 200 rows per batch', () => {
    const d = new BaserowClientOptions();
    expect([d.proxyTimeoutMs, d.pushTimeoutMs, d.pushRetryDelaysMs, d.batchSize]).toEqual([10_000, 30_000, [2_000, 4_000], 200]);
  });

  describe('pushRows', () => {
    it('an object goes to the single-row endpoint with user_field_names=true', async () => {
      await expect(client.pushRows(conn, '101', { Name: 'Ada', Age: 36 })).resolves.toEqual({ rowsWritten: 1 });
      expect(baserow.requests).toHaveLength(1);
      const [req] = baserow.requests;
      expect([req.method, req.path, req.search]).toEqual(['POST', '/api/database/rows/table/101/', '?user_field_names=true']);
      expect(req.headers.authorization).toBe(`Token ${dbToken}`);
      expect(req.headers['content-type']).toBe('application/json');
      expect(baserow.rowsFor(101)).toEqual([{ Name: 'Ada', Age: 36 }]);
    });

    it('sends a JWT as "JWT <token>" and accepts a numeric table id', async () => {
      await expect(client.pushRows({ baseUrl: baserow.url, token: jwt }, 102, [{ Name: 'x' }])).resolves.toEqual({ rowsWritten: 1 });
      expect(baserow.requests[0].headers.authorization).toBe(`JWT ${jwt}`);
      expect(baserow.requests[0].path).toBe('/api/database/rows/table/102/batch/');
    });

    it('an array goes to the batch endpoint as {"items": [...]}, 200 rows per request, in order', async () => {
      const data = rows(450);
      await expect(client.pushRows(conn, '101', data)).resolves.toEqual({ rowsWritten: 450 });
      expect(baserow.requests.map((r) => [r.path, r.search])).toEqual(Array(3).fill(['/api/database/rows/table/101/batch/', '?user_field_names=true']));
      expect(baserow.requests.map((r) => (JSON.parse(r.body) as { items: unknown[] }).items.length)).toEqual([200, 200, 50]);
      expect(baserow.rowsFor(101)).toEqual(data);
    });

    it('an empty array sends nothing', async () => {
      await expect(client.pushRows(conn, '101', [])).resolves.toEqual({ rowsWritten: 0 });
      expect(baserow.requests).toHaveLength(0);
    });

    it('stops at the first failed batch and reports the rows already written', async () => {
      baserow.failWith('/api/database/rows/table/101/batch/', 400, 'ERROR_REQUEST_BODY_VALIDATION', { after: 1 });
      const err = await pushError(client.pushRows(conn, '101', rows(600)));
      expect(err.code).toBe('UPSTREAM_ERROR');
      expect(err.status).toBe(502);
      expect(err.details).toEqual({ upstreamStatus: 400, upstreamError: 'ERROR_REQUEST_BODY_VALIDATION' });
      expect(err.rowsWritten).toBe(200);
      expect(baserow.requests).toHaveLength(2);
      expect(baserow.rowsFor(101)).toHaveLength(200);
    });

    it('retries 429 and 503 up to 2 times with the configured waits, then succeeds', async () => {
      baserow.failWith('/api/database/rows/table/101/', 429, 'ERROR_TOO_MANY_REQUESTS', { times: 1 });
      baserow.failWith('/api/database/rows/table/101/', 503, undefined, { times: 1 });
      const retries: PushRetryInfo[] = [];
      const started = Date.now();
      await expect(client.pushRows(conn, '101', { Name: 'ok' }, { onRetry: (r) => retries.push(r) })).resolves.toEqual({ rowsWritten: 1 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(120);
      expect(retries).toEqual([
        { retry: 1, delayMs: 40, cause: '429' },
        { retry: 2, delayMs: 80, cause: '503' },
      ]);
      expect(baserow.requests).toHaveLength(3);
      expect(baserow.rowsFor(101)).toEqual([{ Name: 'ok' }]);
    });

    it('gives up after 2 retries with the last upstream status', async () => {
      baserow.failWith('/api/database/rows/table/101/batch/', 429, 'ERROR_TOO_MANY_REQUESTS');
      const err = await pushError(client.pushRows(conn, '101', rows(3)));
      expect(err.details).toEqual({ upstreamStatus: 429, upstreamError: 'ERROR_TOO_MANY_REQUESTS' });
      expect(err.rowsWritten).toBe(0);
      expect(baserow.requests).toHaveLength(3);
    });

    it('does not retry other statuses', async () => {
      baserow.failWith('/api/database/rows/table/101/', 500, 'ERROR_SERVER');
      const err = await pushError(client.pushRows(conn, '101', { a: 1 }));
      expect(err.details).toEqual({ upstreamStatus: 500, upstreamError: 'ERROR_SERVER' });
      expect(baserow.requests).toHaveLength(1);
    });

    it('does not retry after a timeout (the request may have been applied)', async () => {
      baserow.fault('/api/database/rows/table/101/batch/', { kind: 'hang' });
      const err = await pushError(client.pushRows(conn, '101', rows(2)));
      expect(err.details).toEqual({ upstreamStatus: null, reason: 'timeout' });
      expect(baserow.requests).toHaveLength(1);
    });

    it('does not retry a connection that broke after the request was sent', async () => {
      baserow.fault('/api/database/rows/table/101/', { kind: 'reset' });
      const err = await pushError(client.pushRows(conn, '101', { a: 1 }));
      expect(err.details).toEqual({ upstreamStatus: null, reason: 'unreachable' });
      expect(baserow.requests).toHaveLength(1);
    });

    it('retries when no connection could be made, then reports "unreachable"', async () => {
      const retries: PushRetryInfo[] = [];
      const err = await pushError(client.pushRows({ baseUrl: `http://127.0.0.1:${await closedPort()}`, token: dbToken }, '101', { a: 1 }, { onRetry: (r) => retries.push(r) }));
      expect(err.details).toEqual({ upstreamStatus: null, reason: 'unreachable' });
      expect(retries.map((r) => r.cause)).toEqual(['unreachable', 'unreachable']);
    });

    it('an abort during a retry wait rejects with the abort reason', async () => {
      baserow.failWith('/api/database/rows/table/101/', 503);
      const control = new AbortController();
      const slow = clientFor(true, new BaserowClientOptions({ pushRetryDelaysMs: [5_000, 5_000] }));
      const pending = slow.pushRows(conn, '101', { a: 1 }, { signal: control.signal, onRetry: () => setTimeout(() => control.abort(new Error('run stopped')), 10) });
      await expect(pending).rejects.toThrow('run stopped');
      expect(baserow.requests).toHaveLength(1);
    });

    it('keeps Authorization on a same-origin redirect and re-sends the POST body', async () => {
      baserow.fault('/api/database/rows/table/999/', { kind: 'redirect', location: '/api/database/rows/table/101/?user_field_names=true', status: 307 });
      await expect(client.pushRows(conn, '999', { moved: true })).resolves.toEqual({ rowsWritten: 1 });
      expect(baserow.requests.map((r) => r.headers.authorization)).toEqual([`Token ${dbToken}`, `Token ${dbToken}`]);
      expect(baserow.rowsFor(101)).toEqual([{ moved: true }]);
    });

    it('drops Authorization when a redirect changes origin', async () => {
      other.reset();
      baserow.fault('/api/database/rows/table/101/', { kind: 'redirect', location: `${other.url}/api/database/rows/table/101/?user_field_names=true`, status: 308 });
      const err = await pushError(client.pushRows(conn, '101', { a: 1 }));
      expect(err.details).toEqual({ upstreamStatus: 401, upstreamError: 'ERROR_NOT_AUTHENTICATED' });
      expect(other.requests).toHaveLength(1);
      expect(other.requests[0].headers.authorization).toBeUndefined();
    });

    it('is refused with PRIVATE_NETWORK_BLOCKED when private networks are not allowed, without sending', async () => {
      const err = await pushError(clientFor(false).pushRows(conn, '101', rows(1)));
      expect(err.code).toBe('PRIVATE_NETWORK_BLOCKED');
      expect(err.details).toEqual({ url: expect.stringContaining(baserow.url), address: '127.0.0.1' });
      expect(err.rowsWritten).toBe(0);
      expect(baserow.requests).toHaveLength(0);
    });

    it('rejects a table id that is not digits before sending anything', async () => {
      await expect(client.pushRows(conn, '../1', { a: 1 })).rejects.toThrow(TypeError);
      expect(baserow.requests).toHaveLength(0);
    });
  });

  describe('list calls', () => {
    it('time out after proxyTimeoutMs with reason "timeout"', async () => {
      baserow.fault('/api/database/tables/all-tables/', { kind: 'hang' });
      const started = Date.now();
      await expect(client.listDatabases(conn)).rejects.toMatchObject({ code: 'UPSTREAM_ERROR', details: { upstreamStatus: null, reason: 'timeout' } });
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    });
  });

  describe('the test server itself', () => {
    it('rejects batches over the Baserow limit and a wrong Authorization form', async () => {
      const post = (body: unknown, authorization = `Token ${dbToken}`) =>
        fetch(`${baserow.url}/api/database/rows/table/101/batch/?user_field_names=true`, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const tooMany = await post({ items: rows(BASEROW_BATCH_LIMIT + 1) });
      expect(tooMany.status).toBe(400);
      expect(await tooMany.json()).toMatchObject({ error: 'ERROR_REQUEST_BODY_VALIDATION' });
      const bearer = await post({ items: rows(1) }, `Bearer ${dbToken}`);
      expect(bearer.status).toBe(401);
      expect(await bearer.json()).toEqual({ error: expect.stringMatching(/^ERROR_/), detail: expect.any(String) });
      const jwtAsToken = await fetch(`${baserow.url}/api/applications/`, { headers: { authorization: `Token ${jwt}` } });
      expect(jwtAsToken.status).toBe(401);
      expect(baserow.rowsFor(101)).toEqual([]);
    });
  });
});
