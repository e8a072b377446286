import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/app-harness.js';
import { connectionUrl, EmbeddedPostgresServer } from '../support/postgres.js';

interface HealthBody {
  status: string;
  storage: string;
  storage_error?: string;
}

async function poll<T>(fn: () => Promise<T>, done: (v: T) => boolean, timeoutMs: number): Promise<{ value: T; ms: number }> {
  const start = Date.now();
  for (;;) {
    const value = await fn();
    if (done(value)) return { value, ms: Date.now() - start };
    if (Date.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms (last: ${JSON.stringify(value)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('PostgreSQL availability over HTTP (DECISIONS #2, API §2)', () => {
  let pg: EmbeddedPostgresServer;
  let t: TestApp;
  const health = async () => {
    const res = await fetch(`${t.url}/api/health`);
    return { status: res.status, body: (await res.json()) as HealthBody };
  };
  const storageRoute = async () => {
    const res = await fetch(`${t.url}/api/settings/api-key`, { headers: { 'x-api-key': t.apiKey } });
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as { error?: string } };
  };

  beforeAll(async () => {
    pg = await EmbeddedPostgresServer.start();
    const db = await pg.createDatabase('availability');
    t = await startTestApp({ env: { DB_TYPE: 'postgres', DATABASE_URL: connectionUrl(db) } });
  });
  afterAll(async () => {
    await t?.close();
    await pg?.destroy();
  });

  it('reports postgres storage when the database is up', async () => {
    const h = await health();
    expect(h.status).toBe(200);
    expect(h.body).toMatchObject({ status: 'ok', storage: 'postgres' });
    expect(h.body).not.toHaveProperty('storage_error');
    expect((await storageRoute()).status).toBe(200);
  });

  it('turns degraded within 5 s when the database stops, answers 503 STORAGE_UNAVAILABLE, and recovers without a restart', async () => {
    await pg.stop();
    const down = await poll(health, (h) => h.status === 503, 5000);
    expect(down.ms).toBeLessThan(5000);
    expect(down.value.body).toMatchObject({ status: 'degraded', storage: 'postgres', storage_error: expect.any(String) });
    expect(down.value.body.storage_error).not.toMatch(/password|127\.0\.0\.1|postgres:\/\//i);
    const route = await poll(storageRoute, (r) => r.status === 503, 5000);
    expect(route.value.body.error).toBe('STORAGE_UNAVAILABLE');
    expect(route.value.retryAfter).toBe('5');
    // Health and liveness stay public and answer while the database is down.
    expect((await fetch(`${t.url}/api/health/live`)).status).toBe(200);
    expect((await fetch(`${t.url}/api/health/ready`)).status).toBe(503);

    await pg.resume();
    const up = await poll(health, (h) => h.status === 200, 15_000);
    expect(up.value.body).toMatchObject({ status: 'ok', storage: 'postgres' });
    await poll(storageRoute, (r) => r.status === 200, 10_000);
  });
});

describe('PostgreSQL unreachable at boot', () => {
  let pg: EmbeddedPostgresServer;
  let t: TestApp;

  afterAll(async () => {
    await t?.close();
    await pg?.destroy();
  });

  it('boots anyway (no JSON fallback), reports degraded, then recovers and generates the key once the database comes up', async () => {
    pg = await EmbeddedPostgresServer.start();
    const db = await pg.createDatabase('late');
    await pg.stop();
    const started = startTestApp({ env: { DB_TYPE: 'postgres', DATABASE_URL: connectionUrl(db) } });
    // The key file only appears after the database is reachable: start it while the app waits.
    await new Promise((r) => setTimeout(r, 1500));
    await pg.resume();
    t = await started;
    const res = await poll(
      async () => (await fetch(`${t.url}/api/health`)).status,
      (s) => s === 200,
      15_000,
    );
    expect(res.value).toBe(200);
    const route = await fetch(`${t.url}/api/settings/api-key`, { headers: { 'x-api-key': t.apiKey } });
    expect(route.status).toBe(200);
  });

  it('answers 503 degraded on health while the database has never been reachable', async () => {
    const dead = await EmbeddedPostgresServer.start();
    const db = await dead.createDatabase('never');
    await dead.destroy();
    const app = await startTestApp({ env: { DB_TYPE: 'postgres', DATABASE_URL: connectionUrl(db), API_KEY: 'a-fixed-test-key-0123456789' }, awaitRecovery: false });
    try {
      const res = await fetch(`${app.url}/api/health`);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ status: 'degraded', storage: 'postgres', storage_error: expect.any(String) });
      const route = await fetch(`${app.url}/api/settings/api-key`, { headers: { 'x-api-key': 'a-fixed-test-key-0123456789' } });
      expect(route.status).toBe(503);
      expect(((await route.json()) as { error: string }).error).toBe('STORAGE_UNAVAILABLE');
    } finally {
      await app.close();
    }
  });
});
