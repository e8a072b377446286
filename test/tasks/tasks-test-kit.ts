import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { expect } from '@jest/globals';
import pg from 'pg';
import type { TestApp } from '../support/app-harness.js';

export interface ErrorBody {
  error: string;
  message: string;
  details?: unknown;
}

export type TaskBody = Record<string, unknown> & {
  id: string;
  name: string;
  createdAt: number;
  updatedAt: number;
  actions: Array<Record<string, unknown> & { id: string; type: string }>;
  variables: Record<string, { type: string; value: unknown; secret?: boolean }>;
};

export interface PatchBody {
  id: string;
  updatedAt: number;
  status: 'updated' | 'unchanged';
  task: TaskBody;
}

export interface VersionItem {
  id: string;
  timestamp: number;
  name: string;
  mode: string;
  reason: string;
}

export interface ApiResult<T> {
  status: number;
  body: T;
  text: string;
}

export const MASK = '••••••••';
export const TASK_ID = /^task_[0-9A-HJKMNP-TV-Z]{26}$/;
export const ACTION_ID = /^act_[0-9A-HJKMNP-TV-Z]{26}$/;
export const VERSION_ID = /^ver_[0-9A-HJKMNP-TV-Z]{26}$/;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const enc = encodeURIComponent;

/** Calls the app with the API key; keeps every response text (to look for leaked secrets). */
export class TaskApi {
  readonly responses: string[] = [];

  constructor(private readonly t: TestApp) {}

  async call<T = unknown>(method: string, p: string, body?: unknown, contentType = 'application/json'): Promise<ApiResult<T>> {
    const headers: Record<string, string> = { 'x-api-key': this.t.apiKey };
    if (body !== undefined) headers['content-type'] = contentType;
    const res = await fetch(`${this.t.url}${p}`, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    const text = await res.text();
    this.responses.push(text);
    return { status: res.status, body: (text === '' ? undefined : JSON.parse(text)) as T, text };
  }

  create(body: unknown, query = '') {
    return this.call<TaskBody>('POST', `/api/tasks${query}`, body);
  }

  /** POST that must succeed. */
  async created(body: unknown, query = ''): Promise<TaskBody> {
    const res = await this.create(body, query);
    expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: expect.anything() });
    return res.body;
  }

  get(id: string) {
    return this.call<TaskBody>('GET', `/api/tasks/${enc(id)}`);
  }

  patch(id: string, body: unknown, contentType = 'application/merge-patch+json') {
    return this.call<PatchBody>('PATCH', `/api/tasks/${enc(id)}`, body, contentType);
  }

  put(id: string, body: unknown) {
    return this.call<TaskBody>('PUT', `/api/tasks/${enc(id)}`, body);
  }

  versions(id: string) {
    return this.call<{ versions: VersionItem[] }>('GET', `/api/tasks/${enc(id)}/versions`);
  }

  rollback(id: string, body: unknown) {
    return this.call<TaskBody>('POST', `/api/tasks/${enc(id)}/rollback`, body);
  }
}

/** The body of a VALIDATION_FAILED answer, for `toEqual`. */
export function validationFailed(fields: string[]): ErrorBody {
  return { error: 'VALIDATION_FAILED', message: expect.any(String) as unknown as string, details: fields.map((field) => ({ field, message: expect.any(String) })) };
}

export function taskNotFound(id: string): ErrorBody {
  return { error: 'TASK_NOT_FOUND', message: expect.any(String) as unknown as string, details: { id } };
}

/** Relative paths of files under `dir` whose bytes contain `needle`. */
export function filesContaining(dir: string, needle: string): string[] {
  const hits: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile() && readFileSync(p).includes(Buffer.from(needle, 'utf8'))) hits.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return hits;
}

/** Every stored task and version row as text (PostgreSQL provider). */
export async function postgresTaskRows(t: TestApp): Promise<string> {
  const client = new pg.Client({ connectionString: t.config.postgres.url });
  await client.connect();
  try {
    const tasks = await client.query<{ row: string }>('SELECT row_to_json(t)::text AS row FROM tasks t');
    const versions = await client.query<{ row: string }>('SELECT row_to_json(v)::text AS row FROM task_versions v');
    return [...tasks.rows, ...versions.rows].map((r) => r.row).join('\n');
  } finally {
    await client.end();
  }
}

/** No request of the suite ended in a 500 (the exception filter logs those). */
export function expectNoServerErrors(t: TestApp): void {
  expect(t.logs.filter((l) => l.includes('"status":500') || l.includes('"unhandled error"'))).toEqual([]);
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
