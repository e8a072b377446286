// GET /api/executions/:id, GET …/:id/result, DELETE …/:id, POST /api/executions/clear (API §5.1–5.2).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { StoredEvent } from '../../src/storage/ports/index.js';
import { startTestApp, type TestApp } from '../support/app-harness.js';
import { STORAGE_PROVIDERS } from '../support/storage-matrix.js';
import { activeRecord, api, expectError, repo, seedAll, seedRecord, T0 } from './executions-kit.js';

const FULL_KEYS = [
  'id',
  'runId',
  'taskId',
  'taskName',
  'mode',
  'source',
  'method',
  'path',
  'status',
  'phase',
  'outcome',
  'timestamp',
  'startedAt',
  'finishedAt',
  'durationMs',
  'url',
  'error',
  'errorCode',
  'taskSnapshot',
  'variables',
  'result',
  'events',
  'eventsTruncated',
  'webhook',
  'parentExecutionId',
  'attempt',
  'idempotencyKey',
  'stopRequestedAt',
  'instanceId',
].sort();

const EVENTS: StoredEvent[] = [
  { seq: 1, ts: T0, event: 'phase', message: 'Queued', phase: 'queued', attempt: 1 },
  { seq: 2, ts: T0 + 10, event: 'phase', message: 'Running', phase: 'running', attempt: 1 },
  { seq: 3, ts: T0 + 50, event: 'action', message: 'Clicked', actionId: 'act_1', actionIndex: 0, type: 'click', status: 'error', durationMs: 40 },
  { seq: 4, ts: T0 + 110, event: 'finished', message: 'Finished: error', outcome: 'error', success: false, error: 'Boom', errorCode: 'ACTION_FAILED', durationMs: 100, hasFullResult: true },
];

const compact = (id: string) => ({ executionId: id, runId: `run_${id}`, outcome: 'success', success: true, data: null, logs: ['… 10 earlier lines omitted'], hasFullResult: true, truncated: true });
const fullCopy = (id: string) => ({ executionId: id, runId: `run_${id}`, outcome: 'success', success: true, data: { rows: [1, 2, 3] }, logs: ['a', 'b'], hasFullResult: true, truncated: false });

describe.each(STORAGE_PROVIDERS)('%s storage', (storage) => {
  describe('single execution routes', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp({ storage });
      await seedAll(t, [
        seedRecord('exec_full', {
          timestamp: T0 + 1,
          outcome: 'error',
          error: 'Boom',
          errorCode: 'ACTION_FAILED',
          idempotencyKey: 'idem-123',
          idempotencyFingerprint: 'a'.repeat(64),
          heartbeatAt: T0 + 100,
          stopRequestedAt: null,
          eventsTruncated: true,
          parentExecutionId: 'exec_parent',
          attempt: 2,
          taskSnapshot: {
            id: 'task_a',
            name: 'Task A',
            versions: [{ id: 'ver_1' }],
            variables: { password: { type: 'string', value: 'hunter2secret', secret: true }, q: { type: 'string', value: 'lamp' } },
          },
          variables: { password: 'hunter2secret', q: 'lamp' },
          webhook: {
            url: 'https://user:pass@hooks.example.com/in?token=s3cr3t#frag',
            deliveryId: 'dlv_1',
            state: 'delivered',
            nextAttemptAt: null,
            body: '{"event":"execution.finished"}',
            attempts: [
              { attempt: 1, at: T0 + 200, durationMs: 30, statusCode: 503, ok: false, error: 'HTTP 503' },
              { attempt: 2, at: T0 + 2300, durationMs: 25, statusCode: 200, ok: true },
            ],
          },
        }),
        seedRecord('exec_two_copies', { timestamp: T0 + 2, result: compact('exec_two_copies') }),
        seedRecord('exec_compact_only', { timestamp: T0 + 3, result: compact('exec_compact_only') }),
        seedRecord('exec_no_result', { timestamp: T0 + 4, result: null }),
        activeRecord('exec_queued', 'queued', { timestamp: T0 + 5 }),
        activeRecord('exec_running', 'running', { timestamp: T0 + 6 }),
        seedRecord('exec_to_delete', { timestamp: T0 + 7, outcome: 'stopped', error: 'Stopped', errorCode: 'STOPPED' }),
      ]);
      await repo(t).appendEvents('exec_full', EVENTS);
      await repo(t).saveFullResult('exec_two_copies', fullCopy('exec_two_copies'));
      await repo(t).appendEvents('exec_to_delete', EVENTS.slice(0, 2));
      await repo(t).saveFullResult('exec_to_delete', fullCopy('exec_to_delete'));
    });
    afterAll(async () => t.close());

    describe('GET /api/executions/:id', () => {
      it('returns the Full object: public fields only, events, redacted webhook, masked secrets', async () => {
        const res = await api(t, '/api/executions/exec_full');
        expect(res.status).toBe(200);
        const { execution } = res.body as { execution: Record<string, unknown> };
        expect(Object.keys(res.body as object)).toEqual(['execution']);
        expect(Object.keys(execution).sort()).toEqual(FULL_KEYS);
        expect(execution).toMatchObject({
          id: 'exec_full',
          runId: 'run_exec_full',
          phase: 'finished',
          outcome: 'error',
          error: 'Boom',
          errorCode: 'ACTION_FAILED',
          idempotencyKey: 'idem-123',
          eventsTruncated: true,
          parentExecutionId: 'exec_parent',
          attempt: 2,
          stopRequestedAt: null,
          instanceId: 'inst_test',
          variables: { password: '••••••••', q: 'lamp' },
        });
        expect(execution.events).toEqual(EVENTS);
        expect(execution.webhook).toEqual({
          url: 'https://hooks.example.com/in?…#frag',
          deliveryId: 'dlv_1',
          state: 'delivered',
          attempts: [
            { attempt: 1, at: T0 + 200, durationMs: 30, statusCode: 503, ok: false, error: 'HTTP 503' },
            { attempt: 2, at: T0 + 2300, durationMs: 25, statusCode: 200, ok: true },
          ],
        });
        const snapshot = execution.taskSnapshot as Record<string, unknown>;
        expect(snapshot).not.toHaveProperty('versions');
        expect(snapshot.variables).toEqual({ password: { type: 'string', value: '••••••••', secret: true }, q: { type: 'string', value: 'lamp' } });
        const text = JSON.stringify(res.body);
        for (const leaked of ['hunter2secret', 's3cr3t', 'user:pass', 'idempotencyFingerprint', 'heartbeatAt', 'nextAttemptAt', 'execution.finished']) {
          expect(text).not.toContain(leaked);
        }
      });

      it('omits error and errorCode for a success and for an active run; events default to []', async () => {
        const ok = (await api(t, '/api/executions/exec_compact_only')).body as { execution: Record<string, unknown> };
        expect(ok.execution).not.toHaveProperty('error');
        expect(ok.execution).not.toHaveProperty('errorCode');
        expect(ok.execution).toMatchObject({ outcome: 'success', result: compact('exec_compact_only'), events: [], webhook: null });
        const queued = (await api(t, '/api/executions/exec_queued')).body as { execution: Record<string, unknown> };
        expect(queued.execution).toMatchObject({ phase: 'queued', outcome: null, result: null, status: null });
        expect(Object.keys(queued.execution).sort()).toEqual(FULL_KEYS.filter((k) => k !== 'error' && k !== 'errorCode'));
      });

      it('URL-decodes the id', async () => {
        const res = await api(t, '/api/executions/exec%5Ffull');
        expect(res.status).toBe(200);
        expect((res.body as { execution: { id: string } }).execution.id).toBe('exec_full');
      });

      it('unknown id → 404 EXECUTION_NOT_FOUND {id}', async () => {
        const body = await expectError(t, '/api/executions/exec_missing', 404, 'EXECUTION_NOT_FOUND');
        expect(body.details).toEqual({ id: 'exec_missing' });
        const odd = await expectError(t, `/api/executions/${encodeURIComponent('../exec full?')}`, 404, 'EXECUTION_NOT_FOUND');
        expect(odd.details).toEqual({ id: '../exec full?' });
      });
    });

    describe('GET /api/executions/:id/result', () => {
      it('serves the separately stored full copy when there is one', async () => {
        const res = await api(t, '/api/executions/exec_two_copies/result');
        expect(res).toEqual({ status: 200, body: { result: fullCopy('exec_two_copies') } });
      });

      it('falls back to the compact copy on the record', async () => {
        const res = await api(t, '/api/executions/exec_compact_only/result');
        expect(res).toEqual({ status: 200, body: { result: compact('exec_compact_only') } });
      });

      it.each(['queued', 'running'])('%s → 409 EXECUTION_NOT_FINISHED {id, phase}', async (phase) => {
        const body = await expectError(t, `/api/executions/exec_${phase}/result`, 409, 'EXECUTION_NOT_FINISHED');
        expect(body.details).toEqual({ id: `exec_${phase}`, phase });
      });

      it('finished without any stored result → 404 RESULT_NOT_FOUND {id}', async () => {
        const body = await expectError(t, '/api/executions/exec_no_result/result', 404, 'RESULT_NOT_FOUND');
        expect(body.details).toEqual({ id: 'exec_no_result' });
      });

      it('unknown id → 404 EXECUTION_NOT_FOUND {id}', async () => {
        const body = await expectError(t, '/api/executions/exec_missing/result', 404, 'EXECUTION_NOT_FOUND');
        expect(body.details).toEqual({ id: 'exec_missing' });
      });
    });

    describe('DELETE /api/executions/:id', () => {
      it.each(['queued', 'running'])('%s → 409 EXECUTION_ACTIVE {id, phase}, nothing deleted', async (phase) => {
        const body = await expectError(t, `/api/executions/exec_${phase}`, 409, 'EXECUTION_ACTIVE', { method: 'DELETE' });
        expect(body.details).toEqual({ id: `exec_${phase}`, phase });
        expect(await repo(t).get(`exec_${phase}`)).not.toBeNull();
      });

      it('unknown id → 404 EXECUTION_NOT_FOUND {id}', async () => {
        const body = await expectError(t, '/api/executions/exec_missing', 404, 'EXECUTION_NOT_FOUND', { method: 'DELETE' });
        expect(body.details).toEqual({ id: 'exec_missing' });
      });

      it('deletes record, result and events of a finished run and keeps its captures', async () => {
        const capture = path.join(t.config.capturesDir, 'run_exec_to_delete_final_1733220000123.png');
        mkdirSync(t.config.capturesDir, { recursive: true });
        writeFileSync(capture, 'png');
        expect(await repo(t).getFullResult('exec_to_delete')).not.toBeNull();

        const res = await api(t, '/api/executions/exec_to_delete', { method: 'DELETE' });
        expect(res).toEqual({ status: 200, body: { success: true } });

        expect(await repo(t).get('exec_to_delete')).toBeNull();
        expect(await repo(t).getFullResult('exec_to_delete')).toBeNull();
        expect(await repo(t).listEvents('exec_to_delete')).toEqual([]);
        expect(existsSync(capture)).toBe(true);
        await expectError(t, '/api/executions/exec_to_delete', 404, 'EXECUTION_NOT_FOUND');
        await expectError(t, '/api/executions/exec_to_delete', 404, 'EXECUTION_NOT_FOUND', { method: 'DELETE' });
        const list = (await api(t, '/api/executions')).body as { executions: { id: string }[] };
        expect(list.executions.map((e) => e.id)).not.toContain('exec_to_delete');
      });
    });
  });

  describe('POST /api/executions/clear', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp({ storage });
      await seedAll(t, [
        seedRecord('exec_c1', { timestamp: T0 + 1 }),
        seedRecord('exec_c2', { timestamp: T0 + 2, outcome: 'crashed', error: 'Crashed', errorCode: 'BROWSER_CRASHED' }),
        seedRecord('exec_c3', { timestamp: T0 + 3, outcome: 'stopped', durationMs: 0 }),
        activeRecord('exec_c4', 'queued', { timestamp: T0 + 4 }),
        activeRecord('exec_c5', 'running', { timestamp: T0 + 5 }),
      ]);
      await repo(t).appendEvents('exec_c1', EVENTS.slice(0, 1));
      await repo(t).appendEvents('exec_c4', EVENTS.slice(0, 1));
    });
    afterAll(async () => t.close());

    it('deletes only finished executions and says how many', async () => {
      // A body (or a stray field in it) changes nothing.
      const res = await api(t, '/api/executions/clear', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"all":true}' });
      expect(res).toEqual({ status: 200, body: { success: true, deleted: 3 } });
      const list = (await api(t, '/api/executions')).body as { executions: { id: string }[] };
      expect(list.executions.map((e) => e.id)).toEqual(['exec_c5', 'exec_c4']);
      expect(await repo(t).listEvents('exec_c1')).toEqual([]);
      expect(await repo(t).listEvents('exec_c4')).toHaveLength(1);
    });

    it('answers deleted: 0 when nothing is finished', async () => {
      expect(await api(t, '/api/executions/clear', { method: 'POST' })).toEqual({ status: 200, body: { success: true, deleted: 0 } });
    });

    it('malformed JSON body → 400 INVALID_JSON, nothing deleted', async () => {
      await repo(t).create(seedRecord('exec_c6', { timestamp: T0 + 6 }));
      await expectError(t, '/api/executions/clear', 400, 'INVALID_JSON', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' });
      expect(await repo(t).get('exec_c6')).not.toBeNull();
    });

    it('GET on the clear path is not the clear action', async () => {
      const body = await expectError(t, '/api/executions/clear', 404, 'EXECUTION_NOT_FOUND');
      expect(body.details).toEqual({ id: 'clear' });
      expect(await repo(t).get('exec_c6')).not.toBeNull();
    });
  });
});
