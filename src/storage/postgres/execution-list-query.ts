import type { ExecutionFilter } from '../ports/index.js';
import { SUMMARY_SELECT } from './execution-row.js';

export interface SqlQuery {
  sql: string;
  params: unknown[];
}

/**
 * The executions list as one keyset-paginated query, ordered (timestamp DESC, id DESC) so the
 * (…, timestamp DESC, id DESC) indexes serve it without sorting. A single outcome is an
 * equality (ordered index scan on the outcome index); several use `= ANY`.
 */
export function buildListQuery(filter: ExecutionFilter, limit: number): SqlQuery {
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (filter.status !== undefined) where.push(`status = ${param(filter.status)}`);
  if (filter.outcome !== undefined) {
    if (filter.outcome.length === 1) where.push(`outcome = ${param(filter.outcome[0])}`);
    else where.push(`outcome = ANY(${param(filter.outcome)}::text[])`);
  }
  if (filter.phase !== undefined) where.push(`phase = ${param(filter.phase)}`);
  if (filter.taskId !== undefined) where.push(`task_id = ${param(filter.taskId)}`);
  if (filter.runId !== undefined) where.push(`run_id = ${param(filter.runId)}`);
  if (filter.source !== undefined) where.push(`source = ${param(filter.source)}`);
  if (filter.before !== undefined) where.push(`timestamp < ${param(filter.before)}`);
  if (filter.after !== undefined) where.push(`(timestamp, id) < (${param(filter.after.timestamp)}, ${param(filter.after.id)})`);
  const whereSql = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  const sql = `SELECT ${SUMMARY_SELECT} FROM executions ${whereSql} ORDER BY timestamp DESC, id DESC LIMIT ${param(Math.max(0, Math.floor(limit)))}`;
  return { sql, params };
}
