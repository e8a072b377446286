// The PostgreSQL provider boots without the database, keeps retrying, and follows the database
// going away and coming back, without being recreated (DECISIONS #2).
import { StorageUnavailableError } from '../../src/common/errors.js';
import { PostgresStorage } from '../../src/storage/postgres/postgres-storage.js';
import { EmbeddedPostgresServer, postgresConfigFor, type PgConnectionInfo } from '../support/postgres.js';
import { taskDoc } from './repository-contract.js';
import { openPostgres, recordingLogger, within } from './postgres-test-storage.js';

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => new Error('expected the call to fail'),
    (err: unknown) => err,
  );
}

/** Every kind of repository call (single query, transaction, TypeORM repository API). */
function sampleCalls(storage: PostgresStorage): Promise<unknown>[] {
  return [
    storage.tasks.list(),
    storage.tasks.save(taskDoc('task_x')),
    storage.executions.list({}, 10),
    storage.executions.countByPhase(),
    storage.settings.get('userAgent'),
    storage.settings.update('counter', () => 1),
    storage.proxies.list(),
    storage.credentials.get('cred_1'),
  ];
}

async function expectAllUnavailable(storage: PostgresStorage): Promise<void> {
  const errors = await Promise.all(sampleCalls(storage).map(failure));
  for (const err of errors) {
    expect(err).toBeInstanceOf(StorageUnavailableError);
    expect((err as StorageUnavailableError).code).toBe('STORAGE_UNAVAILABLE');
  }
}

async function eventually(ms: number, what: string, check: () => Promise<boolean> | boolean): Promise<number> {
  const start = Date.now();
  for (;;) {
    if (await check()) return Date.now() - start;
    if (Date.now() - start > ms) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const probeRejects = (storage: PostgresStorage) => storage.status.probe().then(() => false, () => true);
const probeResolves = (storage: PostgresStorage) => storage.status.probe().then(() => true, () => false);

describe('PostgreSQL availability', () => {
  let server: EmbeddedPostgresServer | undefined;
  let info: PgConnectionInfo;
  let storage: PostgresStorage | undefined;
  const logger = recordingLogger();

  beforeAll(async () => {
    server = await EmbeddedPostgresServer.start();
    info = await server.createDatabase('availability');
    await server.stop();
  });

  afterAll(async () => {
    await storage?.close();
    await server?.destroy();
  });

  it('boots while the database is down: calls throw StorageUnavailableError, probe rejects', async () => {
    storage = new PostgresStorage(postgresConfigFor(info), { maxExecutions: 100, logger }).start();
    expect(storage.status.kind).toBe('postgres');
    expect(storage.status.isAvailable()).toBe(false);
    await expectAllUnavailable(storage);
    const probeError = await failure(storage.status.probe());
    expect(probeError).toBeInstanceOf(StorageUnavailableError);
    expect((probeError as Error).message).toBe('Database unreachable');

    let ready = false;
    void storage.status.whenReady().then(() => (ready = true));
    // Several retries happen (every second), but the state change is logged once.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(ready).toBe(false);
    const downLines = logger.lines.filter((l) => l.includes('unavailable'));
    expect(downLines).toHaveLength(1);
    expect(downLines[0]).toMatch(/^warn PostgreSQL at 127\.0\.0\.1:\d+\/availability_\w+ is unavailable \(connection refused\)/);
  });

  it('connects and migrates within a few seconds once the database starts', async () => {
    await server!.resume();
    await within(5000, 'whenReady after start', storage!.status.whenReady());
    expect(storage!.status.isAvailable()).toBe(true);
    await expect(storage!.status.probe()).resolves.toBeUndefined();

    const migrations = await storage!.connection.run((s) => s.query<{ name: string }>('SELECT name FROM migrations'));
    expect(migrations.rows.map((r) => r.name)).toEqual(['InitialSchema1733300000000']);
    await storage!.tasks.save(taskDoc('task_1'));
    expect((await storage!.tasks.list()).map((t) => t.id)).toEqual(['task_1']);
    expect(logger.lines.some((l) => /^log PostgreSQL connected at .*; 1 migration\(s\) applied$/.test(l))).toBe(true);
  });

  it('notices the database stopping within 5 s: probe rejects and every call throws StorageUnavailableError', async () => {
    await storage!.tasks.list(); // a pooled connection exists when the server goes away
    await server!.stop();
    const took = await eventually(5000, 'probe rejects after stop', () => probeRejects(storage!));
    expect(took).toBeLessThan(5000);
    expect(storage!.status.isAvailable()).toBe(false);
    await expectAllUnavailable(storage!);
  });

  it('recovers without being recreated once the database is back', async () => {
    await server!.resume();
    await eventually(5000, 'available again', () => storage!.status.isAvailable());
    await eventually(5000, 'probe resolves', () => probeResolves(storage!));
    expect((await storage!.tasks.list()).map((t) => t.id)).toEqual(['task_1']);
    await expect(storage!.settings.update('counter', () => 2)).resolves.toBe(2);
    expect(logger.lines.filter((l) => l.includes('lost'))).toHaveLength(1);
    expect(logger.lines.filter((l) => l.includes('restored'))).toHaveLength(1);
  });

  it('survives a second outage the same way', async () => {
    await server!.stop();
    await eventually(5000, 'probe rejects after second stop', () => probeRejects(storage!));
    await expectAllUnavailable(storage!);
    await server!.resume();
    await eventually(5000, 'available after second start', () => storage!.status.isAvailable());
    expect(await storage!.settings.get('counter')).toBe(2);
  });

  it('a connection held between queries when the database stops fails that call, not the process', async () => {
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const call = storage!.connection.transaction(async (s) => {
      await s.query('SELECT 1');
      entered();
      await gate; // checked out, no query running: the termination notice arrives as a client 'error' event
      return s.query('SELECT 1');
    });
    await inside;
    await server!.stop();
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    await expect(failure(call)).resolves.toBeInstanceOf(StorageUnavailableError);
    await server!.resume();
    await eventually(5000, 'available after the third start', () => storage!.status.isAvailable());
    expect(await storage!.settings.get('counter')).toBe(2);
  });

  it('never logs credentials', () => {
    expect(logger.lines.length).toBeGreaterThan(0);
    for (const line of logger.lines) {
      expect(line).not.toContain(info.password);
      expect(line).not.toContain(`${info.user}@`);
    }
  });

  it('a provider opened while the database is up is ready at once', async () => {
    const other = await openPostgres(postgresConfigFor(info));
    try {
      expect(other.status.isAvailable()).toBe(true);
      expect((await other.tasks.list()).map((t) => t.id)).toEqual(['task_1']);
    } finally {
      await other.close();
    }
    await expect(failure(other.tasks.list())).resolves.toBeInstanceOf(StorageUnavailableError);
  });
});
