import { Injectable } from '@nestjs/common';
import { DomainError } from '../../common/errors.js';
import { GuardedHttpClient, type GuardedResponse } from '../../network/guarded-http.service.js';
import { OutboundRequestError } from '../../network/outbound-request.error.js';
import { BaserowClientOptions } from './baserow-client.options.js';
import { invalidResponseError, outboundFailure, upstreamStatusError } from './baserow-errors.js';
import {
  databasesFromAllTables,
  databasesFromApplications,
  tablesFrom,
  UnexpectedShapeError,
  type BaserowDatabase,
  type BaserowTableRef,
} from './baserow-responses.js';
import { authorizationFor, isJwtShaped, type BaserowConnection } from './baserow-token.js';

export type BaserowRow = Record<string, unknown>;

export interface PushRetryInfo {
  /** 1 for the first retry. */
  retry: number;
  delayMs: number;
  /** `429`, `503` or `unreachable`. */
  cause: string;
}

export interface PushOptions {
  signal?: AbortSignal;
  /** Called before each retry wait (for run logs). */
  onRetry?: (info: PushRetryInfo) => void;
}

/**
 * A row push that failed part-way: the same code, message and details as the underlying error
 * (UPSTREAM_ERROR, PRIVATE_NETWORK_BLOCKED, INVALID_URL) plus the rows already written.
 */
export class BaserowPushError extends DomainError {
  constructor(
    readonly failure: DomainError,
    readonly rowsWritten: number,
  ) {
    super(failure.code, failure.message, failure.details);
    this.name = 'BaserowPushError';
  }
}

const RETRY_STATUSES = new Set([429, 503]);

/**
 * The Baserow calls of API §8. Every request goes through the guarded HTTP client (SSRF check on
 * each hop, pinned DNS, Authorization dropped on cross-origin redirects).
 */
@Injectable()
export class BaserowClient {
  constructor(
    private readonly http: GuardedHttpClient,
    private readonly options: BaserowClientOptions,
  ) {}

  async listDatabases(conn: BaserowConnection, signal?: AbortSignal): Promise<BaserowDatabase[]> {
    if (isJwtShaped(conn.token)) {
      const res = await this.getJson(conn, '/api/applications/', signal);
      return shaped(res, databasesFromApplications);
    }
    const res = await this.getJson(conn, '/api/database/tables/all-tables/', signal);
    return shaped(res, databasesFromAllTables);
  }

  async listTables(conn: BaserowConnection, databaseId: number, signal?: AbortSignal): Promise<BaserowTableRef[]> {
    if (isJwtShaped(conn.token)) {
      const res = await this.getJson(conn, `/api/database/tables/database/${databaseId}/`, signal);
      return shaped(res, (body) => tablesFrom(body));
    }
    const res = await this.getJson(conn, '/api/database/tables/all-tables/', signal);
    return shaped(res, (body) => tablesFrom(body, databaseId));
  }

  /**
   * RUNNER §14: an object goes to the single-row endpoint; an array goes to the batch endpoint
   * in sequential batches, stopping at the first failed batch. An empty array sends nothing.
   * Throws BaserowPushError (with `rowsWritten`), or the caller's abort reason.
   */
  async pushRows(conn: BaserowConnection, tableId: string | number, data: BaserowRow | BaserowRow[], options: PushOptions = {}): Promise<{ rowsWritten: number }> {
    const table = String(tableId);
    if (!/^\d+$/.test(table)) throw new TypeError(`Baserow table id must be digits, got '${table}'`);
    let rowsWritten = 0;
    try {
      if (!Array.isArray(data)) {
        await this.post(conn, `/api/database/rows/table/${table}/?user_field_names=true`, data, options);
        return { rowsWritten: 1 };
      }
      for (let i = 0; i < data.length; i += this.options.batchSize) {
        const items = data.slice(i, i + this.options.batchSize);
        await this.post(conn, `/api/database/rows/table/${table}/batch/?user_field_names=true`, { items }, options);
        rowsWritten += items.length;
      }
      return { rowsWritten };
    } catch (err) {
      if (err instanceof DomainError) throw new BaserowPushError(err, rowsWritten);
      throw err;
    }
  }

  private async getJson(conn: BaserowConnection, path: string, signal?: AbortSignal): Promise<{ status: number; body: unknown }> {
    const timeoutMs = this.options.proxyTimeoutMs;
    let res: GuardedResponse;
    try {
      res = await this.http.request({
        method: 'GET',
        url: conn.baseUrl + path,
        headers: { authorization: authorizationFor(conn.token), accept: 'application/json' },
        timeoutMs,
        maxResponseBytes: this.options.maxResponseBytes,
        signal,
      });
    } catch (err) {
      throw outboundFailure(err, timeoutMs);
    }
    if (res.status < 200 || res.status > 299) throw upstreamStatusError(res.status, res.body);
    try {
      return { status: res.status, body: JSON.parse(res.body.toString('utf8')) as unknown };
    } catch {
      throw invalidResponseError(res.status, 'the body is not JSON');
    }
  }

  /** One push request with the RUNNER §14 retry rule (429, 503, or no connection made). */
  private async post(conn: BaserowConnection, path: string, payload: unknown, options: PushOptions): Promise<void> {
    const timeoutMs = this.options.pushTimeoutMs;
    const body = JSON.stringify(payload);
    const delays = this.options.pushRetryDelaysMs;
    for (let attempt = 0; ; attempt++) {
      let retryCause: string;
      try {
        const res = await this.http.request({
          method: 'POST',
          url: conn.baseUrl + path,
          headers: { authorization: authorizationFor(conn.token), accept: 'application/json', 'content-type': 'application/json' },
          body,
          timeoutMs,
          maxResponseBytes: this.options.maxResponseBytes,
          // A redirected POST must not silently become a GET that "succeeds".
          redirectMode: 'resend',
          signal: options.signal,
        });
        if (res.status >= 200 && res.status <= 299) return;
        if (!RETRY_STATUSES.has(res.status) || attempt >= delays.length) throw upstreamStatusError(res.status, res.body);
        retryCause = String(res.status);
      } catch (err) {
        if (err instanceof DomainError) throw err;
        const retryable = err instanceof OutboundRequestError && err.kind === 'unreachable';
        if (!retryable || attempt >= delays.length) throw outboundFailure(err, timeoutMs);
        retryCause = 'unreachable';
      }
      const delayMs = delays[attempt];
      options.onRetry?.({ retry: attempt + 1, delayMs, cause: retryCause });
      await sleep(delayMs, options.signal);
    }
  }
}

function shaped<T>(res: { status: number; body: unknown }, parse: (body: unknown) => T): T {
  try {
    return parse(res.body);
  } catch (err) {
    if (err instanceof UnexpectedShapeError) throw invalidResponseError(res.status, err.message);
    throw err;
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
