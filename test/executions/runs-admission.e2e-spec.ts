// Admission (API §4.2 order, §4.4 Idempotency-Key, §4.5 QUEUE_FULL), both storage providers.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ExecutionRepository } from '../../src/storage/ports/index.js';
import { STORAGE_PROVIDERS } from '../support/storage-matrix.js';
import { call, createTask, expectError, getExecution, startRunApp, waitFinished, waitFor, type RunApp } from './runs-kit.js';

async function countFor(t: RunApp, taskId: string): Promise<number> {
  return (await call<{ executions: unknown[] }>(t, 'GET', `/api/executions?taskId=${taskId}&limit=500`)).body.executions.length;
}

describe.each(STORAGE_PROVIDERS)('%s storage', (storage) => {
  describe('Idempotency-Key and runId', () => {
    let t: RunApp;
    let taskId: string;

    beforeAll(async () => {
      t = await startRunApp({ storage });
      taskId = await createTask(t, {});
    });
    afterAll(async () => {
      await t?.close();
    });

    it('async replay: same execution, Idempotent-Replayed: true; a sync replay waits for the same result', async () => {
      const key = { 'Idempotency-Key': 'order-1' };
      const first = await call(t, 'POST', `/api/tasks/${taskId}/api?async=true`, { variables: { q: 'a' }, runId: 'idem-run-1' }, key);
      expect(first.status).toBe(202);
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      const again = await call(t, 'POST', `/api/tasks/${taskId}/api?async=true`, { runId: 'idem-run-1', variables: { q: 'a' } }, key);
      expect(again.status).toBe(202);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body.executionId).toBe(first.body.executionId);
      const sync = await call(t, 'POST', `/api/tasks/${taskId}/api`, { variables: { q: 'a' }, runId: 'idem-run-1' }, key);
      expect(sync.status).toBe(200);
      expect(sync.headers.get('idempotent-replayed')).toBe('true');
      expect(sync.headers.get('x-execution-id')).toBe(first.body.executionId);
      expect(sync.body).toMatchObject({ executionId: first.body.executionId, outcome: 'success', data: { echo: 'a' } });
      expect(t.fake.calls.filter((c) => c.runId === 'idem-run-1')).toHaveLength(1);
      expect((await getExecution(t, first.body.executionId as string)).idempotencyKey).toBe('order-1');
    });

    it('sync first, then replay of the finished run returns its result at once', async () => {
      const key = { 'Idempotency-Key': 'order-2' };
      const first = await call(t, 'POST', `/tasks/${taskId}/api`, { variables: { q: 'b' } }, key);
      const replay = await call(t, 'POST', `/tasks/${taskId}/api`, { variables: { q: 'b' } }, key);
      expect(replay.status).toBe(200);
      expect(replay.body).toEqual(first.body);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
    });

    it('same key, different body or other route alias → 422 IDEMPOTENCY_KEY_MISMATCH {executionId}', async () => {
      const key = { 'Idempotency-Key': 'order-3' };
      const first = await call(t, 'POST', `/api/tasks/${taskId}/api?async=1`, { variables: { q: 'c' } }, key);
      const otherBody = await call(t, 'POST', `/api/tasks/${taskId}/api?async=1`, { variables: { q: 'd' } }, key);
      expectError(otherBody, 422, 'IDEMPOTENCY_KEY_MISMATCH');
      expect(otherBody.body.details).toEqual({ executionId: first.body.executionId });
      const otherPath = await call(t, 'POST', `/tasks/${taskId}/api?async=1`, { variables: { q: 'c' } }, key);
      expectError(otherPath, 422, 'IDEMPOTENCY_KEY_MISMATCH');
      await waitFinished(t, first.body.executionId as string);
    });

    it('concurrent duplicates attach to one execution', async () => {
      const before = await countFor(t, taskId);
      const replies = await Promise.all(Array.from({ length: 6 }, () => call(t, 'POST', `/api/tasks/${taskId}/api?async=true`, { variables: { q: 'same' } }, { 'Idempotency-Key': 'burst-1' })));
      expect(replies.map((r) => r.status)).toEqual(Array(6).fill(202));
      expect(new Set(replies.map((r) => r.body.executionId)).size).toBe(1);
      expect(replies.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(5);
      expect(await countFor(t, taskId)).toBe(before + 1);
      await waitFinished(t, replies[0].body.executionId as string);
    });

    it('a key whose execution is older than 24 h, or deleted, starts a new run', async () => {
      const key = { 'Idempotency-Key': 'order-old' };
      const first = await call(t, 'POST', `/api/tasks/${taskId}/api`, {}, key);
      const firstId = first.headers.get('x-execution-id')!;
      await t.app.get(ExecutionRepository).update(firstId, { timestamp: Date.now() - 25 * 3600 * 1000 });
      const second = await call(t, 'POST', `/api/tasks/${taskId}/api`, {}, key);
      expect(second.status).toBe(200);
      expect(second.headers.get('idempotent-replayed')).toBeNull();
      const secondId = second.headers.get('x-execution-id')!;
      expect(secondId).not.toBe(firstId);
      expect((await getExecution(t, firstId)).idempotencyKey).toBeNull();
      expect(await call(t, 'DELETE', `/api/executions/${secondId}`)).toMatchObject({ status: 200 });
      const third = await call(t, 'POST', `/api/tasks/${taskId}/api`, {}, key);
      expect(third.headers.get('idempotent-replayed')).toBeNull();
      expect([firstId, secondId]).not.toContain(third.headers.get('x-execution-id'));
    });

    it.each([['k'.repeat(256)], ['tab\there'], [''], ['schl\u00fcssel']])('malformed Idempotency-Key #%# → 400 VALIDATION_FAILED', async (bad) => {
      const before = await countFor(t, taskId);
      const res = await fetch(`${t.url}/api/tasks/${taskId}/api`, { method: 'POST', headers: { 'x-api-key': t.apiKey, 'Idempotency-Key': bad } });
      const body = (await res.json()) as { error: string; details: unknown };
      expect(res.status).toBe(400);
      expect(body).toMatchObject({ error: 'VALIDATION_FAILED', details: [{ field: 'headers.idempotency-key', message: 'must be 1-255 printable ASCII characters' }] });
      expect(await countFor(t, taskId)).toBe(before);
    });

    it('runId already used → 409 RUN_ID_CONFLICT {runId, executionId}', async () => {
      const first = await call(t, 'POST', `/api/tasks/${taskId}/api`, { runId: 'taken-run' });
      const again = await call(t, 'POST', `/api/tasks/${taskId}/api`, { runId: 'taken-run' });
      expectError(again, 409, 'RUN_ID_CONFLICT');
      expect(again.body.details).toEqual({ runId: 'taken-run', executionId: first.headers.get('x-execution-id') });
    });

    it('start URL and webhook URL are checked at admission', async () => {
      const priv = await createTask(t, { url: 'http://10.1.2.3/x' });
      const a = await call(t, 'POST', `/api/tasks/${priv}/api`, {});
      expectError(a, 400, 'PRIVATE_NETWORK_BLOCKED');
      expect(a.body.details).toEqual({ url: 'http://10.1.2.3/x', address: '10.1.2.3' });

      const templated = await createTask(t, { url: '{$target}', variables: { target: 'https://93.184.215.14/' } });
      const b = await call(t, 'POST', `/api/tasks/${templated}/api`, { variables: { target: 'javascript:alert(1)' } });
      expectError(b, 400, 'INVALID_URL');
      const c = await call(t, 'POST', `/api/tasks/${templated}/api`, { variables: { target: 'http://127.0.0.1:9/' } });
      expectError(c, 400, 'PRIVATE_NETWORK_BLOCKED');

      const d = await call(t, 'POST', `/api/tasks/${taskId}/api`, { webhookUrl: 'http://192.168.1.1/hook' });
      expectError(d, 400, 'INVALID_WEBHOOK_URL');
      expect(d.body.details).toEqual({ reason: 'private_network' });
      const e = await call(t, 'POST', `/api/tasks/${taskId}/api`, { webhookUrl: 'ftp://example.com/x' });
      expectError(e, 400, 'INVALID_WEBHOOK_URL');
      expect(e.body.details).toEqual({ reason: 'unsupported_scheme' });
    });

    it('checks run in the documented order', async () => {
      // 2 before 3: a bad body wins over a bad key
      const bodyFirst = await call(t, 'POST', `/api/tasks/${taskId}/api`, { runId: '!' }, { 'Idempotency-Key': '' });
      expect((bodyFirst.body.details as Array<{ field: string }>)[0].field).toBe('runId');
      // 2 before everything: unknown task with every other problem
      expectError(await call(t, 'POST', '/api/tasks/missing/api', { webhookUrl: 'ftp://x', runId: 'taken-run' }), 404, 'TASK_NOT_FOUND');
      // 3 before 4: key mismatch wins over a bad webhook; a replay skips 4 and 5
      const key = { 'Idempotency-Key': 'order-4' };
      const first = await call(t, 'POST', `/api/tasks/${taskId}/api`, { runId: 'order-4-run' }, key);
      expectError(await call(t, 'POST', `/api/tasks/${taskId}/api`, { runId: 'order-4-run', webhookUrl: 'ftp://x' }, key), 422, 'IDEMPOTENCY_KEY_MISMATCH');
      const replay = await call(t, 'POST', `/api/tasks/${taskId}/api`, { runId: 'order-4-run' }, key);
      expect(replay.headers.get('x-execution-id')).toBe(first.headers.get('x-execution-id'));
      // 4 before 5: bad webhook wins over a runId conflict
      expectError(await call(t, 'POST', `/api/tasks/${taskId}/api`, { runId: 'taken-run', webhookUrl: 'ftp://x' }), 400, 'INVALID_WEBHOOK_URL');
    });
  });

  describe('queue capacity', () => {
    let t: RunApp;
    let taskId: string;

    beforeAll(async () => {
      t = await startRunApp({ storage, env: { MAX_CONCURRENT_EXECUTIONS: '1', MAX_QUEUED_EXECUTIONS: '1' } });
      taskId = await createTask(t, {});
    });
    afterAll(async () => {
      t.fake.release();
      await t?.close();
    });

    it('429 QUEUE_FULL when full, after the URL and runId checks; nothing created', async () => {
      t.fake.hold();
      const a = await call(t, 'POST', `/api/tasks/${taskId}/api?async=true`, { runId: 'cap-a' });
      const b = await call(t, 'POST', `/api/tasks/${taskId}/api?async=true`, {}, { 'Idempotency-Key': 'cap-b' });
      expect([a.status, b.status]).toEqual([202, 202]);
      await waitFor(async () => (await getExecution(t, a.body.executionId as string)).phase === 'running');
      const before = await countFor(t, taskId);

      const full = await call(t, 'POST', `/api/tasks/${taskId}/api?async=true`, {});
      expectError(full, 429, 'QUEUE_FULL');
      expect(full.body.details).toEqual({ running: 1, queued: 1, maxConcurrent: 1, maxQueued: 1 });
      expect(full.headers.get('retry-after')).toBe('30');
      const ready = (await (await fetch(`${t.url}/api/health/ready`)).json()) as { queue: unknown };
      expect(ready.queue).toEqual({ running: 1, queued: 1, maxConcurrent: 1, maxQueued: 1 });

      // 4 before 6: over capacity with a bad webhook URL → 400; 5 before 6: runId conflict → 409
      expectError(await call(t, 'POST', `/api/tasks/${taskId}/api`, { webhookUrl: 'http://10.0.0.1/hook' }), 400, 'INVALID_WEBHOOK_URL');
      expectError(await call(t, 'POST', `/api/tasks/${taskId}/api`, { runId: 'cap-a' }), 409, 'RUN_ID_CONFLICT');
      // a replay of an admitted request is not refused by the full queue
      const replay = await call(t, 'POST', `/api/tasks/${taskId}/api?async=true`, {}, { 'Idempotency-Key': 'cap-b' });
      expect(replay.status).toBe(202);
      expect(replay.body.executionId).toBe(b.body.executionId);
      expect(await countFor(t, taskId)).toBe(before);

      t.fake.release();
      await waitFinished(t, b.body.executionId as string);
      const later = await call(t, 'POST', `/api/tasks/${taskId}/api`, {});
      expect(later.status).toBe(200);
      // Retry-After now comes from recent durations: ≥ 5 s after clamping
      t.fake.hold();
      await call(t, 'POST', `/api/tasks/${taskId}/api?async=true`, {});
      await call(t, 'POST', `/api/tasks/${taskId}/api?async=true`, {});
      const again = await call(t, 'POST', `/api/tasks/${taskId}/api?async=true`, {});
      expectError(again, 429, 'QUEUE_FULL');
      expect(again.headers.get('retry-after')).toBe('5');
      t.fake.release();
    });
  });
});
