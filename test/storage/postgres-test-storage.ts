import type { PostgresConfig } from '../../src/config/config.schema.js';
import type { PgLogger } from '../../src/storage/postgres/postgres-connection.js';
import { PostgresStorage, type PostgresStorageOptions } from '../../src/storage/postgres/postgres-storage.js';
import type { StorageUnderTest } from './repository-contract.js';

export const ALL_TABLES = ['tasks', 'task_versions', 'executions', 'execution_events', 'execution_results', 'settings', 'proxies', 'credentials'];

export const silentLogger: PgLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** Collects log lines, for tests that assert on state-change logging. */
export function recordingLogger(): PgLogger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    log: (m) => lines.push(`log ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => lines.push(`error ${m}`),
  };
}

export async function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Opens the provider, waits until connected and migrated. */
export async function openPostgres(config: PostgresConfig, options: Partial<PostgresStorageOptions> = {}): Promise<PostgresStorage> {
  const storage = new PostgresStorage(config, { maxExecutions: 5000, logger: silentLogger, ...options }).start();
  try {
    await within(15_000, 'PostgreSQL storage ready', storage.status.whenReady());
  } catch (err) {
    await storage.close();
    throw err;
  }
  return storage;
}

export function underTest(storage: PostgresStorage, config: PostgresConfig, options: Partial<PostgresStorageOptions> = {}): StorageUnderTest & { storage: PostgresStorage } {
  return {
    storage,
    tasks: storage.tasks,
    executions: storage.executions,
    settings: storage.settings,
    proxies: storage.proxies,
    credentials: storage.credentials,
    status: storage.status,
    close: () => storage.close(),
    reopen: async () => {
      await storage.close();
      return underTest(await openPostgres(config, options), config, options);
    },
  };
}

/** An open provider over an emptied database (DELETE is faster than TRUNCATE on tiny tables). */
export async function openEmptyPostgres(config: PostgresConfig, options: Partial<PostgresStorageOptions> = {}): Promise<StorageUnderTest & { storage: PostgresStorage }> {
  const storage = await openPostgres(config, options);
  await storage.connection.run((s) => s.query(ALL_TABLES.map((t) => `DELETE FROM ${t};`).join(' ')));
  return underTest(storage, config, options);
}
