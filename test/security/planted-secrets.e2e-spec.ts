import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { startTestApp, type TestApp } from '../support/app-harness.js';
import { startBaserowServer, type BaserowTestServer } from '../support/baserow-server.js';
import { STORAGE_PROVIDERS } from '../support/storage-matrix.js';

/** Every file under a directory, as raw text. */
function readTree(dir: string): Array<{ file: string; text: string }> {
  const out: Array<{ file: string; text: string }> = [];
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    const st = statSync(full);
    if (st.isDirectory()) out.push(...readTree(full));
    else if (st.isFile()) out.push({ file: full, text: readFileSync(full).toString('latin1') + readFileSync(full).toString('utf8') });
  }
  return out;
}

async function dumpDatabase(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
    );
    let dump = '';
    for (const { table_name } of tables.rows) {
      const rows = await client.query(`SELECT row_to_json(t)::text AS j FROM ${client.escapeIdentifier(table_name)} t`);
      dump += rows.rows.map((r: { j: string }) => r.j).join('\n');
    }
    return dump;
  } finally {
    await client.end();
  }
}

/**
 * Issue acceptance: no response, log line or stored plaintext contains a proxy password, a
 * credential token, a secret variable value or the API key.
 */
describe.each(STORAGE_PROVIDERS)('planted secrets never leak (%s storage)', (storage) => {
  const PROXY_PASSWORD = 'proxy-pass-Zq7Kp2Lm9';
  const DB_TOKEN = 'baserow-db-token-Xy8Wv3Rt6Qs1';
  const SECRET_VALUE = 'secret-variable-Hn4Jd7Fg2';
  let t: TestApp;
  let baserow: BaserowTestServer;
  let newKey = '';
  const responses: string[] = [];

  async function call(p: string, init: RequestInit & { json?: unknown } = {}): Promise<{ status: number; body: unknown }> {
    const headers: Record<string, string> = { 'x-api-key': newKey || t.apiKey };
    if (init.json !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${t.url}${p}`, { ...init, headers, body: init.json === undefined ? undefined : JSON.stringify(init.json) });
    const text = await res.text();
    responses.push(`${p} ${res.status} ${JSON.stringify([...res.headers])} ${text}`);
    expect(res.status).toBeLessThan(500);
    const isJson = (res.headers.get('content-type') ?? '').includes('json');
    return { status: res.status, body: text && isJson ? (JSON.parse(text) as unknown) : text };
  }

  beforeAll(async () => {
    baserow = await startBaserowServer({ databaseTokens: [DB_TOKEN] });
    t = await startTestApp({ storage, env: { ALLOW_PRIVATE_NETWORKS: 'true' } });
  });
  afterAll(async () => {
    await t?.close();
    await baserow?.close();
  });

  it('plants the secrets through the API and reads everything back', async () => {
    expect((await call('/api/settings/proxies', { method: 'POST', json: { server: 'http://203.0.113.5:8080', username: 'u1', password: PROXY_PASSWORD } })).status).toBe(200);
    await call('/api/settings/proxies/import', { method: 'POST', json: { proxies: [`http://u2:${PROXY_PASSWORD}@203.0.113.6:3128`] } });
    const cred = await call('/api/credentials', { method: 'POST', json: { name: 'b', provider: 'baserow', config: { baseUrl: baserow.url, token: DB_TOKEN } } });
    expect(cred.status).toBe(201);
    const credId = (cred.body as { id: string }).id;
    const task = await call('/api/tasks', {
      method: 'POST',
      json: { id: 'secret-task', name: 'Secret', url: 'https://example.com/?q={$password}', variables: { password: { type: 'string', value: SECRET_VALUE, secret: true } } },
    });
    expect(task.status).toBe(200);
    await call('/api/tasks/secret-task?version=true', { method: 'POST', json: { id: 'secret-task', name: 'Secret 2', variables: { password: { type: 'string', value: SECRET_VALUE, secret: true } } } });
    await call('/api/tasks/secret-task', { method: 'PATCH', json: { description: 'patched' } });

    // Reads of everything that holds a secret.
    await call('/api/settings/proxies');
    await call('/api/credentials');
    expect((await call(`/api/credentials/${credId}/proxy/baserow/databases`)).status).toBe(200);
    await call('/api/tasks');
    await call('/api/tasks/list');
    await call('/api/tasks/secret-task');
    const versions = (await call('/api/tasks/secret-task/versions')).body as { versions: Array<{ id: string }> };
    for (const v of versions.versions) await call(`/api/tasks/secret-task/versions/${v.id}`);
    await call('/api/settings/api-key');

    // The API key: shown once, in the response that creates it, and nowhere else.
    const res = await fetch(`${t.url}/api/settings/api-key`, {
      method: 'POST',
      headers: { 'x-api-key': t.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ apiKey: 'my-own-api-key-Pt5Gh8Jk3Lm' }),
    });
    expect(res.status).toBe(200);
    newKey = ((await res.json()) as { apiKey: string }).apiKey;
    expect(newKey).toBe('my-own-api-key-Pt5Gh8Jk3Lm');
    await call('/api/settings/api-key');
    await call('/metrics');
  });

  it('finds none of them in responses, logs or stored data', async () => {
    const planted = [PROXY_PASSWORD, DB_TOKEN, SECRET_VALUE, newKey, t.apiKey];
    const leaks = (where: string, text: string) => planted.filter((s) => text.includes(s)).map((s) => `${where}: ${s}`);
    const found: string[] = [];
    for (const r of responses) found.push(...leaks('response', r));
    for (const line of t.logs) found.push(...leaks('log', line));
    for (const { file, text } of readTree(t.dataDir)) {
      // The generated first key is in its 0600 file by design, until a key is set through the API.
      const allowed = path.basename(file) === 'initial-api-key.txt' ? [t.apiKey] : [];
      found.push(...leaks(file, text).filter((l) => !allowed.some((a) => l.endsWith(a))));
    }
    if (storage === 'postgres') found.push(...leaks('database', await dumpDatabase(t.storageEnv.DATABASE_URL)));
    expect(found).toEqual([]);
    // Setting a key through the API removes the initial key file.
    expect(readTree(t.dataDir).some(({ file }) => path.basename(file) === 'initial-api-key.txt')).toBe(false);
  });
});
