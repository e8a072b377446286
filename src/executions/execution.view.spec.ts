import { describe, expect, it } from '@jest/globals';
import type { ExecutionRecord, StoredEvent } from '../storage/ports/index.js';
import { toFull, toSummary } from './execution.view.js';

const MASK = '••••••••';

function record(overrides: Partial<ExecutionRecord> = {}): ExecutionRecord {
  return {
    id: 'exec_1',
    runId: 'run_1',
    taskId: 'task_1',
    taskName: 'Task one',
    mode: 'agent',
    source: 'api',
    method: 'POST',
    path: '/tasks/task_1/api',
    status: 200,
    phase: 'finished',
    outcome: 'success',
    timestamp: 1000,
    startedAt: 1010,
    finishedAt: 1500,
    durationMs: 490,
    url: 'https://example.com/',
    taskSnapshot: { id: 'task_1', name: 'Task one', actions: [] },
    variables: { q: 'lamp' },
    result: { executionId: 'exec_1', outcome: 'success', success: true },
    webhook: null,
    parentExecutionId: null,
    attempt: 1,
    idempotencyKey: 'idem-1',
    idempotencyFingerprint: 'f'.repeat(64),
    stopRequestedAt: null,
    instanceId: 'inst_a',
    heartbeatAt: 1400,
    eventsTruncated: false,
    ...overrides,
  };
}

const SUMMARY_KEYS = [
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
];

describe('toSummary', () => {
  it('copies exactly the Summary fields from a full record', () => {
    const summary = toSummary(record());
    expect(Object.keys(summary)).toEqual(SUMMARY_KEYS);
    expect(summary).toMatchObject({ id: 'exec_1', runId: 'run_1', outcome: 'success', durationMs: 490 });
  });

  it('adds error and errorCode only when the outcome is set and not success', () => {
    const failed = toSummary(record({ outcome: 'error', error: 'Boom', errorCode: 'ACTION_FAILED' }));
    expect(failed).toMatchObject({ error: 'Boom', errorCode: 'ACTION_FAILED' });
    expect(Object.keys(toSummary(record({ outcome: 'success', error: 'stale', errorCode: 'X' })))).toEqual(SUMMARY_KEYS);
    const running = toSummary(record({ phase: 'running', outcome: null, error: 'stale', errorCode: 'X' }));
    expect(running).not.toHaveProperty('error');
    expect(running).not.toHaveProperty('errorCode');
  });
});

describe('toFull', () => {
  const events: StoredEvent[] = [{ seq: 1, ts: 1000, event: 'phase', message: 'Queued', phase: 'queued', attempt: 1 }];

  it('has no internal fields, and includes the events', () => {
    const full = toFull(record(), events);
    expect(full).not.toHaveProperty('idempotencyFingerprint');
    expect(full).not.toHaveProperty('heartbeatAt');
    expect(full.events).toEqual(events);
    expect(full).toMatchObject({ idempotencyKey: 'idem-1', instanceId: 'inst_a', attempt: 1, eventsTruncated: false, webhook: null });
  });

  it('redacts the webhook URL and drops its body and nextAttemptAt', () => {
    const full = toFull(
      record({
        webhook: {
          url: 'https://user:pw@hooks.example.com/in?token=abc',
          deliveryId: 'dlv_1',
          state: 'failed',
          nextAttemptAt: 99,
          body: '{"secret":true}',
          attempts: [{ attempt: 1, at: 1600, durationMs: 12, statusCode: 500, ok: false, error: 'HTTP 500' }],
        },
      }),
      [],
    );
    expect(full.webhook).toEqual({
      url: 'https://hooks.example.com/in?…',
      deliveryId: 'dlv_1',
      state: 'failed',
      attempts: [{ attempt: 1, at: 1600, durationMs: 12, statusCode: 500, ok: false, error: 'HTTP 500' }],
    });
  });

  it('masks declared secret variables in the snapshot and the inputs, and drops versions', () => {
    const full = toFull(
      record({
        taskSnapshot: {
          id: 'task_1',
          name: 'Task one',
          versions: [{ id: 'ver_1' }],
          variables: { password: { type: 'string', value: 'hunter22', secret: true }, q: { type: 'string', value: 'lamp' } },
        },
        variables: { password: 'hunter22', q: 'lamp' },
      }),
      [],
    );
    expect(full.taskSnapshot).not.toHaveProperty('versions');
    expect(full.taskSnapshot.variables).toEqual({ password: { type: 'string', value: MASK, secret: true }, q: { type: 'string', value: 'lamp' } });
    expect(full.variables).toEqual({ password: MASK, q: 'lamp' });
    expect(JSON.stringify(full)).not.toContain('hunter22');
  });

  it('masks records whatever realm or prototype their objects have (structuredClone, null prototype)', () => {
    const snapshot = structuredClone({ id: 'task_1', variables: { pin: { type: 'string', value: '12345678', secret: true } } });
    const inputs = Object.assign(Object.create(null) as Record<string, string>, { pin: '12345678' });
    const full = toFull(record({ taskSnapshot: snapshot, variables: inputs }), []);
    expect(full.taskSnapshot.variables).toEqual({ pin: { type: 'string', value: MASK, secret: true } });
    expect(full.variables).toEqual({ pin: MASK });
  });

  it('keeps a "__proto__" variable name as plain data', () => {
    const snapshot = JSON.parse('{"variables":{"__proto__":{"type":"string","value":"topsecret","secret":true}}}') as ExecutionRecord['taskSnapshot'];
    const variables = JSON.parse('{"__proto__":"topsecret"}') as ExecutionRecord['variables'];
    const full = toFull(record({ taskSnapshot: snapshot, variables }), []);
    expect(JSON.stringify(full)).not.toContain('topsecret');
    expect(Object.getPrototypeOf(full.variables)).toBe(Object.prototype);
    expect(Object.keys(full.variables)).toEqual(['__proto__']);
  });
});
