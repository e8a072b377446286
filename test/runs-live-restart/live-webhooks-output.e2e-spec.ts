// Issue 5: completion webhooks (API §4.8) and Baserow output (RUNNER §14) through real HTTP runs
// (POST /api/tasks/:id/api) with the real app and real Chromium, on both storage providers.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { SERVER_VERSION } from '../../src/common/version.js';
import { makeDbToken } from '../credentials/credentials-test-kit.js';
import { verifySignature, WebhookReceiver } from '../executions/webhook-receiver.js';
import { startFixtureServer } from '../fixtures/fixture-server.js';
import { browserEnv } from '../runner/browser-session-kit.js';
import { startTestApp, type TestApp } from '../support/app-harness.js';
import { startBaserowServer, type BaserowTestServer } from '../support/baserow-server.js';
import { STORAGE_PROVIDERS } from '../support/storage-matrix.js';
import { call, checkDelivery, createTask, getExecution, waitWebhookSettled, webhookSecret, type Endpoint } from './live-kit.js';

type FixtureSite = Awaited<ReturnType<typeof startFixtureServer>>;

const TABLE = 101;
const SINGLE_PATH = `/api/database/rows/table/${TABLE}/`;
const BATCH_PATH = `/api/database/rows/table/${TABLE}/batch/`;
/** A public IP literal: passes the SSRF guard without DNS; nothing is fetched from it. */
const PUBLIC_URL = 'https://93.184.215.14/';

interface RunResult {
  executionId: string;
  outcome: string;
  success: boolean;
  errorCode?: string;
  data: unknown;
  logs: string[];
  outputError?: { code: string; message: string; upstreamStatus?: number; rowsWritten: number };
}

interface ErrorReply {
  error: string;
  message: string;
  details?: { reason?: string };
}

let receiver: WebhookReceiver;
let site: FixtureSite;
let baserow: BaserowTestServer;
const dbToken = makeDbToken();

beforeAll(async () => {
  [receiver, site, baserow] = await Promise.all([WebhookReceiver.start(), startFixtureServer(), startBaserowServer({ databaseTokens: [dbToken] })]);
});
afterAll(async () => {
  await receiver?.close();
  await site?.close();
  await baserow?.close();
});

/** A synchronous run of a saved task; returns the 200 body and when it arrived. */
async function runSync(t: Endpoint, taskId: string, body: Record<string, unknown> = {}): Promise<{ result: RunResult; at: number }> {
  const res = await call<RunResult>(t, 'POST', `/api/tasks/${taskId}/api`, body);
  expect(res.status).toBe(200);
  expect(res.headers.get('x-execution-id')).toBe(res.body.executionId);
  return { result: res.body, at: Date.now() };
}

async function waitReady(t: Endpoint): Promise<void> {
  const deadline = Date.now() + 15_000;
  while ((await fetch(`${t.url}/api/health/ready`)).status !== 200) {
    if (Date.now() > deadline) throw new Error('app did not become ready');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each(STORAGE_PROVIDERS)('%s storage: live webhooks and output', (storage) => {
  describe('with private networks allowed (real runner)', () => {
    let app: TestApp;
    let credentialId: string;
    beforeAll(async () => {
      app = await startTestApp({ storage, env: browserEnv({ ALLOW_PRIVATE_NETWORKS: 'true' }) });
      await waitReady(app);
      const created = await call<{ id: string }>(app, 'POST', '/api/credentials', { name: 'baserow', provider: 'baserow', config: { baseUrl: baserow.url, token: dbToken } });
      expect(created.status).toBe(201);
      credentialId = created.body.id;
    });
    afterAll(async () => {
      await app?.close();
    });
    beforeEach(() => {
      baserow.clearFaults();
      baserow.reset();
    });

    it('webhook: 500, 500, 200 → 3 signed attempts with one delivery id, recorded on the execution', async () => {
      const hookPath = `/${storage}/retry`;
      const url = receiver.script(hookPath, [{ status: 500 }, { status: 500 }, { status: 200 }]);
      const taskId = await createTask(app, { name: 'hooked', url: `${site.url}/form.html`, extractionScript: 'return { title: document.title }' });
      const { result, at: answeredAt } = await runSync(app, taskId, { webhookUrl: url });
      expect(result).toMatchObject({ outcome: 'success', success: true });
      const execution = await waitWebhookSettled(app, result.executionId, 30_000);
      const secret = await webhookSecret(app);

      const hits = receiver.on(hookPath);
      expect(hits).toHaveLength(3);
      // Delivery never delays the sync answer.
      expect(answeredAt).toBeLessThan(hits[2].at);
      const deliveryIds = new Set<unknown>();
      for (const [i, hit] of hits.entries()) {
        const body = checkDelivery(hit, secret);
        expect(body).toMatchObject({ executionId: result.executionId, runId: expect.any(String), outcome: 'success', success: true });
        expect(body.result).toMatchObject({ executionId: result.executionId, outcome: 'success', data: result.data });
        expect(hit.headers['x-figranium-attempt']).toBe(String(i + 1));
        expect(hit.headers['user-agent']).toBe(`Figranium-Webhook/${SERVER_VERSION}`);
        // The HMAC covers the exact bytes and this secret only; the timestamp is current.
        expect(verifySignature(hit.headers['x-figranium-signature'], `${hit.body} `, secret)).toBe(false);
        expect(verifySignature(hit.headers['x-figranium-signature'], hit.body, `${secret}0`)).toBe(false);
        const t = Number(/^t=(\d+),/.exec(String(hit.headers['x-figranium-signature']))![1]);
        expect(Math.abs(t * 1000 - hit.at)).toBeLessThanOrEqual(5000);
        expect(hit.body).toBe(hits[0].body);
        deliveryIds.add(hit.headers['x-figranium-delivery']);
      }
      expect([...deliveryIds]).toEqual([execution.webhook!.deliveryId]);
      expect(execution.webhook!.state).toBe('delivered');
      expect(execution.webhook!.attempts.map((a) => [a.attempt, a.statusCode, a.ok])).toEqual([
        [1, 500, false],
        [2, 500, false],
        [3, 200, true],
      ]);
      expect(execution).toMatchObject({ phase: 'finished', outcome: 'success' });
    }, 60_000);

    const outputTask = (extractionScript: string, onError: 'fail' | 'ignore' = 'fail') =>
      createTask(app, { name: 'to baserow', url: `${site.url}/form.html`, extractionScript, output: { provider: 'baserow', credentialId, tableId: String(TABLE), onError } });
    const pushes = () => baserow.requests.filter((r) => r.method === 'POST');

    it('Baserow: one object → one row through the single-row endpoint', async () => {
      const taskId = await outputTask('return { name: "Ada", n: 1 }');
      const { result } = await runSync(app, taskId);
      expect(result).toMatchObject({ outcome: 'success', success: true, data: { name: 'Ada', n: 1 } });
      expect(result.outputError).toBeUndefined();
      expect(pushes().map((p) => `${p.path}${p.search}`)).toEqual([`${SINGLE_PATH}?user_field_names=true`]);
      expect(pushes()[0].headers.authorization).toBe(`Token ${dbToken}`);
      expect(baserow.rowsFor(TABLE)).toEqual([{ name: 'Ada', n: 1 }]);
      expect(result.logs).toContain(`Output: 1 row written to baserow table ${TABLE}`);
      expect(JSON.stringify(await getExecution(app, result.executionId))).not.toContain(dbToken);
    });

    it('Baserow: 450 objects → 3 sequential batches of 200, 200, 50', async () => {
      const taskId = await outputTask('return Array.from({ length: 450 }, (_, i) => ({ i }))');
      const { result } = await runSync(app, taskId);
      expect(result).toMatchObject({ outcome: 'success', success: true });
      const batches = pushes();
      expect(batches.map((b) => b.path)).toEqual([BATCH_PATH, BATCH_PATH, BATCH_PATH]);
      expect(batches.map((b) => (JSON.parse(b.body) as { items: unknown[] }).items.length)).toEqual([200, 200, 50]);
      expect(baserow.rowsFor(TABLE).map((row) => row.i)).toEqual(Array.from({ length: 450 }, (_, i) => i));
      expect(result.logs).toContain(`Output: 450 rows written to baserow table ${TABLE}`);
    });

    it('Baserow: upstream 400 with onError fail → error OUTPUT_FAILED with outputError, stored on the execution', async () => {
      baserow.failWith(SINGLE_PATH, 400, 'ERROR_REQUEST_BODY_VALIDATION');
      const taskId = await outputTask('return { bad: true }');
      const { result } = await runSync(app, taskId);
      expect(result).toMatchObject({ outcome: 'error', success: false, errorCode: 'OUTPUT_FAILED', data: { bad: true } });
      expect(result.outputError).toEqual({ code: 'UPSTREAM_ERROR', message: expect.stringContaining('400'), upstreamStatus: 400, rowsWritten: 0 });
      expect(pushes()).toHaveLength(1);
      const stored = await getExecution(app, result.executionId);
      expect(stored).toMatchObject({ phase: 'finished', outcome: 'error', errorCode: 'OUTPUT_FAILED' });
      expect(stored.result).toMatchObject({ outputError: { code: 'UPSTREAM_ERROR', upstreamStatus: 400 } });
    });

    it('Baserow: upstream 400 with onError ignore → success, outputError still recorded', async () => {
      baserow.failWith(SINGLE_PATH, 400, 'ERROR_REQUEST_BODY_VALIDATION');
      const taskId = await outputTask('return { a: 1 }', 'ignore');
      const { result } = await runSync(app, taskId);
      expect(result).toMatchObject({ outcome: 'success', success: true, data: { a: 1 } });
      expect(result.errorCode).toBeUndefined();
      expect(result.outputError).toMatchObject({ code: 'UPSTREAM_ERROR', upstreamStatus: 400, rowsWritten: 0 });
      expect(pushes()).toHaveLength(1);
      const stored = await getExecution(app, result.executionId);
      expect(stored).toMatchObject({ phase: 'finished', outcome: 'success' });
      expect(stored.result).toMatchObject({ outputError: { code: 'UPSTREAM_ERROR', upstreamStatus: 400 } });
    });
  });

  describe('with private networks off (the default)', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp({ storage });
      await waitReady(app);
    });
    afterAll(async () => {
      await app?.close();
    });

    it('a webhookUrl on a private address → 400 INVALID_WEBHOOK_URL, no execution created', async () => {
      const taskId = await createTask(app, { name: 'public start', url: PUBLIC_URL });
      const hook = receiver.script(`/${storage}/private`, [{ status: 200 }]);
      for (const [webhookUrl, query] of [
        [hook, ''],
        [hook, '?async=true'],
        ['http://10.1.2.3/hook', ''],
        ['http://localhost:8080/hook', '?async=true'],
        ['http://[::1]/hook', ''],
      ] as const) {
        const res = await call<ErrorReply>(app, 'POST', `/api/tasks/${taskId}/api${query}`, { webhookUrl });
        expect(res.status).toBe(400);
        expect(res.body.error).toBe('INVALID_WEBHOOK_URL');
      }
      const list = await call<{ executions: unknown[] }>(app, 'GET', `/api/executions?taskId=${taskId}`);
      expect(list.status).toBe(200);
      expect(list.body.executions).toEqual([]);
      expect(receiver.on(`/${storage}/private`)).toHaveLength(0);
    });
  });
});
