import { Injectable } from '@nestjs/common';
import { BaserowClient, BaserowPushError, type BaserowRow } from '../../../credentials/baserow/baserow-client.js';
import { isPlainObject } from '../../../common/plain-object.js';
import type { OutputConfig } from '../../../tasks/model/task.types.js';
import { OutputPushError, type OutputCredential, type OutputProvider, type OutputPushHooks } from '../output-provider.js';

/**
 * Baserow rows (RUNNER §14, API §8): a plain object is one row, an array of plain objects goes
 * in batches of 200; an empty array pushes nothing; any other shape is OUTPUT_INVALID_DATA.
 */
@Injectable()
export class BaserowOutputProvider implements OutputProvider {
  readonly name = 'baserow';

  constructor(private readonly client: BaserowClient) {}

  async push(data: unknown, output: OutputConfig, credential: OutputCredential, signal: AbortSignal, hooks: OutputPushHooks = {}): Promise<{ rowsWritten: number }> {
    const rows = rowsOf(data);
    if (Array.isArray(rows) && rows.length === 0) return { rowsWritten: 0 };
    try {
      return await this.client.pushRows(credential, output.tableId, rows, {
        signal,
        onRetry: (r) => hooks.notice?.(`Baserow push: ${r.cause === 'unreachable' ? 'connection failed' : `HTTP ${r.cause}`}; retry ${r.retry} in ${r.delayMs / 1000} s`),
      });
    } catch (err) {
      if (signal.aborted) throw err;
      if (err instanceof BaserowPushError) {
        const code = err.code === 'PRIVATE_NETWORK_BLOCKED' ? 'PRIVATE_NETWORK_BLOCKED' : 'UPSTREAM_ERROR';
        throw new OutputPushError(code, err.message, err.rowsWritten, upstreamStatusOf(err.details));
      }
      throw err;
    }
  }
}

function rowsOf(data: unknown): BaserowRow | BaserowRow[] {
  if (isPlainObject(data)) return data;
  if (Array.isArray(data)) {
    const bad = data.findIndex((item) => !isPlainObject(item));
    if (bad < 0) return data as BaserowRow[];
    throw new OutputPushError('OUTPUT_INVALID_DATA', `Baserow output needs an object or an array of objects; item ${bad} of data is ${describe(data[bad])}`);
  }
  throw new OutputPushError('OUTPUT_INVALID_DATA', `Baserow output needs an object or an array of objects; data is ${describe(data)}`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function upstreamStatusOf(details: unknown): number | null | undefined {
  if (!isPlainObject(details) || !('upstreamStatus' in details)) return undefined;
  const status = details.upstreamStatus;
  return typeof status === 'number' || status === null ? status : undefined;
}
