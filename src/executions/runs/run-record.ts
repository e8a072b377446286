/**
 * The execution record a run starts with (API §5.1, RUNNER §3.1), and the run options kept on it
 * for the lifecycle (`runSpec`: internal, never part of a response; both providers store unknown
 * record fields verbatim).
 */
import type { ExecutionRecord, ExecutionSource, JsonObject, RunMode } from '../../storage/ports/index.js';

export interface RunSpec {
  webhookUrl: string | null;
  /** Per-run override of the task's flag; null = the task's own value. */
  statelessExecution: boolean | null;
  /** Input names whose values are secret (stored encrypted in `variables`). */
  secretNames: string[];
}

export type RunRecord = ExecutionRecord & { runSpec?: RunSpec };

export function runSpecOf(record: ExecutionRecord): RunSpec {
  const spec = (record as RunRecord).runSpec;
  return {
    webhookUrl: typeof spec?.webhookUrl === 'string' ? spec.webhookUrl : null,
    statelessExecution: typeof spec?.statelessExecution === 'boolean' ? spec.statelessExecution : null,
    secretNames: Array.isArray(spec?.secretNames) ? spec.secretNames.filter((n): n is string => typeof n === 'string') : [],
  };
}

export interface NewRunRecord {
  id: string;
  runId: string;
  taskId: string | null;
  taskName: string | null;
  mode: RunMode;
  source: ExecutionSource;
  method: string;
  path: string;
  /** 202 for async admissions, else null until finished. */
  status: number | null;
  timestamp: number;
  /** Templated start URL with secrets masked; null when the run starts on about:blank. */
  url: string | null;
  /** The task that will run, secret values encrypted. */
  taskSnapshot: JsonObject;
  /** Runtime inputs, secret values encrypted. */
  variables: JsonObject;
  parentExecutionId: string | null;
  idempotencyKey: string | null;
  idempotencyFingerprint: string | null;
  runSpec: RunSpec;
}

export function newRunRecord(r: NewRunRecord): RunRecord {
  return {
    id: r.id,
    runId: r.runId,
    taskId: r.taskId,
    taskName: r.taskName,
    mode: r.mode,
    source: r.source,
    method: r.method,
    path: r.path,
    status: r.status,
    phase: 'queued',
    outcome: null,
    timestamp: r.timestamp,
    startedAt: null,
    finishedAt: null,
    durationMs: null,
    url: r.url,
    taskSnapshot: r.taskSnapshot,
    variables: r.variables,
    result: null,
    webhook: null,
    parentExecutionId: r.parentExecutionId,
    attempt: 1,
    idempotencyKey: r.idempotencyKey,
    idempotencyFingerprint: r.idempotencyFingerprint,
    stopRequestedAt: null,
    instanceId: null,
    heartbeatAt: null,
    eventsTruncated: false,
    runSpec: r.runSpec,
  };
}
