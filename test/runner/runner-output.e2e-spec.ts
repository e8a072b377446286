// Output push (RUNNER §14) from real runs to the Baserow test server, on both storage providers
// (credentials live in storage).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { TestApp } from '../support/app-harness.js';
import { startBaserowServer, type BaserowTestServer } from '../support/baserow-server.js';
import { STORAGE_PROVIDERS } from '../support/storage-matrix.js';
import { ApiClient, makeDbToken, type CredentialBody } from '../credentials/credentials-test-kit.js';
import { run, startFixtureServer, startRunnerApp, task, type FixtureSite } from './runner-kit.js';

const TABLE = 101;
const SINGLE_PATH = `/api/database/rows/table/${TABLE}/`;
const BATCH_PATH = `/api/database/rows/table/${TABLE}/batch/`;

describe.each(STORAGE_PROVIDERS)('TaskRunner output push (%s storage)', (storage) => {
  let app: TestApp;
  let site: FixtureSite;
  let baserow: BaserowTestServer;
  let api: ApiClient;
  let token: string;
  let credentialId: string;

  beforeAll(async () => {
    token = makeDbToken();
    [app, site, baserow] = await Promise.all([startRunnerApp({}, storage), startFixtureServer(), startBaserowServer({ databaseTokens: [token] })]);
    api = new ApiClient(app);
    const created = await api.create({ name: 'baserow', provider: 'baserow', config: { baseUrl: baserow.url, token } });
    expect(created.status).toBe(201);
    credentialId = (created.body as CredentialBody).id;
  });
  afterAll(async () => {
    await app?.close();
    await site?.close();
    await baserow?.close();
  });
  beforeEach(() => {
    baserow.clearFaults();
    baserow.reset();
  });

  const outputTask = (raw: Record<string, unknown>, onError: 'fail' | 'ignore' = 'fail', credential = credentialId) =>
    task({ url: `${site.url}/form.html`, output: { provider: 'baserow', credentialId: credential, tableId: String(TABLE), onError }, ...raw }, [credential]);
  const pushes = () => baserow.requests.filter((r) => r.method === 'POST');

  it('pushes a single object to the single-row endpoint and logs the row count', async () => {
    const r = await run(app, outputTask({ extractionScript: 'return { name: "Ada", n: 1 }' }));
    expect(r.result.outcome).toBe('success');
    expect(r.result.outputError).toBeUndefined();
    expect(pushes().map((p) => `${p.path}${p.search}`)).toEqual([`${SINGLE_PATH}?user_field_names=true`]);
    expect(baserow.rowsFor(TABLE)).toEqual([expect.objectContaining({ name: 'Ada', n: 1 })]);
    expect(r.logs('info')).toContain(`Output: 1 row written to baserow table ${TABLE}`);
    expect(JSON.stringify(r.events)).not.toContain(token);
  });

  it('pushes the assigned variables when there is no extraction script', async () => {
    const r = await run(app, outputTask({ actions: [{ type: 'set', varName: 'city', value: 'Paris' }] }));
    expect(r.result.outcome).toBe('success');
    expect(baserow.rowsFor(TABLE)).toEqual([expect.objectContaining({ city: 'Paris' })]);
  });

  it('pushes 450 rows in 3 sequential batches (200, 200, 50)', async () => {
    const r = await run(app, outputTask({ extractionScript: 'return Array.from({ length: 450 }, (_, i) => ({ i }))' }));
    expect(r.result.outcome).toBe('success');
    const batches = pushes();
    expect(batches.map((b) => b.path)).toEqual([BATCH_PATH, BATCH_PATH, BATCH_PATH]);
    expect(batches.map((b) => (JSON.parse(b.body) as { items: unknown[] }).items.length)).toEqual([200, 200, 50]);
    expect(baserow.rowsFor(TABLE).map((row) => row.i)).toEqual(Array.from({ length: 450 }, (_, i) => i));
    expect(r.logs('info')).toContain(`Output: 450 rows written to baserow table ${TABLE}`);
  });

  it('an empty array pushes nothing and succeeds', async () => {
    const r = await run(app, outputTask({ extractionScript: 'return []' }));
    expect(r.result.outcome).toBe('success');
    expect(pushes()).toHaveLength(0);
  });

  it('upstream 400 with onError fail → error OUTPUT_FAILED, outputError with upstreamStatus, data kept', async () => {
    baserow.failWith(BATCH_PATH, 400, 'ERROR_REQUEST_BODY_VALIDATION', { after: 1 });
    const r = await run(app, outputTask({ extractionScript: 'return Array.from({ length: 300 }, (_, i) => ({ i }))' }));
    expect(r.result.outcome).toBe('error');
    expect(r.result.errorCode).toBe('OUTPUT_FAILED');
    expect(r.result.outputError).toEqual({ code: 'UPSTREAM_ERROR', message: expect.stringContaining('400'), upstreamStatus: 400, rowsWritten: 200 });
    expect(Array.isArray(r.result.data) && r.result.data.length).toBe(300);
    expect(r.logs('error').some((m) => m.includes('UPSTREAM_ERROR'))).toBe(true);
    expect(pushes()).toHaveLength(2);
  });

  it('upstream 400 with onError ignore → success, outputError still recorded', async () => {
    baserow.failWith(SINGLE_PATH, 400, 'ERROR_REQUEST_BODY_VALIDATION');
    const r = await run(app, outputTask({ extractionScript: 'return { a: 1 }' }, 'ignore'));
    expect(r.result.outcome).toBe('success');
    expect(r.result.errorCode).toBeUndefined();
    expect(r.result.outputError).toMatchObject({ code: 'UPSTREAM_ERROR', upstreamStatus: 400, rowsWritten: 0 });
    expect(r.result.data).toEqual({ a: 1 });
  });

  it('data that is not an object or array of objects → OUTPUT_INVALID_DATA, nothing sent', async () => {
    const r = await run(app, outputTask({ extractionScript: 'return "just text"' }));
    expect(r.result.outcome).toBe('error');
    expect(r.result.errorCode).toBe('OUTPUT_FAILED');
    expect(r.result.outputError).toMatchObject({ code: 'OUTPUT_INVALID_DATA', rowsWritten: 0 });
    expect(pushes()).toHaveLength(0);
  });

  it('no push when the run did not succeed or data is null', async () => {
    const failed = await run(app, outputTask({ actions: [{ type: 'set', varName: 'x', value: '1' }, { type: 'click', selector: '#missing', timeout: 300 }] }));
    expect(failed.result.outcome).toBe('error');
    expect(failed.result.errorCode).toBe('SELECTOR_NOT_FOUND');
    const empty = await run(app, outputTask({}));
    expect(empty.result.outcome).toBe('success');
    expect(empty.result.data).toBeNull();
    expect(pushes()).toHaveLength(0);
  });

  it('a deleted credential → CREDENTIAL_NOT_FOUND', async () => {
    const doomed = await api.create({ name: 'doomed', provider: 'baserow', config: { baseUrl: baserow.url, token } });
    const doomedId = (doomed.body as CredentialBody).id;
    const t = outputTask({ extractionScript: 'return { a: 1 }' }, 'fail', doomedId);
    expect((await api.call('DELETE', `/api/credentials/${doomedId}`)).status).toBe(200);
    const r = await run(app, t);
    expect(r.result.outcome).toBe('error');
    expect(r.result.errorCode).toBe('OUTPUT_FAILED');
    expect(r.result.outputError).toMatchObject({ code: 'CREDENTIAL_NOT_FOUND', rowsWritten: 0 });
    expect(pushes()).toHaveLength(0);
  });
});
