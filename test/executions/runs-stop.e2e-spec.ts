// POST /api/executions/stop (API §5.2, RUNNER §3.5) and `start` children (RUNNER §7.4), both providers.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RunError } from '../../src/runner/run-error.js';
import type { RunRequest } from '../../src/runner/runner.types.js';
import { STORAGE_PROVIDERS } from '../support/storage-matrix.js';
import { call, createTask, expectError, getExecution, startRunApp, waitFinished, waitFor, type ExecutionView, type RunApp } from './runs-kit.js';

interface Delivery {
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

async function startReceiver(): Promise<{ url: string; deliveries: Delivery[]; close: () => Promise<void> }> {
  const deliveries: Delivery[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      deliveries.push({ headers: req.headers, body: JSON.parse(raw) as Record<string, unknown> });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook?secret=x`, deliveries, close: () => new Promise((r) => server.close(() => r())) };
}

const eventNames = (e: { events: Array<Record<string, unknown>> }) => e.events.map((ev) => (ev.event === 'phase' ? `phase:${String(ev.phase)}` : String(ev.event)));

describe.each(STORAGE_PROVIDERS)('%s storage', (storage) => {
  let t: RunApp;
  let taskId: string;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    receiver = await startReceiver();
    // One slot: a held run keeps the next one queued. Private networks allowed for the local webhook receiver.
    t = await startRunApp({ storage, env: { MAX_CONCURRENT_EXECUTIONS: '1', ALLOW_PRIVATE_NETWORKS: 'true' } });
    taskId = await createTask(t, {});
  });
  afterAll(async () => {
    t.fake.release();
    await t?.close();
    await receiver?.close();
  });

  it('stops a queued run at once: stopped/STOPPED, durationMs 0, never run; the webhook fires; a sync caller gets 200', async () => {
    t.fake.hold();
    const running = await call(t, 'POST', `/api/tasks/${taskId}/api?async=true`, {});
    await waitFor(async () => t.fake.running === 1);
    const queuedSync = call(t, 'POST', `/api/tasks/${taskId}/api`, { runId: 'to-stop-queued', webhookUrl: receiver.url });
    const queuedId = await waitFor(async () => (await call<{ executions: ExecutionView[] }>(t, 'GET', '/api/executions?runId=to-stop-queued')).body.executions[0]?.id);

    const res = await call(t, 'POST', '/api/executions/stop', { runId: 'to-stop-queued' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, executionId: queuedId, runId: 'to-stop-queued', phase: 'queued' });

    const sync = await queuedSync;
    expect(sync.status).toBe(200);
    expect(sync.body).toMatchObject({ executionId: queuedId, outcome: 'stopped', success: false, errorCode: 'STOPPED', data: null, logs: [] });
    const e = await getExecution(t, queuedId);
    expect(e).toMatchObject({ phase: 'finished', outcome: 'stopped', errorCode: 'STOPPED', durationMs: 0, startedAt: null, status: 200, instanceId: null });
    expect(typeof e.stopRequestedAt).toBe('number');
    expect(eventNames(e)).toEqual(['phase:queued', 'stop_requested', 'phase:finished', 'finished']);
    expect(t.fake.calls.some((c) => c.executionId === queuedId)).toBe(false);

    const delivery = await waitFor(async () => receiver.deliveries.find((d) => d.body.executionId === queuedId));
    expect(delivery.body).toMatchObject({ event: 'execution.finished', executionId: queuedId, runId: 'to-stop-queued', outcome: 'stopped', success: false, errorCode: 'STOPPED', durationMs: 0, startedAt: null });
    expect(delivery.headers['x-figranium-event']).toBe('execution.finished');

    t.fake.release();
    expect(await waitFinished(t, running.body.executionId as string)).toMatchObject({ outcome: 'success' });
  });

  it('stops a running run within 2 s: stopRequestedAt, stop_requested before finished, outcome stopped', async () => {
    const started = await call(t, 'POST', `/api/tasks/${taskId}/api?async=true`, { variables: { delayMs: 60_000 } });
    const id = started.body.executionId as string;
    await waitFor(async () => t.fake.calls.some((c) => c.executionId === id));
    const t0 = Date.now();
    const res = await call(t, 'POST', '/api/executions/stop', { executionId: id });
    expect(res.body).toEqual({ success: true, executionId: id, runId: started.body.runId, phase: 'running' });
    const e = await waitFinished(t, id, 2000);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(e).toMatchObject({ outcome: 'stopped', errorCode: 'STOPPED', status: 202 });
    expect(typeof e.stopRequestedAt).toBe('number');
    const names = eventNames(e);
    expect(names.indexOf('stop_requested')).toBeGreaterThan(names.indexOf('phase:running'));
    expect(names.slice(-2)).toEqual(['phase:finished', 'finished']);
    expect(t.fake.calls.find((c) => c.executionId === id)!.aborted).toBe(true);
  });

  it('400 without a target, 400 on wrong types, 404 unknown, 409 already finished', async () => {
    const none = await call(t, 'POST', '/api/executions/stop', {});
    expectError(none, 400, 'VALIDATION_FAILED');
    expect(none.body.details).toEqual([{ field: 'executionId', message: 'executionId or runId is required' }]);
    const wrong = await call(t, 'POST', '/api/executions/stop', { executionId: 5, runId: ['x'] });
    expectError(wrong, 400, 'VALIDATION_FAILED');
    expect((wrong.body.details as Array<{ field: string }>).map((d) => d.field)).toEqual(['executionId', 'runId']);
    const notObject = await call(t, 'POST', '/api/executions/stop', '[1]');
    expectError(notObject, 400, 'VALIDATION_FAILED');

    const byId = await call(t, 'POST', '/api/executions/stop', { executionId: 'exec_missing' });
    expectError(byId, 404, 'EXECUTION_NOT_FOUND');
    expect(byId.body.details).toEqual({ id: 'exec_missing' });
    const byRun = await call(t, 'POST', '/api/executions/stop', { runId: 'run_missing' });
    expectError(byRun, 404, 'EXECUTION_NOT_FOUND');
    expect(byRun.body.details).toEqual({ runId: 'run_missing' });

    const done = await call(t, 'POST', `/api/tasks/${taskId}/api`, {});
    const finished = await call(t, 'POST', '/api/executions/stop', { executionId: done.headers.get('x-execution-id') });
    expectError(finished, 409, 'EXECUTION_ALREADY_FINISHED');
    expect(finished.body.details).toEqual({ executionId: done.headers.get('x-execution-id'), outcome: 'success' });
  });

  describe('start children', () => {
    let childTask: string;
    let parentTask: string;

    beforeAll(async () => {
      childTask = await createTask(t, { name: 'Child', variables: { n: { type: 'number', value: 1 }, greeting: 'hi' }, timeoutSeconds: 30 });
      parentTask = await createTask(t, { name: 'Parent', variables: { child: childTask, n: '5', childDelayMs: 10 } });
    });

    it('a child gets its own record, runs inside the parent slot, inherits inputs; no webhook for children', async () => {
      const res = await call(t, 'POST', `/api/tasks/${parentTask}/api`, { webhookUrl: receiver.url });
      expect(res.status).toBe(200);
      const parentId = res.headers.get('x-execution-id')!;
      const report = res.body.data as { executionId: string; outcome: string; data: unknown };
      expect(report).toMatchObject({ outcome: 'success', data: { echo: null } });
      const child = await getExecution(t, report.executionId);
      expect(child).toMatchObject({
        taskId: childTask,
        taskName: 'Child',
        source: 'agent_block',
        parentExecutionId: parentId,
        method: 'POST',
        path: `/api/tasks/${childTask}/api`,
        phase: 'finished',
        outcome: 'success',
        status: 200,
        webhook: null,
      });
      expect(child.runId).not.toBe(res.body.runId);
      const childCall = t.fake.calls.find((c) => c.executionId === report.executionId)!;
      expect(childCall.inputs).toMatchObject({ n: 5, greeting: 'hi', delayMs: 10 });
      expect(childCall.depth).toBe(1);
      expect(childCall.chain).toEqual([parentTask]);
      const parentCall = t.fake.calls.find((c) => c.executionId === parentId)!;
      expect(parentCall.depth).toBe(0);
      expect(childCall.deadline).toBeDefined();
      await waitFor(async () => receiver.deliveries.find((d) => d.body.executionId === parentId));
      expect(receiver.deliveries.some((d) => d.body.executionId === report.executionId)).toBe(false);
    });

    it("stopping the parent stops the running child first, then the parent finishes stopped", async () => {
      const res = await call(t, 'POST', `/api/tasks/${parentTask}/api?async=true`, { variables: { childDelayMs: 60_000 } });
      const parentId = res.body.executionId as string;
      const childId = await waitFor(async () => {
        const c = t.fake.calls.find((x) => x.chain.includes(parentTask) && x.inputs.delayMs === 60_000);
        return c?.executionId;
      });
      const stop = await call(t, 'POST', '/api/executions/stop', { executionId: parentId });
      expect(stop.body).toMatchObject({ success: true, phase: 'running' });
      const parent = await waitFinished(t, parentId, 2000);
      const child = await waitFinished(t, childId, 2000);
      expect(parent).toMatchObject({ outcome: 'stopped', errorCode: 'STOPPED' });
      expect(child).toMatchObject({ outcome: 'stopped', errorCode: 'STOPPED', parentExecutionId: parentId });
      expect(typeof child.stopRequestedAt).toBe('number');
      expect(eventNames(child)).toContain('stop_requested');
      expect(child.finishedAt as number).toBeLessThanOrEqual(parent.finishedAt as number);
    });

    it('an unknown or headful child task fails the start before anything is created', async () => {
      const parent = t.fake.calls[0];
      const request = { ...parent, signal: new AbortController().signal, events: { emit: () => undefined }, startedAt: Date.now(), mode: 'agent' } as unknown as RunRequest;
      await expect(t.fake.launcher!.launch(request, 'task_nope', {}, request.signal, Date.now() + 1000)).rejects.toMatchObject({ code: 'SUBTASK_NOT_FOUND' });
      const headful = await createTask(t, { mode: 'headful' });
      const err = await t.fake.launcher!.launch(request, headful, {}, request.signal, Date.now() + 1000).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RunError);
      expect(err).toMatchObject({ code: 'SUBTASK_FAILED' });
      expect((await call<{ executions: unknown[] }>(t, 'GET', `/api/executions?taskId=${headful}`)).body.executions).toHaveLength(0);
    });
  });
});
