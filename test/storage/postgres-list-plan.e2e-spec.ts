// The executions list query is served by the (…, timestamp DESC, id DESC) indexes: no sort,
// no sequential scan, on a table big enough for the planner to care.
import type { ExecutionFilter } from '../../src/storage/ports/index.js';
import { buildListQuery } from '../../src/storage/postgres/execution-list-query.js';
import type { PostgresStorage } from '../../src/storage/postgres/postgres-storage.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { executionRecord } from './repository-contract.js';
import { openPostgres } from './postgres-test-storage.js';

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

const ROWS = 20_000;
const T0 = 1_700_000_000_000;

describe('executions list query plan', () => {
  let db: TestDatabase | undefined;
  let storage: PostgresStorage | undefined;

  beforeAll(async () => {
    db = await createTestDatabase('list_plan');
    storage = await openPostgres(db.config);
    // One real record through the repository, the rest cloned in SQL (fast, same shape). Per 100
    // executions: 1 queued, 1 running, 90 success, 4 error, 2 stopped, 1 crashed, 1 anti_bot;
    // 100 tasks. (For a frequent value such as `success` the planner rightly walks the timestamp
    // index and filters: it meets `limit` matches almost at once.)
    await storage.executions.create(executionRecord('exec_seed'));
    await storage.connection.run(async (s) => {
      await s.query(
        `INSERT INTO executions (id, run_id, idempotency_key, task_id, task_name, mode, source, method, path, status, phase,
                                 outcome, timestamp, started_at, finished_at, duration_ms, url, error, error_code, record, webhook_state)
         SELECT 'exec_' || lpad(i::text, 8, '0'), 'run_' || i, NULL, 'task_' || (i % 100), 'Task', mode, source, method, path,
                200, CASE WHEN i % 100 = 0 THEN 'queued' WHEN i % 100 = 1 THEN 'running' ELSE 'finished' END,
                CASE WHEN i % 100 < 2 THEN NULL WHEN i % 100 < 92 THEN 'success' WHEN i % 100 < 96 THEN 'error'
                     WHEN i % 100 < 98 THEN 'stopped' WHEN i % 100 = 98 THEN 'crashed' ELSE 'anti_bot' END,
                $1::bigint + i * 1000, NULL, NULL, NULL, url, NULL, NULL, record, NULL
         FROM executions, generate_series(1, $2::int) AS i WHERE id = 'exec_seed'`,
        [T0, ROWS],
      );
      await s.query('ANALYZE executions');
    });
  });

  afterAll(async () => {
    await storage?.close();
    await db?.cleanup();
  });

  async function plan(filter: ExecutionFilter, limit = 50): Promise<PlanNode[]> {
    const { sql, params } = buildListQuery(filter, limit);
    const { rows } = await storage!.connection.run((s) => s.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (FORMAT JSON) ${sql}`, params));
    return nodes(rows[0]['QUERY PLAN'][0].Plan);
  }

  const after = { timestamp: T0 + 15_000 * 1000, id: 'exec_00015000' };

  it.each([
    ['no filter', 'executions_timestamp_idx', {}],
    ['no filter, with cursor', 'executions_timestamp_idx', { after }],
    ['taskId', 'executions_task_id_timestamp_idx', { taskId: 'task_7' }],
    ['taskId, with cursor', 'executions_task_id_timestamp_idx', { taskId: 'task_7', after }],
    ['outcome', 'executions_outcome_timestamp_idx', { outcome: ['crashed'] }],
    ['outcome, with cursor', 'executions_outcome_timestamp_idx', { outcome: ['crashed'], after }],
    ['phase', 'executions_phase_timestamp_idx', { phase: 'queued' }],
    ['phase, with cursor', 'executions_phase_timestamp_idx', { phase: 'running', after }],
  ] as [string, string, ExecutionFilter][])('%s: index scan on %s', async (_name, index, filter) => {
    const all = await plan(filter);
    const scans = all.filter((n) => n['Node Type'] === 'Index Scan');
    expect(scans.map((n) => n['Index Name'])).toContain(index);
    expect(all.map((n) => n['Node Type'])).not.toContain('Seq Scan');
    expect(all.map((n) => n['Node Type'])).not.toContain('Sort');
  });

  it('returns the right rows for those queries', async () => {
    const page = await storage!.executions.list({ taskId: 'task_7', after }, 3);
    expect(page.map((e) => e.id)).toEqual(['exec_00014907', 'exec_00014807', 'exec_00014707']);
    const crashed = await storage!.executions.list({ outcome: ['crashed'] }, 2);
    expect(crashed.map((e) => [e.id, e.outcome])).toEqual([
      ['exec_00019998', 'crashed'],
      ['exec_00019898', 'crashed'],
    ]);
  });
});
