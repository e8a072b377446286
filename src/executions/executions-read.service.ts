import { Injectable } from '@nestjs/common';
import { DomainError, notFound } from '../common/errors.js';
import { type ExecutionFilter, type ExecutionRecord, ExecutionRepository, type ExecutionSummary, type JsonValue } from '../storage/ports/index.js';
import { decodeCursor, encodeCursor } from './execution-cursor.js';
import { type ExecutionFull, toFull, toSummary } from './execution.view.js';
import { DEFAULT_LIST_LIMIT, type ListExecutionsQuery, MAX_LIST_LIMIT } from './list-executions.query.js';

export interface ExecutionPage {
  executions: ExecutionSummary[];
  nextCursor?: string;
}

const isActive = (r: ExecutionRecord) => r.phase === 'queued' || r.phase === 'running';
/** Ids we generate are `exec_<ULID>`; anything unprintable or huge cannot exist, so it is not looked up. */
const PLAUSIBLE_ID = /^[\x21-\x7e]{1,200}$/;

/** Read side of the executions API (§5.2): list, get, result, delete, clear. */
@Injectable()
export class ExecutionsReadService {
  constructor(private readonly executions: ExecutionRepository) {}

  /** One repository call per page: asks for limit + 1 to learn whether a next page exists. */
  async list(query: ListExecutionsQuery): Promise<ExecutionPage> {
    const limit = Math.min(query.limit ?? DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT);
    const filter: ExecutionFilter = {};
    if (query.status !== undefined) filter.status = query.status;
    if (query.outcome !== undefined) filter.outcome = query.outcome;
    if (query.phase !== undefined) filter.phase = query.phase;
    if (query.taskId !== undefined) filter.taskId = query.taskId;
    if (query.runId !== undefined) filter.runId = query.runId;
    if (query.source !== undefined) filter.source = query.source;
    if (query.before !== undefined) filter.before = query.before;
    if (query.cursor !== undefined) filter.after = decodeCursor(query.cursor);
    const rows = await this.executions.list(filter, limit + 1);
    const page = rows.slice(0, limit);
    const body: ExecutionPage = { executions: page.map(toSummary) };
    if (rows.length > limit) body.nextCursor = encodeCursor(page[page.length - 1]);
    return body;
  }

  async get(id: string): Promise<ExecutionFull> {
    const record = await this.require(id);
    return toFull(record, await this.executions.listEvents(id));
  }

  /** The full copy when one was stored separately, else the record's compact copy (API §4.7). */
  async result(id: string): Promise<JsonValue> {
    const record = await this.require(id);
    if (isActive(record)) {
      throw new DomainError('EXECUTION_NOT_FINISHED', `Execution '${id}' has not finished yet`, { id, phase: record.phase });
    }
    const result = (await this.executions.getFullResult(id)) ?? record.result;
    if (result === null || result === undefined) throw new DomainError('RESULT_NOT_FOUND', `No stored result for execution '${id}'`, { id });
    return result;
  }

  /** Deletes a finished execution with its result and events; captures are kept. */
  async delete(id: string): Promise<void> {
    const record = await this.require(id);
    if (isActive(record)) {
      throw new DomainError('EXECUTION_ACTIVE', `Execution '${id}' is ${record.phase}; stop it or wait until it finishes`, { id, phase: record.phase });
    }
    if (!(await this.executions.delete(id))) throw notFound('EXECUTION_NOT_FOUND', 'execution', id);
  }

  /** Deletes every finished execution; queued and running ones stay. */
  clearFinished(): Promise<number> {
    return this.executions.deleteFinished();
  }

  private async require(id: string): Promise<ExecutionRecord> {
    const record = PLAUSIBLE_ID.test(id) ? await this.executions.get(id) : null;
    if (!record) throw notFound('EXECUTION_NOT_FOUND', 'execution', id);
    return record;
  }
}
