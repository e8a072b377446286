// Completion webhooks (API §4.8, DECISIONS #10): signed POSTs, retries, recorded attempts,
// SSRF checks at delivery time, resume after a restart.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SERVER_VERSION } from '../../src/common/version.js';
import { WebhookDispatcher } from '../../src/executions/webhooks/webhook-dispatcher.js';
import { StorageStatus, type ExecutionRecord, type WebhookState } from '../../src/storage/ports/index.js';
import { startTestApp, type TestApp } from '../support/app-harness.js';
import { connectionUrl, createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { STORAGE_PROVIDERS } from '../support/storage-matrix.js';
import { makeTempDir } from '../support/temp-dir.js';
import { api, repo, seedRecord } from './executions-kit.js';
import { verifySignature, WebhookReceiver } from './webhook-receiver.js';

interface WebhookView {
  url: string;
  deliveryId: string;
  state: WebhookState['state'];
  attempts: Array<{ attempt: number; at: number; durationMs: number; statusCode: number | null; ok: boolean; error?: string }>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A finished execution whose lifecycle stored a webhook outbox entry (what dispatch() expects). */
function withWebhook(id: string, url: string, overrides: Partial<ExecutionRecord> = {}): ExecutionRecord {
  const record = seedRecord(id, { outcome: 'error', error: 'Boom', errorCode: 'ACTION_FAILED', ...overrides });
  const deliveryId = `dlv_${id}`;
  const body = JSON.stringify({
    event: 'execution.finished',
    deliveryId,
    executionId: id,
    taskId: record.taskId,
    taskName: record.taskName,
    runId: record.runId,
    source: record.source,
    mode: record.mode,
    outcome: record.outcome,
    success: false,
    timestamp: record.timestamp,
    startedAt: record.startedAt,
    finishedAt: record.finishedAt,
    durationMs: record.durationMs,
    error: 'Boom',
    errorCode: 'ACTION_FAILED',
    result: record.result,
  });
  return { ...record, webhook: { url, deliveryId, state: 'pending', attempts: [], body, nextAttemptAt: null } };
}

async function webhookOf(t: TestApp, id: string): Promise<WebhookView> {
  const res = await api(t, `/api/executions/${id}`);
  expect(res.status).toBe(200);
  return (res.body as { execution: { webhook: WebhookView } }).execution.webhook;
}

async function waitForState(t: TestApp, id: string, states: Array<WebhookState['state']>, timeoutMs = 20_000): Promise<WebhookView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hook = await webhookOf(t, id);
    if (states.includes(hook.state)) return hook;
    if (Date.now() > deadline) throw new Error(`webhook of ${id} still ${hook.state}: ${JSON.stringify(hook)}`);
    await sleep(50);
  }
}

async function secretOf(t: TestApp): Promise<string> {
  const res = await api(t, '/api/settings/webhook-secret');
  return (res.body as { secret: string }).secret;
}

describe.each(STORAGE_PROVIDERS)('%s storage', (storage) => {
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
  });
  afterAll(async () => {
    await receiver.close();
  });

  describe('with private networks allowed', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ storage, env: { ALLOW_PRIVATE_NETWORKS: 'true' } });
    });
    afterAll(async () => {
      await t.close();
    });

    const deliver = async (record: ExecutionRecord) => {
      await repo(t).create(record);
      t.app.get(WebhookDispatcher).dispatch(record.id);
    };

    it('signs, retries 500 twice with the 2 s / 4 s back-off, then records delivered (3 attempts)', async () => {
      const url = receiver.script('/retry', [{ status: 500 }, { status: 500 }, { status: 200 }]);
      const record = withWebhook('exec_hook_retry', `${url}?token=abc`);
      await deliver(record);
      const hook = await waitForState(t, record.id, ['delivered', 'failed']);
      const secret = await secretOf(t);

      const hits = receiver.on('/retry');
      expect(hits).toHaveLength(3);
      for (const [i, hit] of hits.entries()) {
        expect(hit.method).toBe('POST');
        expect(hit.body).toBe(record.webhook!.body);
        expect(hit.headers['content-type']).toBe('application/json');
        expect(hit.headers['user-agent']).toBe(`Figranium-Webhook/${SERVER_VERSION}`);
        expect(hit.headers['x-figranium-event']).toBe('execution.finished');
        expect(hit.headers['x-figranium-delivery']).toBe('dlv_exec_hook_retry');
        expect(hit.headers['x-figranium-attempt']).toBe(String(i + 1));
        expect(verifySignature(hit.headers['x-figranium-signature'], hit.body, secret)).toBe(true);
        expect(verifySignature(hit.headers['x-figranium-signature'], `${hit.body} `, secret)).toBe(false);
        expect(verifySignature(hit.headers['x-figranium-signature'], hit.body, `${secret}x`)).toBe(false);
      }
      // Waits of 2 s and 4 s, each ±20 %.
      const gap1 = hits[1].at - hits[0].at;
      const gap2 = hits[2].at - hits[1].at;
      expect(gap1).toBeGreaterThanOrEqual(1600);
      expect(gap1).toBeLessThanOrEqual(2400 + 500);
      expect(gap2).toBeGreaterThanOrEqual(3200);
      expect(gap2).toBeLessThanOrEqual(4800 + 500);

      expect(hook.state).toBe('delivered');
      expect(hook.deliveryId).toBe('dlv_exec_hook_retry');
      expect(hook.url).toBe(`${url}?…`);
      expect(Object.keys(hook).sort()).toEqual(['attempts', 'deliveryId', 'state', 'url']);
      expect(hook.attempts.map((a) => [a.attempt, a.statusCode, a.ok, a.error])).toEqual([
        [1, 500, false, 'HTTP 500'],
        [2, 500, false, 'HTTP 500'],
        [3, 200, true, undefined],
      ]);
      for (const a of hook.attempts) {
        expect(a.durationMs).toBeGreaterThanOrEqual(0);
        expect(a.at).toBeGreaterThan(0);
      }
      // The run itself is untouched.
      const stored = await repo(t).get(record.id);
      expect(stored).toMatchObject({ phase: 'finished', outcome: 'error', errorCode: 'ACTION_FAILED' });
      expect(t.logs.some((l) => l.includes('token=abc'))).toBe(false);
    }, 30_000);

    it('a 400 answer is final after one attempt', async () => {
      const url = receiver.script('/reject', [{ status: 400 }]);
      const record = withWebhook('exec_hook_400', url);
      await deliver(record);
      const hook = await waitForState(t, record.id, ['delivered', 'failed']);
      expect(hook.state).toBe('failed');
      expect(hook.attempts).toEqual([{ attempt: 1, at: expect.any(Number), durationMs: expect.any(Number), statusCode: 400, ok: false, error: 'HTTP 400' }]);
      expect(receiver.on('/reject')).toHaveLength(1);
    });

    it('re-sends the same POST through a redirect', async () => {
      receiver.script('/moved-target', [{ status: 204 }]);
      const url = receiver.script('/moved', [{ status: 307, headers: { location: '/moved-target' } }]);
      const record = withWebhook('exec_hook_redirect', url);
      await deliver(record);
      const hook = await waitForState(t, record.id, ['delivered', 'failed']);
      expect(hook).toMatchObject({ state: 'delivered', attempts: [{ attempt: 1, statusCode: 204, ok: true }] });
      const [hit] = receiver.on('/moved-target');
      expect(hit.method).toBe('POST');
      expect(hit.body).toBe(record.webhook!.body);
      expect(hit.headers['x-figranium-delivery']).toBe('dlv_exec_hook_redirect');
    });

    it('a redirect to a blocked address or a non-http scheme ends the delivery failed, without retries', async () => {
      const blockedUrl = receiver.script('/to-docker', [{ status: 302, headers: { location: 'http://host.docker.internal/steal' } }]);
      const schemeUrl = receiver.script('/to-file', [{ status: 308, headers: { location: 'file:///etc/passwd' } }]);
      const blocked = withWebhook('exec_hook_blocked', blockedUrl);
      const scheme = withWebhook('exec_hook_scheme', schemeUrl);
      await deliver(blocked);
      await deliver(scheme);
      for (const [record, path] of [
        [blocked, '/to-docker'],
        [scheme, '/to-file'],
      ] as const) {
        const hook = await waitForState(t, record.id, ['delivered', 'failed']);
        expect(hook.state).toBe('failed');
        expect(hook.attempts).toHaveLength(1);
        expect(hook.attempts[0]).toMatchObject({ attempt: 1, statusCode: null, ok: false, error: expect.stringMatching(/^INVALID_WEBHOOK_URL: /) });
        expect(receiver.on(path)).toHaveLength(1);
      }
    });

    it('a connection refused is retried (network errors are not final)', async () => {
      // Nothing listens on the receiver's port once closed: take a fresh one and close it.
      const dead = await WebhookReceiver.start();
      await dead.close();
      const record = withWebhook('exec_hook_refused', `${dead.base}/gone`);
      await deliver(record);
      const deadline = Date.now() + 10_000;
      let hook = await webhookOf(t, record.id);
      while (hook.attempts.length < 2 && Date.now() < deadline) {
        await sleep(100);
        hook = await webhookOf(t, record.id);
      }
      expect(hook.state).toBe('delivering');
      expect(hook.attempts.slice(0, 2).map((a) => [a.attempt, a.ok, a.statusCode])).toEqual([
        [1, false, null],
        [2, false, null],
      ]);
      expect(hook.attempts[0].error).toMatch(/^UNREACHABLE: /);
    }, 20_000);
  });

  describe('with private networks off (the default)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ storage });
    });
    afterAll(async () => {
      await t.close();
    });

    it('refuses a loopback URL at delivery time', async () => {
      const url = receiver.script('/private', [{ status: 200 }]);
      const record = withWebhook('exec_hook_private', url);
      await repo(t).create(record);
      t.app.get(WebhookDispatcher).dispatch(record.id);
      const hook = await waitForState(t, record.id, ['delivered', 'failed']);
      expect(hook.state).toBe('failed');
      expect(hook.attempts).toHaveLength(1);
      expect(hook.attempts[0]).toMatchObject({ statusCode: null, ok: false, error: expect.stringMatching(/^INVALID_WEBHOOK_URL: .*127\.0\.0\.1/) });
      expect(receiver.on('/private')).toHaveLength(0);
    });
  });

  describe('restart', () => {
    const dir = makeTempDir();
    let database: TestDatabase | null = null;
    const apps: TestApp[] = [];
    afterAll(async () => {
      for (const app of apps) await app.close({ keepData: true });
      await database?.cleanup();
      dir.cleanup();
    });

    it('resumes a delivery that was waiting for its retry when the server stopped', async () => {
      database = storage === 'postgres' ? await createTestDatabase('webhooks') : null;
      const env: Record<string, string> = { ALLOW_PRIVATE_NETWORKS: 'true', ...(database ? { DB_TYPE: 'postgres', DATABASE_URL: connectionUrl(database.info) } : {}) };
      const first = await startTestApp({ storage, dataDir: dir.dir, env });
      apps.push(first);
      await first.app.get(StorageStatus).whenReady();
      const secret = await secretOf(first);
      const url = receiver.script('/restart', [{ status: 503 }, { status: 200 }]);
      const record = withWebhook('exec_hook_restart', url);
      await repo(first).create(record);
      first.app.get(WebhookDispatcher).dispatch(record.id);
      // Wait until the first attempt is recorded; the second is ~2 s away.
      const deadline = Date.now() + 5000;
      let hook = await webhookOf(first, record.id);
      while (hook.attempts.length === 0 && Date.now() < deadline) {
        await sleep(20);
        hook = await webhookOf(first, record.id);
      }
      expect(hook.state).toBe('delivering');
      expect(hook.attempts).toMatchObject([{ attempt: 1, statusCode: 503, ok: false }]);
      const stored = await repo(first).get(record.id);
      expect(stored?.webhook?.nextAttemptAt).toBeGreaterThan(Date.now());
      await first.close({ keepData: true });
      apps.pop();
      expect(receiver.on('/restart')).toHaveLength(1);

      const second = await startTestApp({ storage, dataDir: dir.dir, env });
      apps.push(second);
      await second.app.get(StorageStatus).whenReady();
      const done = await waitForState(second, record.id, ['delivered', 'failed']);
      expect(done.state).toBe('delivered');
      expect(done.attempts.map((a) => [a.attempt, a.statusCode, a.ok])).toEqual([
        [1, 503, false],
        [2, 200, true],
      ]);
      const hits = receiver.on('/restart');
      expect(hits.map((h) => h.headers['x-figranium-attempt'])).toEqual(['1', '2']);
      expect(new Set(hits.map((h) => h.headers['x-figranium-delivery']))).toEqual(new Set(['dlv_exec_hook_restart']));
      expect(hits[1].body).toBe(hits[0].body);
      expect(verifySignature(hits[1].headers['x-figranium-signature'], hits[1].body, secret)).toBe(true);
      // The stored wait was honoured across the restart (about 2 s after the first attempt).
      expect(hits[1].at - hits[0].at).toBeGreaterThanOrEqual(1500);
    }, 30_000);
  });
});
