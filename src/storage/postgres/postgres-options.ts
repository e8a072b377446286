import pg from 'pg';
import type { DataSourceOptions } from 'typeorm';
import type { PostgresConfig } from '../../config/config.schema.js';
import { POSTGRES_ENTITIES } from './entities/index.js';
import { POSTGRES_MIGRATIONS } from './migrations/index.js';

/** Connect attempts give up after this long, so a dead or black-holed server is noticed fast. */
export const CONNECT_TIMEOUT_MS = 2000;
/**
 * Client-side limit per query at runtime: a connection that stops answering is dropped, not
 * reused. Not applied to migrations, which may legitimately run long.
 */
export const QUERY_TIMEOUT_MS = 30_000;
export const POOL_SIZE = 10;
export const MIGRATIONS_TABLE = 'migrations';

const INT8_OID = 20;

/** int8 (bigint, count(*)) as JS numbers, for this pool only (pg's global defaults stay untouched). */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary' ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

export interface ConnectionPurpose {
  /** Migrations: no client-side query timeout. */
  migrations?: boolean;
  onPoolError?: (err: Error) => void;
}

/** pg pool options shared by the TypeORM pool and the probe pool. */
export function poolOptions(config: PostgresConfig, purpose: ConnectionPurpose = {}): pg.PoolConfig {
  const target: pg.PoolConfig = config.url
    ? { connectionString: config.url }
    : { host: config.host, port: config.port, user: config.user, password: config.password, database: config.database };
  return {
    ...target,
    ...(config.ssl ? { ssl: true } : {}),
    application_name: 'figranium',
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    ...(purpose.migrations ? {} : { query_timeout: QUERY_TIMEOUT_MS }),
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    // Short, so connections left hanging by a network partition are gone once it ends (calls
    // fail fast while the database is down, so idle connections are not reused meanwhile).
    idleTimeoutMillis: 10_000,
    types,
    // pg-pool listens for errors only while a client is idle, and TypeORM only while a query
    // runner holds it: a server shutdown notice arriving in between (e.g. while a client is being
    // removed) would otherwise be an unhandled 'error' event and crash the process.
    onConnect: (client: pg.ClientBase) => {
      client.on('error', (err: Error) => purpose.onPoolError?.(err));
    },
  };
}

/**
 * TypeORM options for the runtime provider and the migration CLI (ormconfig.ts). Entities and
 * migrations are imported classes, never globs. `synchronize` is never on; migrations run at
 * connect time under an advisory lock (see postgres-connection.ts) or through the CLI.
 */
export function dataSourceOptions(config: PostgresConfig, purpose: ConnectionPurpose = {}): DataSourceOptions {
  const { connectionString: _cs, host: _h, port: _p, user: _u, password: _pw, database: _d, ssl: _s, ...extra } = poolOptions(config, purpose);
  return {
    type: 'postgres',
    ...(config.url
      ? { url: config.url }
      : { host: config.host, port: config.port, username: config.user, password: config.password, database: config.database }),
    ...(config.ssl ? { ssl: true } : {}),
    entities: POSTGRES_ENTITIES,
    migrations: POSTGRES_MIGRATIONS,
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsRun: false,
    synchronize: false,
    installExtensions: false,
    logging: false,
    poolSize: POOL_SIZE,
    connectTimeoutMS: CONNECT_TIMEOUT_MS,
    extra,
    ...(purpose.onPoolError ? { poolErrorHandler: purpose.onPoolError } : {}),
  };
}

/** "host:port/database" for log lines: never the user name or password. */
export function describeTarget(config: PostgresConfig): string {
  if (config.url) {
    try {
      const u = new URL(config.url);
      return `${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
    } catch {
      return '(DATABASE_URL)';
    }
  }
  return `${config.host}:${config.port}/${config.database}`;
}
