import type { JsonObject, JsonValue } from './json.js';

export type Phase = 'queued' | 'running' | 'finished';
export type Outcome = 'success' | 'error' | 'stopped' | 'crashed' | 'anti_bot';
export type ExecutionSource = 'api' | 'schedule' | 'agent_block' | 'adhoc';
export type RunMode = 'agent' | 'scrape';

export interface WebhookAttempt {
  attempt: number;
  at: number;
  durationMs: number;
  statusCode: number | null;
  ok: boolean;
  error?: string;
}

export interface WebhookState {
  url: string; // as given (the service redacts it for responses)
  deliveryId: string;
  state: 'pending' | 'delivering' | 'delivered' | 'failed';
  attempts: WebhookAttempt[];
  /** When the next attempt is due (ms); internal, not part of the API object. */
  nextAttemptAt?: number | null;
  /** The exact body sent on every attempt (byte-identical across retries); internal. */
  body?: string | null;
}

/** API §5.1 Summary. */
export interface ExecutionSummary {
  id: string;
  runId: string;
  taskId: string | null;
  taskName: string | null;
  mode: RunMode;
  source: ExecutionSource;
  method: string;
  path: string;
  status: number | null;
  phase: Phase;
  outcome: Outcome | null;
  timestamp: number;
  startedAt: number | null;
  finishedAt: number | null;
  durationMs: number | null;
  url: string | null;
  error?: string;
  errorCode?: string;
}

/** API §5.1 Full, minus `events` (stored separately), plus internal bookkeeping fields. */
export interface ExecutionRecord extends ExecutionSummary {
  taskSnapshot: JsonObject;
  variables: JsonObject;
  /** Compact copy of the result (API §4.7), null until finished. */
  result: JsonObject | null;
  webhook: WebhookState | null;
  parentExecutionId: string | null;
  attempt: number;
  idempotencyKey: string | null;
  /** SHA-256 fingerprint of the originating request (API §4.4); internal. */
  idempotencyFingerprint: string | null;
  stopRequestedAt: number | null;
  instanceId: string | null;
  heartbeatAt: number | null;
  eventsTruncated: boolean;
}

/** A stored event (API §5.3): `{seq, ts, event, message, ...extra}`. */
export type StoredEvent = JsonObject & { seq: number; ts: number; event: string; message: string };

export interface ExecutionFilter {
  status?: number;
  outcome?: Outcome[];
  phase?: Phase;
  taskId?: string;
  runId?: string;
  source?: string;
  /** Only executions with timestamp < before. */
  before?: number;
  /** Keyset cursor: only executions strictly after this one in (timestamp desc, id desc) order. */
  after?: { timestamp: number; id: string };
}

export type ExecutionPatch = Partial<Omit<ExecutionRecord, 'id'>>;

/** Thrown by `create` when a unique field is already taken. */
export class UniqueConflictError extends Error {
  constructor(
    readonly field: 'id' | 'runId' | 'idempotencyKey',
    readonly existingId: string | null,
  ) {
    super(`Unique conflict on ${field}`);
    this.name = 'UniqueConflictError';
  }
}

export abstract class ExecutionRepository {
  /** Throws UniqueConflictError when id, runId or a non-null idempotencyKey is taken. */
  abstract create(record: ExecutionRecord): Promise<void>;
  abstract get(id: string): Promise<ExecutionRecord | null>;
  abstract findByRunId(runId: string): Promise<ExecutionRecord | null>;
  abstract findByIdempotencyKey(key: string): Promise<ExecutionRecord | null>;
  /** Sorted timestamp desc, then id desc; at most `limit` items. One round trip, uses indexes. */
  abstract list(filter: ExecutionFilter, limit: number): Promise<ExecutionSummary[]>;
  /**
   * Guarded update: applies `patch` only when the record exists and (if `expectPhase` is given)
   * its phase is one of `expectPhase`. Returns the updated record, or null when nothing changed.
   */
  abstract update(id: string, patch: ExecutionPatch, expectPhase?: Phase[]): Promise<ExecutionRecord | null>;
  /** Appends events (seq increasing). Cost does not grow with history size. */
  abstract appendEvents(id: string, events: StoredEvent[]): Promise<void>;
  /** Events with seq > afterSeq, in seq order. */
  abstract listEvents(id: string, afterSeq?: number): Promise<StoredEvent[]>;
  /** Stores the full result copy (API §4.7) separately from the record. */
  abstract saveFullResult(id: string, result: JsonValue): Promise<void>;
  abstract getFullResult(id: string): Promise<JsonValue | null>;
  /** Deletes record, events and results. */
  abstract delete(id: string): Promise<boolean>;
  /** Deletes every finished execution; returns the count. */
  abstract deleteFinished(): Promise<number>;
  /** Queued and running executions, timestamp ascending. */
  abstract listActive(): Promise<ExecutionRecord[]>;
  /** Executions whose webhook state is pending or delivering. */
  abstract listPendingWebhooks(): Promise<ExecutionRecord[]>;
  abstract countByPhase(): Promise<{ queued: number; running: number }>;
  /** Deletes finished executions beyond the newest `keep` (by timestamp); returns the count. */
  abstract prune(keep: number): Promise<number>;
}

/** Copies exactly the Summary fields of a record (or summary). */
export function pickSummary(r: ExecutionSummary): ExecutionSummary {
  const s: ExecutionSummary = {
    id: r.id,
    runId: r.runId,
    taskId: r.taskId,
    taskName: r.taskName,
    mode: r.mode,
    source: r.source,
    method: r.method,
    path: r.path,
    status: r.status,
    phase: r.phase,
    outcome: r.outcome,
    timestamp: r.timestamp,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    durationMs: r.durationMs,
    url: r.url,
  };
  if (r.error !== undefined) s.error = r.error;
  if (r.errorCode !== undefined) s.errorCode = r.errorCode;
  return s;
}
