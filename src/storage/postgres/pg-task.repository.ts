import {
  MAX_VERSIONS_PER_TASK,
  TaskRepository,
  type TaskDocument,
  type TaskSummary,
  type TaskVersion,
  type TaskVersionMeta,
} from '../ports/index.js';
import { toJsonb } from './jsonb.js';
import type { PgSession, PostgresConnection } from './postgres-connection.js';

interface VersionMetaRow {
  id: string;
  task_id: string;
  timestamp: number;
  reason: TaskVersion['reason'];
  name: string;
  mode: string;
}

const ORDER = 'ORDER BY updated_at DESC, id DESC';

function toMeta(row: VersionMetaRow): TaskVersionMeta {
  return { id: row.id, taskId: row.task_id, timestamp: row.timestamp, reason: row.reason, name: row.name, mode: row.mode };
}

export class PgTaskRepository extends TaskRepository {
  constructor(private readonly db: PostgresConnection) {
    super();
  }

  async list(): Promise<TaskDocument[]> {
    const { rows } = await this.db.run((s) => s.query<{ body: TaskDocument }>(`SELECT body FROM tasks ${ORDER}`));
    return rows.map((r) => r.body);
  }

  async listSummaries(): Promise<TaskSummary[]> {
    const { rows } = await this.db.run((s) =>
      s.query<{ id: string; name: string; description: string | null }>(
        `SELECT id, name, CASE WHEN jsonb_typeof(body -> 'description') = 'string' THEN body ->> 'description' END AS description
         FROM tasks ${ORDER}`,
      ),
    );
    return rows.map((r) => (r.description === null ? { id: r.id, name: r.name } : { id: r.id, name: r.name, description: r.description }));
  }

  async get(id: string): Promise<TaskDocument | null> {
    const { rows } = await this.db.run((s) => s.query<{ body: TaskDocument }>('SELECT body FROM tasks WHERE id = $1', [id]));
    return rows.length > 0 ? rows[0].body : null;
  }

  async save(task: TaskDocument, version?: TaskVersion): Promise<void> {
    if (!version) {
      await this.db.run((s) => this.upsert(s, task));
      return;
    }
    await this.db.transaction(async (s) => {
      await this.upsert(s, task);
      await s.query(
        `INSERT INTO task_versions (id, task_id, timestamp, reason, name, mode, snapshot) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)`,
        [version.id, version.taskId, version.timestamp, version.reason, version.snapshot.name, snapshotMode(version), toJsonb(version.snapshot)],
      );
      await s.query(
        `DELETE FROM task_versions WHERE id IN (
           SELECT id FROM task_versions WHERE task_id = $1 ORDER BY timestamp DESC, id DESC OFFSET $2)`,
        [version.taskId, MAX_VERSIONS_PER_TASK],
      );
    });
  }

  async delete(id: string): Promise<boolean> {
    // Versions go with it (ON DELETE CASCADE).
    const { rowCount } = await this.db.run((s) => s.query('DELETE FROM tasks WHERE id = $1', [id]));
    return rowCount > 0;
  }

  async listVersions(taskId: string): Promise<TaskVersionMeta[]> {
    const { rows } = await this.db.run((s) =>
      s.query<VersionMetaRow>(
        'SELECT id, task_id, timestamp, reason, name, mode FROM task_versions WHERE task_id = $1 ORDER BY timestamp DESC, id DESC',
        [taskId],
      ),
    );
    return rows.map(toMeta);
  }

  async getVersion(taskId: string, versionId: string): Promise<TaskVersion | null> {
    const { rows } = await this.db.run((s) =>
      s.query<VersionMetaRow & { snapshot: TaskDocument }>(
        'SELECT id, task_id, timestamp, reason, snapshot FROM task_versions WHERE task_id = $1 AND id = $2',
        [taskId, versionId],
      ),
    );
    if (rows.length === 0) return null;
    const row = rows[0];
    return { id: row.id, taskId: row.task_id, timestamp: row.timestamp, reason: row.reason, snapshot: row.snapshot };
  }

  async deleteVersion(taskId: string, versionId: string): Promise<boolean> {
    const { rowCount } = await this.db.run((s) =>
      s.query('DELETE FROM task_versions WHERE task_id = $1 AND id = $2', [taskId, versionId]),
    );
    return rowCount > 0;
  }

  async clearVersions(taskId: string): Promise<void> {
    await this.db.run((s) => s.query('DELETE FROM task_versions WHERE task_id = $1', [taskId]));
  }

  private async upsert(s: PgSession, task: TaskDocument): Promise<void> {
    await s.query(
      `INSERT INTO tasks (id, name, created_at, updated_at, body) VALUES ($1, $2, $3, $4, $5::jsonb)
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, created_at = EXCLUDED.created_at,
         updated_at = EXCLUDED.updated_at, body = EXCLUDED.body`,
      [task.id, task.name, task.createdAt, task.updatedAt, toJsonb(task)],
    );
  }
}

/** RUNNER §2.1: `mode` defaults to "agent". */
function snapshotMode(version: TaskVersion): string {
  const mode = version.snapshot.mode;
  return typeof mode === 'string' ? mode : 'agent';
}
