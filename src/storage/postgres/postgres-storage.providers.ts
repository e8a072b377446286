import type { Provider } from '@nestjs/common';
import type { AppConfig } from '../../config/config.schema.js';
import {
  CredentialRepository,
  ExecutionRepository,
  ProxyRepository,
  SettingsRepository,
  StorageStatus,
  TaskRepository,
} from '../ports/index.js';
import { PostgresStorage } from './postgres-storage.js';

/**
 * Nest providers for every storage port, backed by one PostgresStorage. Construction starts the
 * background connect loop and returns at once: the app boots while PostgreSQL is down (routes
 * answer 503 STORAGE_UNAVAILABLE until it is reachable). The pool closes on app.close().
 */
export function postgresStorageProviders(config: AppConfig): Provider[] {
  return [
    { provide: PostgresStorage, useFactory: () => new PostgresStorage(config.postgres, { maxExecutions: config.maxExecutions }).start() },
    { provide: TaskRepository, useFactory: (s: PostgresStorage) => s.tasks, inject: [PostgresStorage] },
    { provide: ExecutionRepository, useFactory: (s: PostgresStorage) => s.executions, inject: [PostgresStorage] },
    { provide: SettingsRepository, useFactory: (s: PostgresStorage) => s.settings, inject: [PostgresStorage] },
    { provide: ProxyRepository, useFactory: (s: PostgresStorage) => s.proxies, inject: [PostgresStorage] },
    { provide: CredentialRepository, useFactory: (s: PostgresStorage) => s.credentials, inject: [PostgresStorage] },
    { provide: StorageStatus, useFactory: (s: PostgresStorage) => s.status, inject: [PostgresStorage] },
  ];
}
