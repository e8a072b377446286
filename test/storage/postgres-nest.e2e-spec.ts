// postgresStorageProviders(): every port is injectable, the module boots at once even when
// PostgreSQL is unreachable, and app.close() releases the pool.
import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { StorageUnavailableError } from '../../src/common/errors.js';
import { loadConfig } from '../../src/config/config.schema.js';
import {
  CredentialRepository,
  ExecutionRepository,
  ProxyRepository,
  SettingsRepository,
  StorageStatus,
  TaskRepository,
} from '../../src/storage/ports/index.js';
import { postgresStorageProviders } from '../../src/storage/postgres/postgres-storage.providers.js';
import { PgCredentialRepository } from '../../src/storage/postgres/pg-credential.repository.js';
import { PgExecutionRepository } from '../../src/storage/postgres/pg-execution.repository.js';
import { PgProxyRepository } from '../../src/storage/postgres/pg-proxy.repository.js';
import { PgSettingsRepository } from '../../src/storage/postgres/pg-settings.repository.js';
import { PgTaskRepository } from '../../src/storage/postgres/pg-task.repository.js';
import { createTestDatabase, freePort, postgresEnvFor, type PgConnectionInfo, type TestDatabase } from '../support/postgres.js';
import { within } from './postgres-test-storage.js';

async function moduleFor(info: PgConnectionInfo) {
  const config = loadConfig({ ...postgresEnvFor(info), MAX_EXECUTIONS: '10' });
  const moduleRef = await Test.createTestingModule({ providers: postgresStorageProviders(config) }).compile();
  moduleRef.useLogger(false);
  await moduleRef.init();
  return moduleRef;
}

describe('postgresStorageProviders', () => {
  let db: TestDatabase | undefined;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    db = await createTestDatabase('nest');
  });

  afterAll(async () => {
    await db?.cleanup();
  });

  it('boots at once with PostgreSQL unreachable and answers StorageUnavailableError', async () => {
    const port = await freePort(); // nothing listens there
    const started = Date.now();
    const moduleRef = await moduleFor({ host: '127.0.0.1', port, user: 'postgres', password: 'x', database: 'none' });
    expect(Date.now() - started).toBeLessThan(1000);
    const status = moduleRef.get(StorageStatus);
    expect(status.kind).toBe('postgres');
    expect(status.isAvailable()).toBe(false);
    await expect(moduleRef.get(TaskRepository).list()).rejects.toBeInstanceOf(StorageUnavailableError);
    await expect(status.probe()).rejects.toThrow('Database unreachable');
    await within(5000, 'close while retrying', moduleRef.close());
  });

  it('provides every port from one connection; app.close() releases it', async () => {
    const moduleRef = await moduleFor(db!.info);
    const status = moduleRef.get(StorageStatus);
    await within(10_000, 'ready', status.whenReady());
    expect(moduleRef.get(TaskRepository)).toBeInstanceOf(PgTaskRepository);
    expect(moduleRef.get(ExecutionRepository)).toBeInstanceOf(PgExecutionRepository);
    expect(moduleRef.get(SettingsRepository)).toBeInstanceOf(PgSettingsRepository);
    expect(moduleRef.get(ProxyRepository)).toBeInstanceOf(PgProxyRepository);
    expect(moduleRef.get(CredentialRepository)).toBeInstanceOf(PgCredentialRepository);
    const settings = moduleRef.get(SettingsRepository);
    await settings.set('userAgent', 'UA');
    expect(await settings.get('userAgent')).toBe('UA');
    await moduleRef.close();
    expect(status.isAvailable()).toBe(false);
    await expect(settings.get('userAgent')).rejects.toBeInstanceOf(StorageUnavailableError);
  });
});
