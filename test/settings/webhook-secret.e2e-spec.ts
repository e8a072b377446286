import { afterAll, describe, expect, it } from '@jest/globals';
import { StorageStatus } from '../../src/storage/ports/index.js';
import { WebhookSecretService } from '../../src/settings/webhook-secret/webhook-secret.service.js';
import { startTestApp, type TestApp } from '../support/app-harness.js';
import { STORAGE_PROVIDERS } from '../support/storage-matrix.js';
import { connectionUrl, createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { makeTempDir } from '../support/temp-dir.js';
import { SettingsClient, storedText } from './support/settings-client.js';

describe.each(STORAGE_PROVIDERS)('webhook secret, %s storage (API §7.3)', (storage) => {
  const dir = makeTempDir();
  const apps: TestApp[] = [];
  let database: TestDatabase | null = null;
  afterAll(async () => {
    for (const app of apps) await app.close();
    await database?.cleanup();
    dir.cleanup();
  });

  it('generates a secret once, stores it encrypted, and keeps it across a restart', async () => {
    // This test owns its storage (one data dir, one database) so a second app can reopen it.
    database = storage === 'postgres' ? await createTestDatabase('webhook') : null;
    const env: Record<string, string> = database ? { DB_TYPE: 'postgres', DATABASE_URL: connectionUrl(database.info) } : {};
    const first = await startTestApp({ storage, dataDir: dir.dir, env });
    apps.push(first);
    const api = new SettingsClient(first);
    const res = await api.req<{ secret: string; source: string }>('GET', '/api/settings/webhook-secret');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ secret: expect.stringMatching(/^[0-9a-f]{64}$/), source: 'generated' });
    const { secret } = res.body;
    expect((await api.req('GET', '/api/settings/webhook-secret')).body).toEqual({ secret, source: 'generated' });
    expect(await first.app.get(WebhookSecretService).getSecret()).toBe(secret);
    const stored = await storedText(first);
    expect(stored).toContain('webhookSecret');
    expect(stored).not.toContain(secret);
    expect(first.logs.some((l) => l.includes(secret))).toBe(false);

    await first.close({ keepData: true });
    apps.pop();
    const second = await startTestApp({ storage, dataDir: dir.dir, env });
    apps.push(second);
    // The harness returns before PostgreSQL is connected when the key file already exists.
    await second.app.get(StorageStatus).whenReady();
    expect((await new SettingsClient(second).req('GET', '/api/settings/webhook-secret')).body).toEqual({ secret, source: 'generated' });
  });

  it('reports WEBHOOK_SECRET from the environment', async () => {
    const t = await startTestApp({ storage, env: { WEBHOOK_SECRET: 'env-webhook-secret-0123456789' } });
    apps.push(t);
    expect(await new SettingsClient(t).req('GET', '/api/settings/webhook-secret')).toEqual({
      status: 200,
      body: { secret: 'env-webhook-secret-0123456789', source: 'env' },
    });
    expect(await storedText(t)).not.toContain('webhookSecret');
  });

  it('requires the API key', async () => {
    const t = apps[apps.length - 1];
    const res = await fetch(`${t.url}/api/settings/webhook-secret`);
    expect(res.status).toBe(401);
  });
});
