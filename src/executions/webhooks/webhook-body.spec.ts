import { describe, expect, it } from '@jest/globals';
import type { ExecutionRecord } from '../../storage/ports/index.js';
import { buildWebhookBody } from './webhook-body.js';

const record = (overrides: Partial<ExecutionRecord>): ExecutionRecord =>
  ({
    id: 'exec_1',
    runId: 'run_1',
    taskId: 'task_1',
    taskName: 'Prices',
    source: 'api',
    mode: 'agent',
    outcome: 'success',
    timestamp: 1000,
    startedAt: 1100,
    finishedAt: 2100,
    durationMs: 1000,
    result: { executionId: 'exec_1', outcome: 'success', success: true, data: [1] },
    ...overrides,
  }) as ExecutionRecord;

describe('buildWebhookBody (API §4.8)', () => {
  it('carries the ids, timing and compact result of a successful run', () => {
    expect(JSON.parse(buildWebhookBody(record({}), 'dlv_1'))).toEqual({
      event: 'execution.finished',
      deliveryId: 'dlv_1',
      executionId: 'exec_1',
      taskId: 'task_1',
      taskName: 'Prices',
      runId: 'run_1',
      source: 'api',
      mode: 'agent',
      outcome: 'success',
      success: true,
      timestamp: 1000,
      startedAt: 1100,
      finishedAt: 2100,
      durationMs: 1000,
      result: { executionId: 'exec_1', outcome: 'success', success: true, data: [1] },
    });
  });

  it('adds error and errorCode when the run did not succeed', () => {
    const body = JSON.parse(buildWebhookBody(record({ outcome: 'stopped', error: 'Stopped', errorCode: 'STOPPED', startedAt: null, durationMs: 0 }), 'dlv_2'));
    expect(body).toMatchObject({ outcome: 'stopped', success: false, error: 'Stopped', errorCode: 'STOPPED', startedAt: null, durationMs: 0 });
  });

  it('is deterministic (byte-identical for the same record)', () => {
    expect(buildWebhookBody(record({}), 'dlv_1')).toBe(buildWebhookBody(record({}), 'dlv_1'));
  });
});
