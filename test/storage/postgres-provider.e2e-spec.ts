// PostgreSQL-specific behaviour beyond the shared contract.
import type { PostgresStorage } from '../../src/storage/postgres/postgres-storage.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { executionRecord, finishedRecord, taskDoc } from './repository-contract.js';
import { openEmptyPostgres, openPostgres, recordingLogger } from './postgres-test-storage.js';

const T0 = 1_700_000_000_000;

describe('PostgreSQL provider specifics', () => {
  let db: TestDatabase | undefined;
  const opened: PostgresStorage[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('provider');
  });

  afterAll(async () => {
    await Promise.allSettled(opened.map((s) => s.close()));
    await db?.cleanup();
  });

  it('several instances starting together on an empty database migrate once and all become ready', async () => {
    const loggers = [recordingLogger(), recordingLogger(), recordingLogger()];
    const instances = await Promise.all(loggers.map((logger) => openPostgres(db!.config, { logger })));
    opened.push(...instances);
    // Nobody failed and retried: the advisory lock made the others wait for the first.
    for (const logger of loggers) expect(logger.lines.filter((l) => !l.startsWith('log '))).toEqual([]);
    expect(loggers.map((l) => l.lines.find((x) => x.includes('migration(s) applied'))?.match(/(\d) migration/)?.[1]).sort()).toEqual(['0', '0', '1']);
    const { rows } = await instances[0].connection.run((s) => s.query<{ n: number }>('SELECT count(*) AS n FROM migrations'));
    expect(rows[0].n).toBe(1);
    await Promise.all(instances.map((i) => i.close()));
  });

  it('prunes finished executions beyond MAX_EXECUTIONS when one finishes', async () => {
    const s = await openEmptyPostgres(db!.config, { maxExecutions: 3 });
    opened.push(s.storage);
    for (let i = 1; i <= 4; i++) await s.executions.create(finishedRecord(`exec_0${i}`, T0 + i));
    await s.executions.create(executionRecord('exec_05', { timestamp: T0 + 5, phase: 'running' }));
    await s.executions.create(executionRecord('exec_06', { timestamp: T0 + 6 }));
    await s.executions.update('exec_05', { phase: 'finished', outcome: 'success', finishedAt: T0 + 50 }, ['running']);
    expect((await s.executions.list({}, 10)).map((e) => e.id)).toEqual(['exec_06', 'exec_05', 'exec_04', 'exec_03']);
    await s.close();
  });

  it('stores U+0000 in JSON values as U+FFFD instead of failing', async () => {
    const s = await openEmptyPostgres(db!.config);
    opened.push(s.storage);
    await s.tasks.save(taskDoc('task_1', { description: 'nul\u0000here' }));
    expect((await s.tasks.get('task_1'))?.description).toBe('nul\uFFFDhere');
    await s.executions.create(executionRecord('exec_01', { variables: { v: 'a\u0000' } }));
    await s.executions.appendEvents('exec_01', [{ seq: 1, ts: T0, event: 'log', message: 'x\u0000y' }]);
    await s.executions.saveFullResult('exec_01', { html: '<p>\u0000</p>' });
    expect((await s.executions.get('exec_01'))?.variables).toEqual({ v: 'a\uFFFD' });
    expect((await s.executions.listEvents('exec_01'))[0].message).toBe('x\uFFFDy');
    expect(await s.executions.getFullResult('exec_01')).toEqual({ html: '<p>\uFFFD</p>' });
    await s.close();
  });

  it('ignores events and results for unknown executions, and a repeated event seq', async () => {
    const s = await openEmptyPostgres(db!.config);
    opened.push(s.storage);
    await expect(s.executions.appendEvents('exec_missing', [{ seq: 1, ts: T0, event: 'log', message: 'm' }])).resolves.toBeUndefined();
    await expect(s.executions.saveFullResult('exec_missing', { a: 1 })).resolves.toBeUndefined();
    expect(await s.executions.getFullResult('exec_missing')).toBeNull();
    await s.executions.create(executionRecord('exec_01'));
    await s.executions.appendEvents('exec_01', [{ seq: 1, ts: T0, event: 'log', message: 'first' }]);
    await s.executions.appendEvents('exec_01', [{ seq: 1, ts: T0, event: 'log', message: 'retry' }, { seq: 2, ts: T0, event: 'log', message: 'second' }]);
    expect((await s.executions.listEvents('exec_01')).map((e) => e.message)).toEqual(['first', 'second']);
    await s.close();
  });
});
