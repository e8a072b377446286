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
import { JsonStorage } from './json-storage.js';

/**
 * Nest providers for the JSON storage. The storage opens inside an async factory, so a lock
 * conflict or a corrupt file fails the module init (and the boot); Nest calls
 * JsonStorage.onApplicationShutdown on app.close(), which releases the lock.
 */
export function jsonStorageProviders(config: AppConfig): Provider[] {
  const fromStorage = <T>(provide: abstract new (...args: never[]) => T, pick: (s: JsonStorage) => T): Provider => ({
    provide,
    useFactory: pick,
    inject: [JsonStorage],
  });
  return [
    { provide: JsonStorage, useFactory: () => JsonStorage.open({ dataDir: config.dataDir, maxExecutions: config.maxExecutions }) },
    fromStorage(TaskRepository, (s) => s.tasks),
    fromStorage(ExecutionRepository, (s) => s.executions),
    fromStorage(SettingsRepository, (s) => s.settings),
    fromStorage(ProxyRepository, (s) => s.proxies),
    fromStorage(CredentialRepository, (s) => s.credentials),
    fromStorage(StorageStatus, (s) => s.status),
  ];
}
