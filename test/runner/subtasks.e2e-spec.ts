// `start` (RUNNER §7.4) through the real app: saved tasks, the real TaskRunner in real Chromium,
// and the ExecutionSubtaskLauncher creating child executions (source agent_block).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TestApp } from '../support/app-harness.js';
import { call, getExecution, waitFinished, waitFor, type ExecutionView } from '../executions/runs-kit.js';
import { startFixtureServer, startRunnerApp, type FixtureSite } from './runner-kit.js';

interface RunResult {
  executionId: string;
  outcome: string;
  error?: string;
  errorCode?: string;
  data: unknown;
}

const LIGHT = { disableRecording: true, statelessExecution: true };

describe('start through the real app (ExecutionSubtaskLauncher)', () => {
  let app: TestApp;
  let site: FixtureSite;

  async function saveTask(id: string, body: Record<string, unknown>): Promise<void> {
    const res = await call(app, 'POST', '/api/tasks', { id, name: id, url: '', ...LIGHT, ...body });
    expect({ id, status: res.status }).toEqual({ id, status: 200 });
  }

  async function runSync(taskId: string, variables: Record<string, unknown> = {}): Promise<RunResult> {
    const res = await call<RunResult>(app, 'POST', `/api/tasks/${taskId}/api`, { variables });
    expect(res.status).toBe(200);
    return res.body;
  }

  async function executionsOf(taskId: string): Promise<ExecutionView[]> {
    return (await call<{ executions: ExecutionView[] }>(app, 'GET', `/api/executions?taskId=${taskId}`)).body.executions;
  }

  beforeAll(async () => {
    [app, site] = await Promise.all([startRunnerApp(), startFixtureServer()]);
  });
  afterAll(async () => {
    await app?.close();
    await site?.close();
  });

  it("runs the child in its own execution with the parent's variables; the child's data is the result", async () => {
    await saveTask('sub_child', {
      url: `${site.url}/form.html`,
      variables: { q: { type: 'string', value: 'default' }, own: { type: 'string', value: 'child default' } },
      actions: [{ type: 'type', selector: '#name', value: '{$q}' }],
      extractionScript: 'return { typed: document.querySelector("#name").value, own: vars.own, title: document.title }',
    });
    await saveTask('sub_parent', {
      variables: { q: { type: 'string', value: 'lamp' } },
      actions: [
        { type: 'set', varName: 'q', value: '{$q} (from parent)' },
        { type: 'start', value: 'sub_child', varName: 'child' },
      ],
    });
    const result = await runSync('sub_parent');
    expect(result.outcome).toBe('success');
    expect(result.data).toEqual({ q: 'lamp (from parent)', child: { typed: 'lamp (from parent)', own: 'child default', title: 'Form fixture' } });

    const [child] = await executionsOf('sub_child');
    expect(child).toMatchObject({ source: 'agent_block', method: 'POST', path: '/api/tasks/sub_child/api', outcome: 'success', phase: 'finished' });
    const full = await getExecution(app, child.id);
    expect(full.parentExecutionId).toBe(result.executionId);
    expect(full.runId).not.toBe((await getExecution(app, result.executionId)).runId);
  });

  it('an unknown task id fails the start with SUBTASK_NOT_FOUND and creates no execution', async () => {
    await saveTask('sub_missing_parent', { actions: [{ id: 'act_start', type: 'start', value: 'sub_does_not_exist' }, { type: 'set', varName: 'after', value: '1' }] });
    const result = await runSync('sub_missing_parent');
    expect(result).toMatchObject({ outcome: 'error', errorCode: 'SUBTASK_NOT_FOUND', data: null });
    expect(result.error).toMatch(/^start action 'act_start' \(#0\) failed: /);
    expect(await executionsOf('sub_does_not_exist')).toEqual([]);
  });

  it('a failing child fails the start with SUBTASK_FAILED naming its outcome and code', async () => {
    await saveTask('sub_failing_child', { actions: [{ type: 'stop', value: 'error' }] });
    await saveTask('sub_failing_parent', { actions: [{ type: 'start', value: 'sub_failing_child' }] });
    const result = await runSync('sub_failing_parent');
    expect(result).toMatchObject({ outcome: 'error', errorCode: 'SUBTASK_FAILED' });
    expect(result.error).toMatch(/ended with outcome error \(STOP_ACTION\)/);
    const [child] = await executionsOf('sub_failing_child');
    expect(child).toMatchObject({ outcome: 'error', errorCode: 'STOP_ACTION', source: 'agent_block' });
  });

  it('SUBTASK_CYCLE: a task starting itself, and A → B → A (B fails, so A fails with SUBTASK_FAILED)', async () => {
    await saveTask('sub_self', { actions: [{ type: 'start', value: 'sub_self' }] });
    const self = await runSync('sub_self');
    expect(self).toMatchObject({ outcome: 'error', errorCode: 'SUBTASK_CYCLE' });
    expect(await executionsOf('sub_self')).toHaveLength(1);

    await saveTask('sub_cycle_a', { actions: [{ type: 'start', value: 'sub_cycle_b' }] });
    await saveTask('sub_cycle_b', { actions: [{ type: 'start', value: 'sub_cycle_a' }] });
    const a = await runSync('sub_cycle_a');
    expect(a).toMatchObject({ outcome: 'error', errorCode: 'SUBTASK_FAILED' });
    expect(a.error).toContain('(SUBTASK_CYCLE)');
    const [b] = await executionsOf('sub_cycle_b');
    expect(b).toMatchObject({ outcome: 'error', errorCode: 'SUBTASK_CYCLE', source: 'agent_block' });
    expect(b.error).toContain('sub_cycle_a → sub_cycle_b → sub_cycle_a');
    // The second start of A was refused before an execution was created.
    expect(await executionsOf('sub_cycle_a')).toHaveLength(1);
  });

  it('depth: five nested children run; a sixth level fails with SUBTASK_DEPTH_EXCEEDED', async () => {
    const ids = Array.from({ length: 7 }, (_, i) => `sub_depth_${i}`);
    for (let i = 0; i < 6; i++) await saveTask(ids[i], { actions: [{ type: 'start', value: ids[i + 1], varName: 'inner' }] });
    await saveTask(ids[6], { actions: [{ type: 'set', varName: 'reached', value: 'bottom' }] });

    // sub_depth_1 at depth 0 → … → sub_depth_6 at depth 5: allowed.
    const ok = await runSync(ids[1]);
    expect(ok.outcome).toBe('success');
    expect(ok.data).toEqual({ inner: { inner: { inner: { inner: { inner: { reached: 'bottom' } } } } } });

    // sub_depth_0 at depth 0 → … → sub_depth_5 at depth 5 would start sub_depth_6 at depth 6.
    const deep = await runSync(ids[0]);
    expect(deep).toMatchObject({ outcome: 'error', errorCode: 'SUBTASK_FAILED' });
    const [fifth] = await executionsOf(ids[5]).then((list) => list.filter((e) => e.outcome !== 'success'));
    expect(fifth).toMatchObject({ outcome: 'error', errorCode: 'SUBTASK_DEPTH_EXCEEDED' });
    expect(await executionsOf(ids[6])).toHaveLength(1); // only the allowed run reached the bottom
  });

  it("stopping the parent stops the running child first; both finish stopped", async () => {
    await saveTask('sub_slow_child', { actions: [{ type: 'wait', value: '60' }] });
    await saveTask('sub_slow_parent', { actions: [{ type: 'start', value: 'sub_slow_child' }, { type: 'set', varName: 'after', value: '1' }] });
    const admitted = await call<{ executionId: string }>(app, 'POST', '/api/tasks/sub_slow_parent/api?async=true', {});
    expect(admitted.status).toBe(202);
    const parentId = admitted.body.executionId;
    const child = await waitFor(async () => (await executionsOf('sub_slow_child')).find((e) => e.phase === 'running'), 15_000, 'the child to run');
    // Let the child reach its wait before stopping.
    await waitFor(async () => (await getExecution(app, child.id)).events.some((e) => e.event === 'action' && e.type === 'wait' && e.status === 'running'), 15_000, 'the wait');
    const stoppedAt = Date.now();
    const stop = await call(app, 'POST', '/api/executions/stop', { executionId: parentId });
    expect(stop.body).toMatchObject({ success: true, phase: 'running' });
    const parent = await waitFinished(app, parentId, 10_000);
    const childDone = await waitFinished(app, child.id, 10_000);
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    expect(parent).toMatchObject({ outcome: 'stopped', errorCode: 'STOPPED' });
    expect(childDone).toMatchObject({ outcome: 'stopped', errorCode: 'STOPPED', parentExecutionId: parentId });
    expect(childDone.finishedAt as number).toBeLessThanOrEqual(parent.finishedAt as number);
  });
});
