// The hand-written migrations and the TypeORM entities describe the same schema, and the
// migration CLI entry (ormconfig.ts) runs the same migrations.
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/storage/postgres/postgres-options.js';
import { POSTGRES_ENTITIES } from '../../src/storage/postgres/entities/index.js';
import { POSTGRES_MIGRATIONS } from '../../src/storage/postgres/migrations/index.js';
import { createTestDatabase, postgresEnvFor, type TestDatabase } from '../support/postgres.js';

describe('PostgreSQL schema', () => {
  const dbs: TestDatabase[] = [];
  const sources: DataSource[] = [];

  afterAll(async () => {
    await Promise.allSettled(sources.filter((s) => s.isInitialized).map((s) => s.destroy()));
    await Promise.allSettled(dbs.map((d) => d.cleanup()));
  });

  it('after the migrations, TypeORM finds nothing to change against the entities', async () => {
    const db = await createTestDatabase('schema');
    dbs.push(db);
    const ds = new DataSource(dataSourceOptions(db.config));
    sources.push(ds);
    await ds.initialize();
    // Before: everything is missing, so the check below is able to see differences.
    expect((await ds.driver.createSchemaBuilder().log()).upQueries.length).toBeGreaterThan(5);
    await ds.runMigrations({ transaction: 'all' });
    const pending = await ds.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('the list indexes are (…, timestamp DESC, id DESC); ids use the byte-order "C" collation', async () => {
    const ds = sources[0];
    const rows: { indexname: string; indexdef: string }[] = await ds.query(
      `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'executions' ORDER BY indexname`,
    );
    const defs = Object.fromEntries(rows.map((r) => [r.indexname, r.indexdef.replace(/^.* USING btree /, '')]));
    expect(defs).toMatchObject({
      executions_timestamp_idx: '("timestamp" DESC, id DESC)',
      executions_task_id_timestamp_idx: '(task_id, "timestamp" DESC, id DESC)',
      executions_outcome_timestamp_idx: '(outcome, "timestamp" DESC, id DESC)',
      executions_phase_timestamp_idx: '(phase, "timestamp" DESC, id DESC)',
      executions_idempotency_key_key: '(idempotency_key) WHERE (idempotency_key IS NOT NULL)',
    });
    const collations: { table_name: string; column_name: string; collation_name: string | null }[] = await ds.query(
      `SELECT table_name, column_name, collation_name FROM information_schema.columns
       WHERE table_schema = 'public' AND column_name IN ('id', 'task_id', 'execution_id') AND table_name NOT IN ('executions', 'migrations')
          OR table_name = 'executions' AND column_name = 'id'`,
    );
    expect(collations.length).toBe(8);
    for (const c of collations) expect([c.table_name, c.column_name, c.collation_name]).toEqual([c.table_name, c.column_name, 'C']);
  });

  it('ormconfig.ts exports a DataSource from the environment with the same entities and migrations', async () => {
    const db = await createTestDatabase('ormconfig');
    dbs.push(db);
    const saved = { ...process.env };
    Object.assign(process.env, postgresEnvFor(db.info));
    let ds: DataSource;
    try {
      ds = (await import('../../ormconfig.js')).default;
    } finally {
      process.env = saved;
    }
    sources.push(ds);
    expect(ds).toBeInstanceOf(DataSource);
    expect(ds.options.entities).toEqual(POSTGRES_ENTITIES);
    expect(ds.options.migrations).toEqual(POSTGRES_MIGRATIONS);
    expect(ds.options.synchronize).toBe(false);
    await ds.initialize();
    expect(await ds.showMigrations()).toBe(true);
    expect((await ds.runMigrations()).map((m) => m.name)).toEqual(['InitialSchema1733300000000']);
    expect(await ds.showMigrations()).toBe(false);
    await ds.undoLastMigration();
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations'`);
    expect(n).toBe(0);
  });
});
