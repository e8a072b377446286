import { Logger } from '@nestjs/common';
import pg from 'pg';
import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import { StorageUnavailableError } from '../../common/errors.js';
import type { PostgresConfig } from '../../config/config.schema.js';
import { describeConnectionError, isConnectionError, probeReason } from './pg-errors.js';
import { POSTGRES_MIGRATIONS } from './migrations/index.js';
import { MIGRATIONS_TABLE, dataSourceOptions, describeTarget, poolOptions } from './postgres-options.js';

export const RETRY_INTERVAL_MS = 1000;
export const PROBE_TIMEOUT_MS = 2000;
/** pg_advisory_lock key held while migrating, so several instances never migrate at once. */
const MIGRATION_LOCK_KEY = 0x46696772;

export interface PgLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface PgQueryResult<R> {
  rows: R[];
  rowCount: number;
}

/** One pooled connection for the duration of a repository call. */
export interface PgSession {
  readonly manager: EntityManager;
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<PgQueryResult<R>>;
}

function sessionOf(qr: QueryRunner): PgSession {
  return {
    manager: qr.manager,
    async query<R>(sql: string, params: unknown[] = []) {
      const result = await qr.query(sql, params, true);
      return { rows: (result.records ?? []) as R[], rowCount: result.affected ?? 0 };
    },
  };
}

/**
 * Read-only check (TypeORM's showMigrations() would create the migrations table, which races
 * when several instances start at once).
 */
async function hasPendingMigrations(ds: DataSource): Promise<boolean> {
  const [{ present }] = (await ds.query('SELECT to_regclass($1) IS NOT NULL AS present', [MIGRATIONS_TABLE])) as { present: boolean }[];
  if (!present) return true;
  const rows = (await ds.query(`SELECT name FROM ${MIGRATIONS_TABLE}`)) as { name: string }[];
  const applied = new Set(rows.map((r) => r.name));
  return POSTGRES_MIGRATIONS.some((migration) => !applied.has(new migration().name));
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Owns the TypeORM DataSource and the availability state of PostgreSQL.
 *
 * - `start()` returns at once; the first connect (plus migrations) is retried every second in
 *   the background until it succeeds, so the server boots while the database is down.
 * - After that the pool reconnects by itself; availability is tracked from query failures, pool
 *   errors and probes (a separate one-connection pool, so a busy main pool never fails a probe),
 *   and re-probed every second while the database is down.
 * - Every repository call goes through `run`/`transaction`, which turn "database unreachable"
 *   into StorageUnavailableError and drop the pooled connection that failed. While the database
 *   is known to be down, calls fail at once (no connect/query timeout to wait for).
 */
export class PostgresConnection {
  private dataSource: DataSource | null = null;
  private readonly probePool: pg.Pool;
  private available = false;
  private started = false;
  private closed = false;
  private timer: NodeJS.Timeout | null = null;
  private probing: Promise<void> | null = null;
  private connecting: Promise<void> | null = null;
  /** Reason of the last connect/probe failure (short, for probe rejections before ready). */
  private downReason = 'Database unreachable';
  /** Last state logged, so each change is logged once (not every retry). */
  private loggedState = '';
  private readonly ready: Promise<void>;
  private resolveReady: () => void = () => undefined;
  private readonly target: string;

  constructor(
    private readonly config: PostgresConfig,
    readonly logger: PgLogger = new Logger('PostgresStorage'),
    private readonly retryIntervalMs = RETRY_INTERVAL_MS,
  ) {
    this.target = describeTarget(config);
    this.ready = new Promise((resolve) => (this.resolveReady = resolve));
    this.probePool = new pg.Pool({ ...poolOptions(config), max: 1 });
    // Errors of idle probe clients are reported through the next probe.
    this.probePool.on('error', () => undefined);
  }

  /** Starts the background connect loop. Never throws and never waits for the database. */
  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    this.logger.log(`Connecting to PostgreSQL at ${this.target}`);
    this.scheduleConnect(0);
  }

  isAvailable(): boolean {
    return this.available;
  }

  whenReady(): Promise<void> {
    return this.ready;
  }

  /** `SELECT 1` within 2 s; rejects with StorageUnavailableError carrying a short reason. */
  async probe(): Promise<void> {
    if (!this.dataSource) throw new StorageUnavailableError(this.downReason);
    this.probing ??= this.runProbe().finally(() => (this.probing = null));
    await this.probing;
  }

  /** Runs `fn` on one pooled connection. */
  async run<T>(fn: (session: PgSession) => Promise<T>): Promise<T> {
    return this.withRunner((qr) => fn(sessionOf(qr)));
  }

  /** Runs `fn` inside a transaction; rolls back when it throws. */
  async transaction<T>(fn: (session: PgSession) => Promise<T>): Promise<T> {
    return this.withRunner(async (qr) => {
      await qr.startTransaction();
      let result: T;
      try {
        result = await fn(sessionOf(qr));
      } catch (err) {
        // A failed rollback leaves the connection in an unknown state: close it.
        await qr.rollbackTransaction().catch(() => qr.connect().then((c: pg.PoolClient) => c.end()).catch(() => undefined));
        throw err;
      }
      await qr.commitTransaction();
      return result;
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.available = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await Promise.allSettled([this.probing, this.connecting]);
    const ds = this.dataSource;
    this.dataSource = null;
    await Promise.allSettled([ds?.isInitialized ? ds.destroy() : Promise.resolve(), this.probePool.end()]);
  }

  private async withRunner<T>(fn: (qr: QueryRunner) => Promise<T>): Promise<T> {
    const ds = this.dataSource;
    if (!ds) throw new StorageUnavailableError(this.closed ? 'Storage is closed' : this.downReason);
    // Known down: fail fast instead of waiting on connect/query timeouts. The background
    // re-probe (every retry interval) flips this back as soon as the database answers.
    if (!this.available) throw new StorageUnavailableError(this.downReason);
    const qr = ds.createQueryRunner();
    let client: pg.PoolClient | undefined;
    try {
      client = (await qr.connect()) as pg.PoolClient;
      return await fn(qr);
    } catch (err) {
      // A runner released before our `finally` was released by TypeORM because its connection
      // failed between two queries (the next query then throws QueryRunnerAlreadyReleasedError).
      if (!isConnectionError(err) && !qr.isReleased) throw err;
      // Never hand this connection out again (it may be dead or stuck behind a timed-out query).
      client?.end().catch(() => undefined);
      this.checkSoon();
      throw new StorageUnavailableError(probeReason(err));
    } finally {
      await qr.release().catch(() => undefined);
    }
  }

  private scheduleConnect(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      this.connecting = this.connectAttempt().finally(() => (this.connecting = null));
    }, delayMs);
  }

  private async connectAttempt(): Promise<void> {
    if (this.closed) return;
    const ds = new DataSource(dataSourceOptions(this.config, { onPoolError: (err) => this.onPoolError(err) }));
    try {
      await ds.initialize();
      const applied = (await hasPendingMigrations(ds)) ? await this.migrate() : 0;
      if (this.closed) {
        await ds.destroy();
        return;
      }
      this.dataSource = ds;
      this.available = true;
      this.loggedState = 'up';
      this.logger.log(`PostgreSQL connected at ${this.target}; ${applied} migration(s) applied`);
      this.resolveReady();
    } catch (err) {
      if (ds.isInitialized) await ds.destroy().catch(() => undefined);
      this.reportConnectFailure(err);
      if (!this.closed) this.scheduleConnect(this.retryIntervalMs);
    }
  }

  /**
   * Applies pending migrations in one transaction, on a separate short-lived DataSource (no
   * query timeout: a migration may run long), under an advisory lock so that instances starting
   * together migrate one after the other. Returns how many were applied.
   */
  private async migrate(): Promise<number> {
    const ds = new DataSource(dataSourceOptions(this.config, { migrations: true, onPoolError: () => undefined }));
    await ds.initialize();
    const lock = ds.createQueryRunner();
    try {
      await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      try {
        const applied = await ds.runMigrations({ transaction: 'all' });
        return applied.length;
      } finally {
        await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
      }
    } finally {
      await lock.release().catch(() => undefined);
      await ds.destroy().catch(() => undefined);
    }
  }

  private reportConnectFailure(err: unknown): void {
    if (isConnectionError(err)) {
      this.downReason = probeReason(err);
      const reason = describeConnectionError(err);
      this.logOnce(`down:${reason}`, () =>
        this.logger.warn(`PostgreSQL at ${this.target} is unavailable (${reason}); retrying every ${this.retryIntervalMs} ms`),
      );
    } else {
      this.downReason = 'Database not ready';
      const message = errorMessage(err);
      this.logOnce(`fail:${message}`, () =>
        this.logger.error(`PostgreSQL at ${this.target}: connect or migration failed: ${message}; retrying every ${this.retryIntervalMs} ms`),
      );
    }
  }

  private async runProbe(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error('probe timeout'), { code: 'ETIMEDOUT' })), PROBE_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.selectOne(), deadline]);
      this.setAvailable();
    } catch (err) {
      this.setUnavailable(err);
      throw new StorageUnavailableError(probeReason(err));
    } finally {
      clearTimeout(timer);
    }
  }

  private async selectOne(): Promise<void> {
    const client = await this.probePool.connect();
    let failure: Error | undefined;
    try {
      await client.query({ text: 'SELECT 1', query_timeout: PROBE_TIMEOUT_MS } as pg.QueryConfig);
    } catch (err) {
      failure = err instanceof Error ? err : new Error(String(err));
      throw err;
    } finally {
      client.release(failure);
    }
  }

  private onPoolError(err: Error): void {
    // An idle pooled connection died (server restart, network): the pool already dropped it.
    if (isConnectionError(err)) this.checkSoon();
  }

  /** Re-probes now (deduplicated); the probe result sets the state. */
  private checkSoon(): void {
    if (this.closed || !this.dataSource) return;
    this.probe().catch(() => undefined);
  }

  private setAvailable(): void {
    if (this.available || this.closed) return;
    this.available = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.logOnce('up', () => this.logger.log(`PostgreSQL connection to ${this.target} restored`));
  }

  private setUnavailable(err: unknown): void {
    if (this.closed) return;
    this.available = false;
    this.downReason = probeReason(err);
    // One line per outage, whatever the reasons seen while it lasts.
    this.logOnce('lost', () =>
      this.logger.warn(`PostgreSQL connection to ${this.target} lost (${describeConnectionError(err)}); retrying every ${this.retryIntervalMs} ms`),
    );
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.checkSoon();
      }, this.retryIntervalMs);
    }
  }

  private logOnce(state: string, write: () => void): void {
    if (this.loggedState === state) return;
    this.loggedState = state;
    write();
  }
}

