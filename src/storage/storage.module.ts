import { DynamicModule, Global, Module } from '@nestjs/common';
import type { AppConfig } from '../config/config.schema.js';
import { jsonStorageProviders } from './json/json-storage.providers.js';
import { postgresStorageProviders } from './postgres/postgres-storage.providers.js';
import {
  CredentialRepository,
  ExecutionRepository,
  ProxyRepository,
  SettingsRepository,
  StorageStatus,
  TaskRepository,
} from './ports/index.js';

const PORTS = [TaskRepository, ExecutionRepository, SettingsRepository, ProxyRepository, CredentialRepository, StorageStatus];

/**
 * Selects the storage provider from config. Both providers supply every port in ./ports,
 * and pass the same contract tests (test/storage/).
 */
@Global()
@Module({})
export class StorageModule {
  static forRoot(config: AppConfig): DynamicModule {
    const providers = config.storage === 'postgres' ? postgresStorageProviders(config) : jsonStorageProviders(config);
    return { module: StorageModule, providers, exports: PORTS };
  }
}
