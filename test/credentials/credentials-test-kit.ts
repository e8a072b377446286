import { randomBytes } from 'node:crypto';
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

export interface CredentialBody {
  id: string;
  name: string;
  provider: string;
  config: { baseUrl: string; token: string };
  createdAt: number;
  updatedAt: number;
}

export interface ApiResult<T> {
  status: number;
  body: T;
  text: string;
}

/** Calls the app with the API key and keeps every response text (to check for leaked tokens). */
export class ApiClient {
  readonly responses: string[] = [];

  constructor(private readonly t: TestApp) {}

  async call<T = unknown>(method: string, p: string, body?: unknown): Promise<ApiResult<T>> {
    const headers: Record<string, string> = { 'x-api-key': this.t.apiKey };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.t.url}${p}`, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    const text = await res.text();
    this.responses.push(text);
    return { status: res.status, body: (text === '' ? undefined : JSON.parse(text)) as T, text };
  }

  create(body: unknown) {
    return this.call<CredentialBody>('POST', '/api/credentials', body);
  }

  update(id: string, body: unknown) {
    return this.call<CredentialBody>('PUT', `/api/credentials/${encodeURIComponent(id)}`, body);
  }
}

/** With API_KEY given the harness does not wait for storage; poll readiness (PostgreSQL connects in the background). */
export async function waitUntilReady(t: TestApp, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await fetch(`${t.url}/api/health/ready`)).status !== 200) {
    if (Date.now() > deadline) throw new Error('app did not become ready');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A database token (not JWT shaped), unique per call. */
export function makeDbToken(): string {
  return `dbtok${randomBytes(16).toString('hex')}`;
}

/** A JWT-shaped token (three base64url segments, first starting `eyJ`), unique per call. */
export function makeJwt(): string {
  const seg = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${seg({ alg: 'HS256', typ: 'JWT' })}.${seg({ user_id: 1, nonce: randomBytes(8).toString('hex') })}.${randomBytes(32).toString('base64url')}`;
}

export const redacted = (token: string) => (token.length < 12 ? '••••' : `••••${token.slice(-4)}`);

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

/** The stored credential rows as text (PostgreSQL provider), to check nothing is stored in plaintext. */
export async function postgresCredentialRows(t: TestApp): Promise<string> {
  const client = new pg.Client({ connectionString: t.config.postgres.url });
  await client.connect();
  try {
    const res = await client.query<{ row: string }>('SELECT row_to_json(c)::text AS row FROM credentials c');
    return res.rows.map((r) => r.row).join('\n');
  } finally {
    await client.end();
  }
}

/** Asserts that no token appears in responses, files under the data dir, logs or stored rows, and that nothing answered 500. */
export async function expectNoPlaintext(t: TestApp, api: ApiClient, tokens: string[]): Promise<void> {
  const stored = t.storage === 'postgres' ? await postgresCredentialRows(t) : '';
  for (const token of tokens) {
    expect({ token, responses: api.responses.filter((r) => r.includes(token)).length }).toEqual({ token, responses: 0 });
    expect({ token, files: filesContaining(t.dataDir, token) }).toEqual({ token, files: [] });
    expect({ token, logs: t.logs.filter((l) => l.includes(token)).length }).toEqual({ token, logs: 0 });
    expect({ token, stored: stored.includes(token) }).toEqual({ token, stored: false });
  }
  // No request ended in a 500 (the filter logs those at error level).
  expect(t.logs.filter((l) => l.includes('"unhandled error"') || l.includes('"status":500'))).toEqual([]);
}
