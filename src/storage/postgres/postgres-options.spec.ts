import type { PostgresConfig } from '../../config/config.schema.js';
import { POSTGRES_ENTITIES } from './entities/index.js';
import { POSTGRES_MIGRATIONS } from './migrations/index.js';
import { CONNECT_TIMEOUT_MS, QUERY_TIMEOUT_MS, dataSourceOptions, describeTarget, poolOptions } from './postgres-options.js';

const discrete: PostgresConfig = { host: 'db.example', port: 6543, user: 'figr', password: 's3cret-pw', database: 'prod', ssl: false };

describe('postgres options', () => {
  it('describes the target without user or password', () => {
    expect(describeTarget(discrete)).toBe('db.example:6543/prod');
    const url = describeTarget({ ...discrete, url: 'postgres://figr:s3cret-pw@db2.example:5433/other?sslmode=require' });
    expect(url).toBe('db2.example:5433/other');
    expect(describeTarget({ ...discrete, url: 'not a url' })).toBe('(DATABASE_URL)');
  });

  it('never synchronizes, never auto-runs migrations inside TypeORM, lists classes (no globs)', () => {
    const options = dataSourceOptions(discrete);
    expect(options).toMatchObject({ type: 'postgres', synchronize: false, migrationsRun: false, connectTimeoutMS: CONNECT_TIMEOUT_MS });
    expect(options.entities).toBe(POSTGRES_ENTITIES);
    expect(options.migrations).toBe(POSTGRES_MIGRATIONS);
    expect(POSTGRES_ENTITIES.every((e) => typeof e === 'function')).toBe(true);
  });

  it('uses DATABASE_URL when given, otherwise the discrete fields; ssl only when asked', () => {
    expect(dataSourceOptions(discrete)).toMatchObject({ host: 'db.example', port: 6543, username: 'figr', password: 's3cret-pw', database: 'prod' });
    expect(dataSourceOptions(discrete)).not.toHaveProperty('ssl');
    const withUrl = dataSourceOptions({ ...discrete, url: 'postgres://u:p@h:1/d', ssl: true });
    expect(withUrl).toMatchObject({ url: 'postgres://u:p@h:1/d', ssl: true });
    expect(withUrl).not.toHaveProperty('host');
  });

  it('fails fast on a dead server and parses bigint as numbers', () => {
    const pool = poolOptions(discrete);
    expect(pool.connectionTimeoutMillis).toBe(2000);
    expect(pool.query_timeout).toBeGreaterThan(0);
    const parseInt8 = pool.types!.getTypeParser(20, 'text') as (v: string) => unknown;
    expect(parseInt8('1733300000000')).toBe(1733300000000);
    const parseText = pool.types!.getTypeParser(25, 'text') as (v: string) => unknown;
    expect(parseText('abc')).toBe('abc');
    // the pool settings reach TypeORM's pool through `extra`, without duplicating credentials
    const extra = dataSourceOptions(discrete).extra as Record<string, unknown>;
    expect(extra).toMatchObject({ connectionTimeoutMillis: 2000, keepAlive: true });
    expect(extra).not.toHaveProperty('password');
  });

  it('limits query time at runtime but not for migrations', () => {
    expect(poolOptions(discrete).query_timeout).toBe(QUERY_TIMEOUT_MS);
    expect(poolOptions(discrete, { migrations: true })).not.toHaveProperty('query_timeout');
    expect(dataSourceOptions(discrete, { migrations: true }).extra).not.toHaveProperty('query_timeout');
  });
});
