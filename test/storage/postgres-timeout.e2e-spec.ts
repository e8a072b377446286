// A database that stops answering (network partition, black-holed host) is noticed through the
// connect and probe timeouts (2 s), and calls fail fast with StorageUnavailableError.
import { StorageUnavailableError } from '../../src/common/errors.js';
import { PostgresStorage } from '../../src/storage/postgres/postgres-storage.js';
import { createTestDatabase, postgresConfigFor, type TestDatabase } from '../support/postgres.js';
import { FreezableTcpProxy } from '../support/tcp-proxy.js';
import { openPostgres, recordingLogger, within } from './postgres-test-storage.js';

describe('PostgreSQL behind an unresponsive network', () => {
  let db: TestDatabase | undefined;
  let proxy: FreezableTcpProxy | undefined;
  const opened: PostgresStorage[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('timeout');
    proxy = await FreezableTcpProxy.start(db.info.host, db.info.port);
  });

  afterAll(async () => {
    await Promise.allSettled(opened.map((s) => s.close()));
    await proxy?.close();
    await db?.cleanup();
  });

  const viaProxy = () => postgresConfigFor({ ...db!.info, port: proxy!.port });

  it('boots against a host that never answers; connects once it does', async () => {
    proxy!.freeze();
    const logger = recordingLogger();
    const storage = new PostgresStorage(viaProxy(), { maxExecutions: 100, logger }).start();
    opened.push(storage);
    const started = Date.now();
    await expect(storage.tasks.list()).rejects.toBeInstanceOf(StorageUnavailableError);
    await expect(storage.status.probe()).rejects.toBeInstanceOf(StorageUnavailableError);
    expect(Date.now() - started).toBeLessThan(500);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(logger.lines.filter((l) => l.startsWith('warn'))).toEqual([expect.stringMatching(/is unavailable \(timed out\)/)]);
    proxy!.thaw();
    await within(8000, 'ready after thaw', storage.status.whenReady());
    expect(await storage.tasks.list()).toEqual([]);
  });

  it('a partition after connect: probe rejects within ~2 s, calls then fail fast, and it recovers', async () => {
    const storage = await openPostgres(viaProxy());
    opened.push(storage);
    await storage.tasks.list();
    proxy!.freeze();

    const started = Date.now();
    await expect(storage.status.probe()).rejects.toThrow('Database unreachable');
    expect(Date.now() - started).toBeLessThan(3000);
    expect(storage.status.isAvailable()).toBe(false);
    const callStarted = Date.now();
    await expect(storage.executions.list({}, 10)).rejects.toBeInstanceOf(StorageUnavailableError);
    await expect(storage.settings.update('k', () => 1)).rejects.toBeInstanceOf(StorageUnavailableError);
    expect(Date.now() - callStarted).toBeLessThan(200);

    proxy!.thaw();
    const deadline = Date.now() + 8000;
    while (!storage.status.isAvailable() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(storage.status.isAvailable()).toBe(true);
    // No connection from before the partition is handed out again: this works first time.
    expect(await storage.settings.update('k', () => 2)).toBe(2);
    expect(await storage.tasks.list()).toEqual([]);
  });
});
