import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import pg from 'pg';
import type { TestApp } from '../../support/app-harness.js';

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
}

export interface ErrorBody {
  error: string;
  message: string;
  details?: unknown;
}

/** JSON client for a test app; remembers every response text so tests can scan them for secrets. */
export class SettingsClient {
  readonly responses: string[] = [];

  constructor(private readonly t: TestApp) {}

  async req<T = unknown>(method: string, p: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const init: RequestInit = { method, headers: { 'x-api-key': this.t.apiKey, ...headers } };
    if (body !== undefined) {
      init.headers = { ...init.headers, 'content-type': 'application/json' };
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const res = await fetch(`${this.t.url}${p}`, init);
    const text = await res.text();
    this.responses.push(text);
    return { status: res.status, body: (text === '' ? undefined : JSON.parse(text)) as T };
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

/** Every file in the data directory plus, for PostgreSQL, the proxies and settings tables, as text. */
export async function storedText(t: TestApp): Promise<string> {
  const parts = filesUnder(t.dataDir).map((f) => readFileSync(f).toString('utf8'));
  if (t.storage === 'postgres') {
    const client = new pg.Client({ connectionString: t.config.postgres.url });
    await client.connect();
    try {
      for (const table of ['proxies', 'settings']) {
        const { rows } = await client.query(`SELECT row_to_json(x)::text AS row FROM ${table} x`);
        parts.push(...rows.map((r: { row: string }) => r.row));
      }
    } finally {
      await client.end();
    }
  }
  return parts.join('\n');
}
