// Run routes (API §4.1–4.3, §4.6, §4.7) with a fake TaskRunner, on both storage providers.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ExecutionRepository, TaskRepository } from '../../src/storage/ports/index.js';
import { STORAGE_PROVIDERS } from '../support/storage-matrix.js';
import { call, createTask, expectError, getExecution, PUBLIC_URL, startRunApp, waitFinished, type RunApp } from './runs-kit.js';

const MASK = '••••••••';
const KiB = 1024;

describe.each(STORAGE_PROVIDERS)('%s storage', (storage) => {
  describe('run routes', () => {
    let t: RunApp;
    let taskId: string;

    beforeAll(async () => {
      t = await startRunApp({ storage });
      taskId = await createTask(t, { name: 'Catalogue', variables: { q: { type: 'string', value: 'desk' }, n: { type: 'number', value: 1 } } });
    });
    afterAll(async () => {
      await t?.close();
    });

    it.each([['/api/tasks/%s/api'], ['/tasks/%s/api']])('sync POST %s: 200 with the full result and X-Execution-Id', async (pattern) => {
      const path = pattern.replace('%s', taskId);
      const res = await call(t, 'POST', path, { variables: { q: 'lamp' } });
      expect(res.status).toBe(200);
      const id = res.headers.get('x-execution-id')!;
      expect(id).toMatch(/^exec_[0-9A-Z]{26}$/);
      expect(res.body).toEqual({
        executionId: id,
        runId: expect.stringMatching(/^run_[0-9A-Z]{26}$/),
        outcome: 'success',
        success: true,
        final_url: PUBLIC_URL,
        data: { echo: 'lamp' },
        logs: ['line 1', 'line 2'],
        screenshot_url: null,
        recording_url: null,
        downloads: [],
        hasFullResult: false,
        truncated: false,
      });
      const e = await getExecution(t, id);
      expect(e).toMatchObject({
        id,
        runId: res.body.runId,
        taskId,
        taskName: 'Catalogue',
        mode: 'agent',
        source: 'api',
        method: 'POST',
        path,
        status: 200,
        phase: 'finished',
        outcome: 'success',
        url: PUBLIC_URL,
        variables: { q: 'lamp', n: 1 },
        attempt: 1,
        idempotencyKey: null,
        parentExecutionId: null,
        webhook: null,
        result: res.body,
      });
      expect(e.durationMs).toBe((e.finishedAt as number) - (e.startedAt as number));
      expect(e.events.map((ev) => [ev.seq, ev.event, ev.phase ?? ev.status ?? null])).toEqual([
        [1, 'phase', 'queued'],
        [2, 'phase', 'running'],
        [3, 'action', 'running'],
        [4, 'log', null],
        [5, 'log', null],
        [6, 'action', 'success'],
        [7, 'phase', 'finished'],
        [8, 'finished', null],
      ]);
      expect(e.events[7]).toMatchObject({ outcome: 'success', success: true, hasFullResult: false, durationMs: e.durationMs });
    });

    it('async ?async=true: 202 {executionId, runId, phase}, Location, X-Execution-Id; status stays 202', async () => {
      const res = await call(t, 'POST', `/api/tasks/${taskId}/api?async=true`, {});
      expect(res.status).toBe(202);
      const id = res.body.executionId as string;
      expect(res.body).toEqual({ executionId: id, runId: expect.stringMatching(/^run_/), phase: 'queued' });
      expect(res.headers.get('location')).toBe(`/api/executions/${id}`);
      expect(res.headers.get('x-execution-id')).toBe(id);
      expect(res.headers.get('preference-applied')).toBeNull();
      const done = await waitFinished(t, id);
      expect(done).toMatchObject({ status: 202, outcome: 'success' });
    });

    it('async ?async=1 and Prefer: respond-async (token among others) → Preference-Applied', async () => {
      const viaQuery = await call(t, 'POST', `/tasks/${taskId}/api?async=1`, {});
      expect(viaQuery.status).toBe(202);
      const viaPrefer = await call(t, 'POST', `/tasks/${taskId}/api`, {}, { Prefer: 'wait=5, Respond-Async' });
      expect(viaPrefer.status).toBe(202);
      expect(viaPrefer.headers.get('preference-applied')).toBe('respond-async');
      await waitFinished(t, viaQuery.body.executionId as string);
      await waitFinished(t, viaPrefer.body.executionId as string);
    });

    it('resolves inputs: defaults, taskVariables then variables, definitions unwrapped, coerced to the declared type', async () => {
      const res = await call(t, 'POST', `/api/tasks/${taskId}/api`, {
        taskVariables: { n: '4', q: 'from-task-vars', extra: { type: 'json', value: [1, 2] } },
        variables: { n: { type: 'string', value: '7' }, other: 3 },
        statelessExecution: 'true',
        runId: 'client-run_1',
      });
      expect(res.status).toBe(200);
      expect(res.body.runId).toBe('client-run_1');
      const seen = t.fake.calls.find((c) => c.runId === 'client-run_1')!;
      expect(seen.inputs).toEqual({ q: 'from-task-vars', n: 7, extra: [1, 2], other: 3 });
      expect(seen.task.statelessExecution).toBe(true);
      expect(seen.depth).toBe(0);
      expect(seen.chain).toEqual([]);
    });

    it('a non-success outcome is still 200, with error and errorCode in result and summary', async () => {
      const res = await call(t, 'POST', `/api/tasks/${taskId}/api`, { variables: { outcome: 'error' } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ outcome: 'error', success: false, error: 'fake error', errorCode: 'ACTION_FAILED' });
      const e = await getExecution(t, res.headers.get('x-execution-id')!);
      expect(e).toMatchObject({ outcome: 'error', error: 'fake error', errorCode: 'ACTION_FAILED', status: 200 });
      expect(e.events.at(-1)).toMatchObject({ event: 'finished', success: false, error: 'fake error', errorCode: 'ACTION_FAILED' });
    });

    it('large results: sync body is the full copy; the record keeps the compact copy; /result serves the full one', async () => {
      const res = await call(t, 'POST', `/api/tasks/${taskId}/api`, { variables: { htmlBytes: 300 * KiB, logLines: 600, links: 1500, dataBytes: 1100 * KiB } });
      expect(res.status).toBe(200);
      const full = res.body as { html: string; logs: string[]; links: string[]; data: { blob: string }; truncated: boolean; hasFullResult: boolean };
      expect(full.html).toHaveLength(300 * KiB);
      expect(full.logs).toHaveLength(600);
      expect(full.links).toHaveLength(1500);
      expect(full.data.blob).toHaveLength(1100 * KiB);
      expect({ truncated: full.truncated, hasFullResult: full.hasFullResult }).toEqual({ truncated: false, hasFullResult: true });

      const id = res.headers.get('x-execution-id')!;
      const compact = (await getExecution(t, id)).result as typeof full;
      expect(compact.html).toHaveLength(256 * KiB);
      expect(compact.logs).toHaveLength(501);
      expect(compact.logs[0]).toBe('… 100 earlier lines omitted');
      expect(compact.logs[500]).toBe('line 600');
      expect(compact.links).toHaveLength(1000);
      expect(compact.data).toBeNull();
      expect({ truncated: compact.truncated, hasFullResult: compact.hasFullResult }).toEqual({ truncated: true, hasFullResult: true });

      const stored = await call(t, 'GET', `/api/executions/${id}/result`);
      expect(stored.body).toEqual({ result: res.body });
    });

    it('secret variables: the runner gets the value; url, snapshot, variables and storage never show it', async () => {
      const secretTask = await createTask(t, {
        url: `${PUBLIC_URL}?token={$pw}&q={$q}`,
        variables: { pw: { type: 'string', value: 'hunter2-secret', secret: true }, q: 'x' },
      });
      const res = await call(t, 'POST', `/api/tasks/${secretTask}/api?async=true`, { variables: { q: 'lamp' } });
      expect(res.status).toBe(202);
      const id = res.body.executionId as string;
      const e = await waitFinished(t, id);
      expect(e.url).toBe(`${PUBLIC_URL}?token=${MASK}&q=lamp`);
      expect((e.taskSnapshot as { variables: { pw: { value: string } } }).variables.pw.value).toBe(MASK);
      expect(e.variables).toEqual({ pw: MASK, q: 'lamp' });
      const seen = t.fake.calls.find((c) => c.executionId === id)!;
      expect(seen.inputs.pw).toBe('hunter2-secret');
      expect(seen.task.variables.pw.value).toBe('hunter2-secret');
      expect(seen.secrets).toContain('hunter2-secret');
      const raw = await t.app.get(ExecutionRepository).get(id);
      expect(JSON.stringify(raw)).not.toContain('hunter2-secret');
      expect(JSON.stringify(await call(t, 'GET', `/api/executions/${id}`))).not.toContain('hunter2-secret');
    });

    it('a secret supplied with a definition for an undeclared variable is masked too', async () => {
      const res = await call(t, 'POST', `/api/tasks/${taskId}/api`, { variables: { apiToken: { type: 'string', value: 'tok-123456', secret: true } } });
      const e = await getExecution(t, res.headers.get('x-execution-id')!);
      expect((e.variables as Record<string, unknown>).apiToken).toBe(MASK);
      expect(t.fake.calls.find((c) => c.executionId === e.id)!.secrets).toContain('tok-123456');
    });

    describe('ad-hoc runs', () => {
      it('POST /agent: definition from the body, default name, taskId null, source adhoc, variables declared', async () => {
        const res = await call(t, 'POST', '/agent', { url: PUBLIC_URL, variables: { q: 'adhoc', n: { type: 'number', value: '3' } }, taskVariables: { q: 'ignored', more: 1 }, actions: '[]' });
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ outcome: 'success', data: { echo: 'adhoc' } });
        const e = await getExecution(t, res.headers.get('x-execution-id')!);
        expect(e).toMatchObject({ taskId: null, taskName: 'Ad-hoc agent', source: 'adhoc', mode: 'agent', path: '/agent', variables: { q: 'adhoc', n: 3, more: 1 } });
        expect(e.taskSnapshot).toMatchObject({ name: 'Ad-hoc agent', mode: 'agent', url: PUBLIC_URL, actions: [] });
        expect(e.taskSnapshot).not.toHaveProperty('taskVariables');
      });

      it('POST /scrape async: mode forced to scrape', async () => {
        const res = await call(t, 'POST', '/scrape?async=true', { name: 'S', url: PUBLIC_URL, mode: 'agent' });
        expect(res.status).toBe(202);
        const e = await waitFinished(t, res.body.executionId as string);
        expect(e).toMatchObject({ mode: 'scrape', taskName: 'S', source: 'adhoc', status: 202 });
      });

      it('POST /scrape without url → 400 VALIDATION_FAILED (url)', async () => {
        const res = await call(t, 'POST', '/scrape', { name: 'S' });
        expectError(res, 400, 'VALIDATION_FAILED');
        expect(res.body.details).toEqual([{ field: 'url', message: 'is required in scrape mode' }]);
      });

      it('bad definition and bad run options are reported together', async () => {
        const res = await call(t, 'POST', '/agent', { actions: [{ type: 'teleport' }], runId: 'no spaces', variables: { now: 1 } });
        expectError(res, 400, 'VALIDATION_FAILED');
        const fields = (res.body.details as Array<{ field: string }>).map((d) => d.field);
        expect(fields).toEqual(expect.arrayContaining(['runId', 'actions[0].type', 'variables.now']));
      });

      it('a JSON array body → 400 VALIDATION_FAILED (body)', async () => {
        const res = await call(t, 'POST', '/agent', [1, 2]);
        expectError(res, 400, 'VALIDATION_FAILED');
        expect(res.body.details).toEqual([{ field: 'body', message: 'must be a JSON object' }]);
      });
    });

    describe('bad input on saved-task runs', () => {
      it('unknown task → 404 TASK_NOT_FOUND {id}', async () => {
        const res = await call(t, 'POST', '/api/tasks/task_nope/api', {});
        expectError(res, 404, 'TASK_NOT_FOUND');
        expect(res.body.details).toEqual({ id: 'task_nope' });
      });

      it('uncoercible value for a declared variable → 400 variables.<name>', async () => {
        const res = await call(t, 'POST', `/api/tasks/${taskId}/api`, { variables: { n: 'many' }, taskVariables: { n: [] } });
        expectError(res, 400, 'VALIDATION_FAILED');
        expect(res.body.details).toEqual([
          { field: 'taskVariables.n', message: 'must be a number' },
          { field: 'variables.n', message: 'must be a number' },
        ]);
      });

      it('reserved names, wrong types, oversized webhookUrl, bad runId → 400 with every field', async () => {
        const res = await call(t, 'POST', `/api/tasks/${taskId}/api`, { variables: { html: 'x' }, webhookUrl: 'https://h.example/'.padEnd(2049, 'x'), statelessExecution: 2, runId: 'r'.repeat(65) });
        expectError(res, 400, 'VALIDATION_FAILED');
        expect((res.body.details as Array<{ field: string }>).map((d) => d.field)).toEqual(['variables.html', 'webhookUrl', 'statelessExecution', 'runId']);
      });

      it('variables that is not an object, and a non-object body → 400', async () => {
        const a = await call(t, 'POST', `/api/tasks/${taskId}/api`, { variables: [1] });
        expectError(a, 400, 'VALIDATION_FAILED');
        expect(a.body.details).toEqual([{ field: 'variables', message: 'must be an object' }]);
        const b = await call(t, 'POST', `/api/tasks/${taskId}/api`, '"text"');
        expectError(b, 400, 'VALIDATION_FAILED');
        expect(b.body.details).toEqual([{ field: 'body', message: 'must be a JSON object' }]);
      });

      it('a stored task that no longer validates → 400 with task.<field>', async () => {
        await t.app.get(TaskRepository).save({ id: 'task_broken', name: '', createdAt: 1, updatedAt: 1, url: 'ftp://x', actions: [] });
        const res = await call(t, 'POST', '/api/tasks/task_broken/api', {});
        expectError(res, 400, 'VALIDATION_FAILED');
        expect((res.body.details as Array<{ field: string }>).map((d) => d.field)).toEqual(['task.name', 'task.url']);
      });

      it('headful task → 409 HEADFUL_DISPLAY_UNAVAILABLE {missing}', async () => {
        const headful = await createTask(t, { mode: 'headful' });
        const before = (await call<{ executions: unknown[] }>(t, 'GET', `/api/executions?taskId=${headful}`)).body.executions.length;
        const res = await call(t, 'POST', `/api/tasks/${headful}/api?async=true`, { webhookUrl: 'not a url' });
        expectError(res, 409, 'HEADFUL_DISPLAY_UNAVAILABLE');
        expect(res.body.details).toEqual({ missing: expect.any(Array) });
        expect((res.body.details as { missing: string[] }).missing.every((m) => ['Xvfb', 'x11vnc', 'websockify'].includes(m))).toBe(true);
        expect((await call<{ executions: unknown[] }>(t, 'GET', `/api/executions?taskId=${headful}`)).body.executions).toHaveLength(before);
      });
    });

    it('readiness reports the queue', async () => {
      const res = await fetch(`${t.url}/api/health/ready`);
      expect(await res.json()).toMatchObject({ queue: { running: 0, queued: 0, maxConcurrent: 2, maxQueued: 100 } });
    });
  });
});
