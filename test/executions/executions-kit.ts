// Shared helpers for the executions e2e suites: a record factory and thin HTTP helpers.
import { expect } from '@jest/globals';
import { ExecutionRepository, type ExecutionRecord } from '../../src/storage/ports/index.js';
import type { TestApp } from '../support/app-harness.js';

export const T0 = 1_733_220_000_000;

export interface ErrorBody {
  error: string;
  message: string;
  details?: unknown;
}

/** A stored record; `overrides` win. Defaults describe a finished successful API run. */
export function seedRecord(id: string, overrides: Partial<ExecutionRecord> = {}): ExecutionRecord {
  const timestamp = overrides.timestamp ?? T0;
  return {
    id,
    runId: `run_${id}`,
    taskId: 'task_a',
    taskName: 'Task A',
    mode: 'agent',
    source: 'api',
    method: 'POST',
    path: '/tasks/task_a/api',
    status: 200,
    phase: 'finished',
    outcome: 'success',
    timestamp,
    startedAt: timestamp + 10,
    finishedAt: timestamp + 110,
    durationMs: 100,
    url: 'https://example.com/',
    taskSnapshot: { id: 'task_a', name: 'Task A', url: 'https://example.com/', actions: [] },
    variables: { q: 'lamp' },
    result: { executionId: id, runId: `run_${id}`, outcome: 'success', success: true, data: null, hasFullResult: false, truncated: false },
    webhook: null,
    parentExecutionId: null,
    attempt: 1,
    idempotencyKey: null,
    idempotencyFingerprint: null,
    stopRequestedAt: null,
    instanceId: 'inst_test',
    heartbeatAt: null,
    eventsTruncated: false,
    ...overrides,
  };
}

/** A queued (or running) record: no outcome, status, result or finish time. */
export function activeRecord(id: string, phase: 'queued' | 'running', overrides: Partial<ExecutionRecord> = {}): ExecutionRecord {
  const timestamp = overrides.timestamp ?? T0;
  return seedRecord(id, {
    phase,
    outcome: null,
    status: null,
    startedAt: phase === 'running' ? timestamp + 10 : null,
    finishedAt: null,
    durationMs: null,
    result: null,
    ...overrides,
  });
}

export function repo(t: TestApp): ExecutionRepository {
  return t.app.get(ExecutionRepository);
}

/** Creates records a few at a time (JSON storage fsyncs every file). */
export async function seedAll(t: TestApp, records: ExecutionRecord[]): Promise<void> {
  const executions = repo(t);
  for (let i = 0; i < records.length; i += 25) await Promise.all(records.slice(i, i + 25).map((r) => executions.create(r)));
}

export async function api(t: TestApp, path: string, init: RequestInit = {}): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${t.url}${path}`, { ...init, headers: { 'x-api-key': t.apiKey, ...(init.headers as Record<string, string>) } });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

/** Asserts an error envelope and returns it. */
export async function expectError(t: TestApp, path: string, status: number, code: string, init: RequestInit = {}): Promise<ErrorBody> {
  const res = await api(t, path, init);
  expect({ status: res.status, error: (res.body as ErrorBody).error }).toEqual({ status, error: code });
  expect(typeof (res.body as ErrorBody).message).toBe('string');
  return res.body as ErrorBody;
}

/** Sort order of the list: timestamp desc, then id desc. */
export function listOrder(a: { timestamp: number; id: string }, b: { timestamp: number; id: string }): number {
  if (a.timestamp !== b.timestamp) return b.timestamp - a.timestamp;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}
