import type { PostgresConfig } from '../../config/config.schema.js';
import { PgCredentialRepository } from './pg-credential.repository.js';
import { PgExecutionRepository } from './pg-execution.repository.js';
import { PgProxyRepository } from './pg-proxy.repository.js';
import { PgSettingsRepository } from './pg-settings.repository.js';
import { PgTaskRepository } from './pg-task.repository.js';
import { PostgresConnection, type PgLogger } from './postgres-connection.js';
import { PostgresStorageStatus } from './postgres-storage-status.js';

export interface PostgresStorageOptions {
  maxExecutions: number;
  logger?: PgLogger;
  retryIntervalMs?: number;
}

/** The whole PostgreSQL provider, wired without Nest (the Nest providers and tests use it). */
export class PostgresStorage {
  readonly connection: PostgresConnection;
  readonly tasks: PgTaskRepository;
  readonly executions: PgExecutionRepository;
  readonly settings: PgSettingsRepository;
  readonly proxies: PgProxyRepository;
  readonly credentials: PgCredentialRepository;
  readonly status: PostgresStorageStatus;

  constructor(config: PostgresConfig, options: PostgresStorageOptions) {
    this.connection = new PostgresConnection(config, options.logger, options.retryIntervalMs);
    const logger = this.connection.logger;
    this.tasks = new PgTaskRepository(this.connection);
    this.executions = new PgExecutionRepository(this.connection, options.maxExecutions, logger);
    this.settings = new PgSettingsRepository(this.connection);
    this.proxies = new PgProxyRepository(this.connection);
    this.credentials = new PgCredentialRepository(this.connection);
    this.status = new PostgresStorageStatus(this.connection);
  }

  /** Starts connecting in the background; never waits for the database. */
  start(): this {
    this.connection.start();
    return this;
  }

  close(): Promise<void> {
    return this.connection.close();
  }

  /** Nest calls this on app.close(). */
  async onModuleDestroy(): Promise<void> {
    await this.close();
  }
}
