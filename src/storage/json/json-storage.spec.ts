import { Test } from '@nestjs/testing';
import { appendFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { StorageUnavailableError } from '../../common/errors.js';
import { loadConfig } from '../../config/config.schema.js';
import type { ExecutionRecord } from '../ports/execution.repository.js';
import { ExecutionRepository, StorageStatus, TaskRepository } from '../ports/index.js';
import { LOCK_FILE_NAME } from './data-dir-lock.js';
import { JsonStorage } from './json-storage.js';
import { jsonStorageProviders } from './json-storage.providers.js';

const T0 = 1_700_000_000_000;

function record(id: string, overrides: Partial<ExecutionRecord> = {}): ExecutionRecord {
  return {
    id, runId: `run_${id}`, taskId: 'task_1', taskName: 'T', mode: 'agent', source: 'api', method: 'POST', path: '/tasks/task_1/api',
    status: null, phase: 'queued', outcome: null, timestamp: T0, startedAt: null, finishedAt: null, durationMs: null, url: null,
    taskSnapshot: {}, variables: {}, result: null, webhook: null, parentExecutionId: null, attempt: 1, idempotencyKey: null,
    idempotencyFingerprint: null, stopRequestedAt: null, instanceId: null, heartbeatAt: null, eventsTruncated: false, ...overrides,
  };
}

describe('JsonStorage (provider specifics)', () => {
  let dir: string;
  const open = (maxExecutions = 5000) => JsonStorage.open({ dataDir: dir, maxExecutions });

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'figranium-jsonstore-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates a missing data directory (0700) with its layout, and removes the lock on close', async () => {
    const dataDir = path.join(dir, 'nested', 'data');
    const storage = await JsonStorage.open({ dataDir, maxExecutions: 10 });
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    expect((await readdir(dataDir)).sort()).toEqual(['executions', LOCK_FILE_NAME, 'tasks']);
    await storage.close();
    await storage.close();
    expect((await readdir(dataDir)).sort()).toEqual(['executions', 'tasks']);
  });

  it('applies MAX_EXECUTIONS retention when an execution finishes, never pruning active ones', async () => {
    const storage = await open(2);
    const ex = storage.executions;
    for (let i = 1; i <= 4; i++) await ex.create(record(`exec_0${i}`, { timestamp: T0 + i, phase: 'finished', outcome: 'success' }));
    await ex.create(record('exec_05', { timestamp: T0 + 5 }));
    await ex.create(record('exec_06', { timestamp: T0 + 6, phase: 'running' }));
    await ex.appendEvents('exec_01', [{ seq: 1, ts: T0, event: 'log', message: 'x' }]);
    // creating finished records does not prune; finishing through update does
    expect((await ex.list({}, 10)).length).toBe(6);
    await ex.update('exec_05', { phase: 'finished', outcome: 'success' }, ['queued']);
    expect((await ex.list({}, 10)).map((e) => e.id)).toEqual(['exec_06', 'exec_05', 'exec_04']);
    expect((await readdir(path.join(dir, 'executions'))).sort()).toEqual(['exec_04.json', 'exec_05.json', 'exec_06.json']);
    // an update that does not finish anything does not prune
    await ex.update('exec_06', { heartbeatAt: T0 });
    expect((await ex.list({}, 10)).length).toBe(3);
    await storage.close();
  });

  it('removes leftover temp files and results/events of deleted records at open, keeping everything else', async () => {
    let storage = await open();
    await storage.executions.create(record('exec_01'));
    await storage.executions.appendEvents('exec_01', [{ seq: 1, ts: T0, event: 'log', message: 'x' }]);
    await storage.settings.set('k', 1);
    await storage.close();
    const ex = path.join(dir, 'executions');
    await writeFile(path.join(ex, '.exec_02.json.123.abcdef.tmp'), '{"id":"exec_02", half');
    await writeFile(path.join(dir, 'tasks', '.task_1.json.9.ff.tmp'), '');
    await writeFile(path.join(dir, '.settings.json.1.aa.tmp'), '{');
    await writeFile(path.join(ex, 'exec_gone.events.jsonl'), '{"seq":1}\n');
    await writeFile(path.join(ex, 'exec_gone.result.json'), '{}');
    await writeFile(path.join(dir, 'initial-api-key.txt'), 'not ours');
    await writeFile(path.join(dir, '.hidden-not-ours'), 'x');
    storage = await open();
    expect((await readdir(ex)).sort()).toEqual(['exec_01.events.jsonl', 'exec_01.json']);
    expect(await readdir(path.join(dir, 'tasks'))).toEqual([]);
    expect((await readdir(dir)).sort()).toEqual(['.hidden-not-ours', 'executions', LOCK_FILE_NAME, 'initial-api-key.txt', 'settings.json', 'tasks']);
    expect(await storage.executions.listEvents('exec_01')).toHaveLength(1);
    await storage.close();
  });

  it('repairs a torn event line left by a crash before appending more', async () => {
    let storage = await open();
    await storage.executions.create(record('exec_01'));
    await storage.executions.appendEvents('exec_01', [{ seq: 1, ts: T0, event: 'log', message: 'a' }]);
    await storage.close();
    await appendFile(path.join(dir, 'executions', 'exec_01.events.jsonl'), '{"seq":2,"ts":1,"eve');
    storage = await open();
    expect((await storage.executions.listEvents('exec_01')).map((e) => e.seq)).toEqual([1]);
    await storage.executions.appendEvents('exec_01', [{ seq: 2, ts: T0, event: 'log', message: 'b' }]);
    expect((await storage.executions.listEvents('exec_01')).map((e) => e.seq)).toEqual([1, 2]);
    await storage.close();
  });

  it('refuses appends and results for unknown executions', async () => {
    const storage = await open();
    await expect(storage.executions.appendEvents('exec_x', [{ seq: 1, ts: T0, event: 'log', message: 'a' }])).rejects.toThrow("No execution with id 'exec_x'");
    await expect(storage.executions.saveFullResult('exec_x', {})).rejects.toThrow("No execution with id 'exec_x'");
    expect(await readdir(path.join(dir, 'executions'))).toEqual([]);
    await storage.close();
  });

  it('refuses writes after close with StorageUnavailableError, and waits for writes in flight', async () => {
    const storage = await open();
    const inFlight = storage.settings.update('slow', async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      return 'done';
    });
    const closed = storage.close();
    await expect(storage.tasks.save({ id: 't', name: 'n', createdAt: 1, updatedAt: 1 })).rejects.toBeInstanceOf(StorageUnavailableError);
    await expect(inFlight).resolves.toBe('done');
    await closed;
    expect(JSON.parse(await readFile(path.join(dir, 'settings.json'), 'utf8'))).toEqual({ slow: 'done' });
    expect(storage.status.isAvailable()).toBe(false);
    await expect(storage.status.probe()).rejects.toThrow('closed');
  });

  it('probe fails when the lock no longer names this process', async () => {
    const storage = await open();
    await storage.status.probe();
    const lockPath = path.join(dir, LOCK_FILE_NAME);
    const original = await readFile(lockPath, 'utf8');
    await writeFile(lockPath, JSON.stringify({ pid: 1, hostname: 'x', startedAt: 1 }));
    await expect(storage.status.probe()).rejects.toThrow('Data directory lock is not held');
    expect(storage.status.isAvailable()).toBe(false);
    await writeFile(lockPath, original);
    await storage.status.probe();
    expect(storage.status.isAvailable()).toBe(true);
    await storage.close();
  });

  it('recovers availability by itself after a failed probe', async () => {
    const storage = await JsonStorage.open({ dataDir: dir, maxExecutions: 10, probeRetryMs: 20 });
    const lockPath = path.join(dir, LOCK_FILE_NAME);
    const original = await readFile(lockPath, 'utf8');
    await writeFile(lockPath, '{}');
    await expect(storage.status.probe()).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(storage.status.isAvailable()).toBe(false);
    await writeFile(lockPath, original);
    for (let i = 0; i < 50 && !storage.status.isAvailable(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(storage.status.isAvailable()).toBe(true);
    await storage.close();
  });

  it('probe fails with a path-free reason when the data directory is gone', async () => {
    const storage = await open();
    await rm(dir, { recursive: true, force: true });
    const err = await storage.status.probe().catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toBe('Data directory is not reachable or not writable');
    await storage.close();
  });

  describe('Nest providers', () => {
    it('provide every port from one opened storage and release the lock when the app closes', async () => {
      const config = loadConfig({ DATA_DIR: dir, MAX_EXECUTIONS: '3' });
      const moduleRef = await Test.createTestingModule({ providers: jsonStorageProviders(config) }).compile();
      const status = moduleRef.get(StorageStatus);
      expect(status.kind).toBe('json');
      await status.probe();
      await moduleRef.get(TaskRepository).save({ id: 'task_1', name: 'n', createdAt: 1, updatedAt: 1 });
      expect(await moduleRef.get(ExecutionRepository).list({}, 5)).toEqual([]);
      expect(moduleRef.get(JsonStorage).tasks).toBe(moduleRef.get(TaskRepository));
      await expect(JsonStorage.open({ dataDir: dir, maxExecutions: 1 })).rejects.toThrow('is in use by process');
      await moduleRef.close();
      await expect(stat(path.join(dir, LOCK_FILE_NAME))).rejects.toMatchObject({ code: 'ENOENT' });
      const reopened = await JsonStorage.open({ dataDir: dir, maxExecutions: 1 });
      expect((await reopened.tasks.get('task_1'))?.name).toBe('n');
      await reopened.close();
    });

    it('fail the module init when a data file is corrupt', async () => {
      await writeFile(path.join(dir, 'settings.json'), '{"broken":');
      const config = loadConfig({ DATA_DIR: dir });
      await expect(Test.createTestingModule({ providers: jsonStorageProviders(config) }).compile()).rejects.toThrow(path.join(dir, 'settings.json'));
    });
  });
});
