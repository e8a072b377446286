// Contract audit against API.md: discrepancies found in the finished REST modules, one case each.
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/app-harness.js';
import { STORAGE_PROVIDERS } from '../support/storage-matrix.js';

interface ErrorBody {
  error: string;
  message: string;
  details?: unknown;
}

describe.each(STORAGE_PROVIDERS)('%s storage: contract audit', (storage) => {
  let t: TestApp;
  const call = async (method: string, p: string, body?: string | Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}) => {
    const res = await fetch(`${t.url}${p}`, {
      method,
      headers: { 'x-api-key': t.apiKey, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body,
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text === '' ? undefined : JSON.parse(text)) as ErrorBody };
  };

  beforeAll(async () => {
    t = await startTestApp({ storage });
  });
  afterAll(async () => t.close());

  // §1.1 ids in paths are URL-decoded before lookup; an id no stored record can have is "not found" (never a 500).
  it.each([
    ['GET', '/api/executions/%00', 'EXECUTION_NOT_FOUND', '\u0000'],
    ['GET', '/api/executions/a%00b/result', 'EXECUTION_NOT_FOUND', 'a\u0000b'],
    ['DELETE', '/api/executions/a%00b', 'EXECUTION_NOT_FOUND', 'a\u0000b'],
    ['DELETE', '/api/settings/proxies/a%00b', 'PROXY_NOT_FOUND', 'a\u0000b'],
    ['PUT', '/api/settings/proxies/a%00b', 'PROXY_NOT_FOUND', 'a\u0000b'],
  ])('%s %s with U+0000 in the id → 404 %s {id}', async (method, p, code, id) => {
    const res = await call(method, p, method === 'PUT' ? '{"server":"203.0.113.5:8080"}' : undefined);
    expect({ status: res.status, body: res.body }).toEqual({ status: 404, body: { error: code, message: expect.any(String), details: { id } } });
  });

  // §5.2 list query filters: U+0000 cannot be in any stored value; refused as a query rule (never a 500).
  it.each(['taskId', 'runId', 'source'])('GET /api/executions?%s=a%%00 → 400 VALIDATION_FAILED query.<name>', async (name) => {
    const res = await call('GET', `/api/executions?${name}=a%00`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'VALIDATION_FAILED', message: expect.any(String), details: [{ field: `query.${name}`, message: expect.any(String) }] });
  });

  // §5.2 INVALID_CURSOR: a well-formed cursor carrying an id no execution can have (never a 500).
  it('GET /api/executions?cursor=<id with U+0000> → 400 INVALID_CURSOR', async () => {
    const cursor = Buffer.from('{"timestamp":1,"id":"exec_\\u0000"}', 'utf8').toString('base64url');
    const res = await call('GET', `/api/executions?cursor=${cursor}`);
    expect({ status: res.status, body: res.body }).toEqual({ status: 400, body: { error: 'INVALID_CURSOR', message: expect.any(String) } });
  });

  // §1.4: authentication (3) and routing (4) come before validation (6), also for U+0000 in a body.
  it('answers 401 (not 400) to an unauthenticated body with U+0000, and 404 on an unknown route', async () => {
    const noKey = await fetch(`${t.url}/api/settings/selector-finder`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"finder":"a\\u0000"}' });
    expect(noKey.status).toBe(401);
    expect(((await noKey.json()) as ErrorBody).error).toBe('UNAUTHORIZED');
    const unknown = await call('POST', '/api/nothing-here', '{"a":"\\u0000"}');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toBe('NOT_FOUND');
    // Still refused on a real route, with the field path.
    const known = await call('POST', '/api/settings/selector-finder', '{"finder":"a\\u0000"}');
    expect(known.status).toBe(400);
    expect(known.body).toEqual({ error: 'VALIDATION_FAILED', message: expect.any(String), details: [{ field: 'finder', message: expect.any(String) }] });
  });

  // §1.4 step 2 / §1.7: a body that cannot be decoded is a malformed body, not a path problem.
  it('answers 400 INVALID_JSON to a corrupt gzip body; a valid gzip JSON body is read', async () => {
    const corrupt = await call('POST', '/api/settings/selector-finder', new TextEncoder().encode('not gzip at all'), { 'content-encoding': 'gzip' });
    expect(corrupt.status).toBe(400);
    expect(corrupt.body).toEqual({ error: 'INVALID_JSON', message: expect.any(String) });
    const good = await call('POST', '/api/settings/selector-finder', new Uint8Array(gzipSync('{"finder":"ai"}')), { 'content-encoding': 'gzip' });
    expect(good.status).toBe(200);
    expect(good.body).toEqual({ finder: 'ai' });
  });
});

describe('api-key route spelled with other letter case (json storage)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  // §1.2 #4 / §7.2: on the api-key route the body `apiKey` is the new key, however the path is cased.
  it('stores the body apiKey as the new key instead of consuming it as a credential', async () => {
    const wanted = 'audit-key-0123456789abcdef';
    const res = await fetch(`${t.url}/API/Settings/Api-Key`, {
      method: 'POST',
      headers: { 'x-api-key': t.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ apiKey: wanted }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ apiKey: wanted });
    expect((await fetch(`${t.url}/api/settings/api-key`, { headers: { 'x-api-key': wanted } })).status).toBe(200);
  });
});
