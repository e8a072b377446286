import {
  ExecutionRepository,
  UniqueConflictError,
  type ExecutionFilter,
  type ExecutionPatch,
  type ExecutionRecord,
  type ExecutionSummary,
  type JsonValue,
  type Phase,
  type StoredEvent,
} from '../ports/index.js';
import { buildListQuery } from './execution-list-query.js';
import { RECORD_SELECT, patchToSet, recordToInsert, rowToRecord, rowToSummary, type ExecutionRow } from './execution-row.js';
import { toJsonb } from './jsonb.js';
import { uniqueViolation } from './pg-errors.js';
import type { PgLogger, PgSession, PostgresConnection } from './postgres-connection.js';

const ACTIVE_PHASES: Phase[] = ['queued', 'running'];

/** Which unique field a constraint (see the initial migration) protects. */
const CONFLICT_FIELDS: Record<string, UniqueConflictError['field']> = {
  executions_pkey: 'id',
  executions_run_id_key: 'runId',
  executions_idempotency_key_key: 'idempotencyKey',
};

export class PgExecutionRepository extends ExecutionRepository {
  constructor(
    private readonly db: PostgresConnection,
    /** MAX_EXECUTIONS: finished executions beyond the newest this many are pruned on finish. */
    private readonly maxExecutions: number,
    private readonly logger: PgLogger,
  ) {
    super();
  }

  async create(record: ExecutionRecord): Promise<void> {
    const { columns, values } = recordToInsert(record);
    const placeholders = values.map((_, i) => `$${i + 1}`).join(', ');
    await this.db.run(async (s) => {
      try {
        await s.query(`INSERT INTO executions (${columns.join(', ')}) VALUES (${placeholders})`, values);
      } catch (err) {
        const violation = uniqueViolation(err);
        const field = violation ? CONFLICT_FIELDS[violation.constraint] : undefined;
        if (!field) throw err;
        throw new UniqueConflictError(field, await this.existingIdFor(s, field, record));
      }
    });
  }

  async get(id: string): Promise<ExecutionRecord | null> {
    return this.findOne('id', id);
  }

  async findByRunId(runId: string): Promise<ExecutionRecord | null> {
    return this.findOne('run_id', runId);
  }

  async findByIdempotencyKey(key: string): Promise<ExecutionRecord | null> {
    return this.findOne('idempotency_key', key);
  }

  async list(filter: ExecutionFilter, limit: number): Promise<ExecutionSummary[]> {
    const { sql, params } = buildListQuery(filter, limit);
    const { rows } = await this.db.run((s) => s.query<ExecutionRow>(sql, params));
    return rows.map(rowToSummary);
  }

  async update(id: string, patch: ExecutionPatch, expectPhase?: Phase[]): Promise<ExecutionRecord | null> {
    const { sets, values } = patchToSet(patch, 2);
    const params: unknown[] = [id, ...values];
    let guard = '';
    if (expectPhase !== undefined) {
      params.push(expectPhase);
      guard = ` AND phase = ANY($${params.length}::text[])`;
    }
    // With nothing to set, still run the guarded statement so the caller learns whether it matched.
    const setSql = sets.length > 0 ? sets.join(', ') : 'id = id';
    const { rows } = await this.db.run((s) =>
      s.query<ExecutionRow>(`UPDATE executions SET ${setSql} WHERE id = $1${guard} RETURNING ${RECORD_SELECT}`, params),
    );
    if (rows.length === 0) return null;
    const updated = rowToRecord(rows[0]);
    if (patch.phase === 'finished') await this.pruneAfterFinish();
    return updated;
  }

  async appendEvents(id: string, events: StoredEvent[]): Promise<void> {
    if (events.length === 0) return;
    // One statement whatever the history size; a repeated seq (a retried append) is ignored.
    await this.db.run((s) =>
      s.query(
        `INSERT INTO execution_events (execution_id, seq, payload)
         SELECT $1, (e ->> 'seq')::int, e FROM jsonb_array_elements($2::jsonb) AS e
         WHERE EXISTS (SELECT 1 FROM executions WHERE id = $1)
         ON CONFLICT (execution_id, seq) DO NOTHING`,
        [id, toJsonb(events)],
      ),
    );
  }

  async listEvents(id: string, afterSeq = 0): Promise<StoredEvent[]> {
    const { rows } = await this.db.run((s) =>
      s.query<{ payload: StoredEvent }>(
        'SELECT payload FROM execution_events WHERE execution_id = $1 AND seq > $2 ORDER BY seq',
        [id, afterSeq],
      ),
    );
    return rows.map((r) => r.payload);
  }

  async saveFullResult(id: string, result: JsonValue): Promise<void> {
    await this.db.run((s) =>
      s.query(
        `INSERT INTO execution_results (execution_id, result)
         SELECT $1, $2::jsonb WHERE EXISTS (SELECT 1 FROM executions WHERE id = $1)
         ON CONFLICT (execution_id) DO UPDATE SET result = EXCLUDED.result`,
        [id, toJsonb(result)],
      ),
    );
  }

  async getFullResult(id: string): Promise<JsonValue | null> {
    const { rows } = await this.db.run((s) =>
      s.query<{ result: JsonValue }>('SELECT result FROM execution_results WHERE execution_id = $1', [id]),
    );
    return rows.length > 0 ? rows[0].result : null;
  }

  async delete(id: string): Promise<boolean> {
    // Events and the full result go with it (ON DELETE CASCADE).
    const { rowCount } = await this.db.run((s) => s.query('DELETE FROM executions WHERE id = $1', [id]));
    return rowCount > 0;
  }

  async deleteFinished(): Promise<number> {
    const { rowCount } = await this.db.run((s) => s.query(`DELETE FROM executions WHERE phase = 'finished'`));
    return rowCount;
  }

  async listActive(): Promise<ExecutionRecord[]> {
    const { rows } = await this.db.run((s) =>
      s.query<ExecutionRow>(
        `SELECT ${RECORD_SELECT} FROM executions WHERE phase = ANY($1::text[]) ORDER BY timestamp ASC, id ASC`,
        [ACTIVE_PHASES],
      ),
    );
    return rows.map(rowToRecord);
  }

  async listPendingWebhooks(): Promise<ExecutionRecord[]> {
    const { rows } = await this.db.run((s) =>
      s.query<ExecutionRow>(
        `SELECT ${RECORD_SELECT} FROM executions WHERE webhook_state IN ('pending', 'delivering') ORDER BY timestamp ASC, id ASC`,
      ),
    );
    return rows.map(rowToRecord);
  }

  async countByPhase(): Promise<{ queued: number; running: number }> {
    const { rows } = await this.db.run((s) =>
      s.query<{ phase: Phase; n: number }>(
        'SELECT phase, count(*) AS n FROM executions WHERE phase = ANY($1::text[]) GROUP BY phase',
        [ACTIVE_PHASES],
      ),
    );
    const counts = { queued: 0, running: 0 };
    for (const row of rows) if (row.phase === 'queued' || row.phase === 'running') counts[row.phase] = row.n;
    return counts;
  }

  async prune(keep: number): Promise<number> {
    const { rowCount } = await this.db.run((s) =>
      s.query(
        `DELETE FROM executions WHERE id IN (
           SELECT id FROM executions WHERE phase = 'finished' ORDER BY timestamp DESC, id DESC OFFSET $1)`,
        [Math.max(0, Math.floor(keep))],
      ),
    );
    return rowCount;
  }

  private async findOne(column: 'id' | 'run_id' | 'idempotency_key', value: string): Promise<ExecutionRecord | null> {
    const { rows } = await this.db.run((s) =>
      s.query<ExecutionRow>(`SELECT ${RECORD_SELECT} FROM executions WHERE ${column} = $1`, [value]),
    );
    return rows.length > 0 ? rowToRecord(rows[0]) : null;
  }

  private async existingIdFor(s: PgSession, field: UniqueConflictError['field'], record: ExecutionRecord): Promise<string | null> {
    if (field === 'id') return record.id;
    const column = field === 'runId' ? 'run_id' : 'idempotency_key';
    const value = field === 'runId' ? record.runId : record.idempotencyKey;
    const { rows } = await s.query<{ id: string }>(`SELECT id FROM executions WHERE ${column} = $1`, [value]);
    return rows.length > 0 ? rows[0].id : null;
  }

  /** Retention (API §5.1). The update already happened, so a failure here is only logged. */
  private async pruneAfterFinish(): Promise<void> {
    try {
      await this.prune(this.maxExecutions);
    } catch (err) {
      this.logger.warn(`Pruning finished executions failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
