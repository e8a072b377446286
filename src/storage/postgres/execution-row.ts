import type { ExecutionPatch, ExecutionRecord, ExecutionSummary, JsonObject, JsonValue } from '../ports/index.js';
import { toJsonb } from './jsonb.js';

/** A row of `executions` as pg returns it (int8 already parsed to numbers by the pool). */
export interface ExecutionRow {
  id: string;
  run_id: string;
  idempotency_key: string | null;
  task_id: string | null;
  task_name: string | null;
  mode: ExecutionSummary['mode'];
  source: ExecutionSummary['source'];
  method: string;
  path: string;
  status: number | null;
  phase: ExecutionSummary['phase'];
  outcome: ExecutionSummary['outcome'];
  timestamp: number;
  started_at: number | null;
  finished_at: number | null;
  duration_ms: number | null;
  url: string | null;
  error: string | null;
  error_code: string | null;
  record: JsonObject;
  webhook_state: string | null;
}

/** Record fields stored as columns (everything else goes to the `record` jsonb column). */
const COLUMNS = {
  id: 'id',
  runId: 'run_id',
  idempotencyKey: 'idempotency_key',
  taskId: 'task_id',
  taskName: 'task_name',
  mode: 'mode',
  source: 'source',
  method: 'method',
  path: 'path',
  status: 'status',
  phase: 'phase',
  outcome: 'outcome',
  timestamp: 'timestamp',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
  durationMs: 'duration_ms',
  url: 'url',
  error: 'error',
  errorCode: 'error_code',
} as const satisfies Partial<Record<keyof ExecutionRecord, keyof ExecutionRow>>;

type ColumnField = keyof typeof COLUMNS;

/** Optional fields: a patch that sets them to undefined removes them. */
const CLEARABLE = new Set<string>(['error', 'errorCode']);

/** Column lists for SELECT / RETURNING: summaries (list) and full records. */
export const SUMMARY_SELECT = Object.values(COLUMNS).join(', ');
export const RECORD_SELECT = `${SUMMARY_SELECT}, record`;

function isColumnField(key: string): key is ColumnField {
  return Object.hasOwn(COLUMNS, key);
}

export function rowToSummary(row: ExecutionRow): ExecutionSummary {
  const summary: ExecutionSummary = {
    id: row.id,
    runId: row.run_id,
    taskId: row.task_id,
    taskName: row.task_name,
    mode: row.mode,
    source: row.source,
    method: row.method,
    path: row.path,
    status: row.status,
    phase: row.phase,
    outcome: row.outcome,
    timestamp: row.timestamp,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    durationMs: row.duration_ms,
    url: row.url,
  };
  if (row.error !== null) summary.error = row.error;
  if (row.error_code !== null) summary.errorCode = row.error_code;
  return summary;
}

export function rowToRecord(row: ExecutionRow): ExecutionRecord {
  return { ...rowToSummary(row), ...(row.record as unknown as ExecutionRecord), idempotencyKey: row.idempotency_key };
}

/** Splits a record into column values (in COLUMNS order) and the jsonb remainder. */
export function recordToInsert(record: ExecutionRecord): { columns: string[]; values: unknown[] } {
  const rest: Record<string, unknown> = {};
  const columnValues = new Map<ColumnField, unknown>();
  for (const [key, value] of Object.entries(record)) {
    if (isColumnField(key)) columnValues.set(key, value ?? null);
    else if (value !== undefined) rest[key] = value;
  }
  const columns: string[] = [];
  const values: unknown[] = [];
  for (const field of Object.keys(COLUMNS) as ColumnField[]) {
    columns.push(COLUMNS[field]);
    values.push(columnValues.get(field) ?? null);
  }
  columns.push('record', 'webhook_state');
  values.push(toJsonb(rest as JsonObject), record.webhook?.state ?? null);
  return { columns, values };
}

/**
 * SET clauses for a patch, with parameters numbered from `firstParam`. Column fields are set
 * directly; other fields are merged into `record` (top-level keys replaced). Undefined values
 * are ignored, except for the optional `error`/`errorCode`, which they clear.
 */
export function patchToSet(patch: ExecutionPatch, firstParam: number): { sets: string[]; values: unknown[] } {
  const sets: string[] = [];
  const values: unknown[] = [];
  const rest: Record<string, JsonValue> = {};
  const param = (value: unknown) => {
    values.push(value);
    return `$${firstParam + values.length - 1}`;
  };
  for (const [key, value] of Object.entries(patch) as [string, unknown][]) {
    if (key === 'id') continue;
    if (value === undefined && !CLEARABLE.has(key)) continue;
    if (isColumnField(key)) sets.push(`${COLUMNS[key]} = ${param(value ?? null)}`);
    else rest[key] = value as JsonValue;
  }
  if (Object.keys(rest).length > 0) sets.push(`record = record || ${param(toJsonb(rest))}::jsonb`);
  if (patch.webhook !== undefined) sets.push(`webhook_state = ${param(patch.webhook?.state ?? null)}`);
  return { sets, values };
}
