import { Column, Entity, ForeignKey, Index, PrimaryColumn, Unique } from 'typeorm';
import type { ExecutionSource, JsonObject, JsonValue, Outcome, Phase, RunMode, StoredEvent } from '../../ports/index.js';
import { bigintTransformer } from '../bigint.transformer.js';

/**
 * Every Summary field (API §5.1) is a column, so filters and sorting use indexes; the rest of the
 * record (snapshot, variables, compact result, webhook, bookkeeping) lives in `record`.
 * `webhook_state` copies `record.webhook.state` so pending webhooks are found through an index.
 */
@Entity('executions')
@Unique('executions_run_id_key', ['runId'])
@Index('executions_idempotency_key_key', ['idempotencyKey'], { unique: true, where: 'idempotency_key IS NOT NULL' })
@Index('executions_timestamp_idx', ['timestamp', 'id'])
@Index('executions_task_id_timestamp_idx', ['taskId', 'timestamp', 'id'])
@Index('executions_outcome_timestamp_idx', ['outcome', 'timestamp', 'id'])
@Index('executions_phase_timestamp_idx', ['phase', 'timestamp', 'id'])
@Index('executions_webhook_pending_idx', ['timestamp', 'id'], { where: "webhook_state IN ('pending', 'delivering')" })
export class ExecutionEntity {
  @PrimaryColumn({ type: 'text', collation: 'C', primaryKeyConstraintName: 'executions_pkey' })
  id: string;

  @Column({ name: 'run_id', type: 'text' })
  runId: string;

  @Column({ name: 'idempotency_key', type: 'text', nullable: true })
  idempotencyKey: string | null;

  @Column({ name: 'task_id', type: 'text', nullable: true })
  taskId: string | null;

  @Column({ name: 'task_name', type: 'text', nullable: true })
  taskName: string | null;

  @Column({ type: 'text' })
  mode: RunMode;

  @Column({ type: 'text' })
  source: ExecutionSource;

  @Column({ type: 'text' })
  method: string;

  @Column({ type: 'text' })
  path: string;

  @Column({ type: 'integer', nullable: true })
  status: number | null;

  @Column({ type: 'text' })
  phase: Phase;

  @Column({ type: 'text', nullable: true })
  outcome: Outcome | null;

  @Column({ type: 'bigint', transformer: bigintTransformer })
  timestamp: number;

  @Column({ name: 'started_at', type: 'bigint', nullable: true, transformer: bigintTransformer })
  startedAt: number | null;

  @Column({ name: 'finished_at', type: 'bigint', nullable: true, transformer: bigintTransformer })
  finishedAt: number | null;

  @Column({ name: 'duration_ms', type: 'bigint', nullable: true, transformer: bigintTransformer })
  durationMs: number | null;

  @Column({ type: 'text', nullable: true })
  url: string | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Column({ name: 'error_code', type: 'text', nullable: true })
  errorCode: string | null;

  @Column({ type: 'jsonb' })
  record: JsonObject;

  /** Copy of `record.webhook.state`, written with the record. */
  @Column({ name: 'webhook_state', type: 'text', nullable: true })
  webhookState: string | null;
}

/** The stored event log; `payload` is the whole event object, seq included. */
@Entity('execution_events')
export class ExecutionEventEntity {
  @PrimaryColumn({ name: 'execution_id', type: 'text', collation: 'C', primaryKeyConstraintName: 'execution_events_pkey' })
  @ForeignKey(() => ExecutionEntity, { name: 'execution_events_execution_id_fkey', onDelete: 'CASCADE' })
  executionId: string;

  @PrimaryColumn({ type: 'integer', primaryKeyConstraintName: 'execution_events_pkey' })
  seq: number;

  @Column({ type: 'jsonb' })
  payload: StoredEvent;
}

/** The full result copy (API §4.7), kept out of the executions table. */
@Entity('execution_results')
export class ExecutionResultEntity {
  @PrimaryColumn({ name: 'execution_id', type: 'text', collation: 'C', primaryKeyConstraintName: 'execution_results_pkey' })
  @ForeignKey(() => ExecutionEntity, { name: 'execution_results_execution_id_fkey', onDelete: 'CASCADE' })
  executionId: string;

  @Column({ type: 'jsonb' })
  result: JsonValue;
}
