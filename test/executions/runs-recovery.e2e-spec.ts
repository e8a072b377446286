// Crash recovery at startup (RUNNER §3.4) and graceful shutdown (RUNNER §3.6), both storage providers.
import { afterAll, describe, expect, it } from '@jest/globals';
import { CrashRecovery } from '../../src/executions/lifecycle/crash-recovery.service.js';
import { InstanceIdentity } from '../../src/executions/lifecycle/instance-identity.js';
import { ExecutionRepository, StorageStatus, type ExecutionRecord, type StoredEvent } from '../../src/storage/ports/index.js';
import { connectionUrl, createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { STORAGE_PROVIDERS } from '../support/storage-matrix.js';
import { makeTempDir } from '../support/temp-dir.js';
import { call, createTask, expectError, FakeTaskRunner, getExecution, startRunApp, waitFinished, waitFor, type RunApp } from './runs-kit.js';

const MINUTE = 60_000;

/** A record as a previous process would have left it, built from a finished one. */
function leftOver(template: ExecutionRecord, id: string, o: { phase: 'queued' | 'running'; timestamp: number; instanceId?: string; heartbeatAt?: number; retryOnCrash?: boolean; attempt?: number }): ExecutionRecord {
  const { error: _e, errorCode: _c, ...rest } = template;
  return {
    ...rest,
    id,
    runId: `run_${id}`,
    phase: o.phase,
    outcome: null,
    status: null,
    timestamp: o.timestamp,
    startedAt: o.phase === 'running' ? o.timestamp + 5 : null,
    finishedAt: null,
    durationMs: null,
    result: null,
    webhook: null,
    stopRequestedAt: null,
    instanceId: o.phase === 'running' ? (o.instanceId ?? null) : null,
    heartbeatAt: o.phase === 'running' ? (o.heartbeatAt ?? null) : null,
    attempt: o.attempt ?? 1,
    idempotencyKey: null,
    idempotencyFingerprint: null,
    eventsTruncated: false,
    taskSnapshot: { ...template.taskSnapshot, retryOnCrash: o.retryOnCrash ?? false },
  };
}

function earlyEvents(phase: 'queued' | 'running', ts: number): StoredEvent[] {
  const events: StoredEvent[] = [{ seq: 1, ts, event: 'phase', phase: 'queued', attempt: 1, message: 'Queued' }];
  if (phase === 'running') {
    events.push({ seq: 2, ts: ts + 5, event: 'phase', phase: 'running', attempt: 1, message: 'Running' });
    events.push({ seq: 3, ts: ts + 6, event: 'log', level: 'info', actionId: null, message: 'before the crash' });
  }
  return events;
}

describe.each(STORAGE_PROVIDERS)('%s storage', (storage) => {
  const dir = makeTempDir();
  let database: TestDatabase | null = null;
  const apps: RunApp[] = [];
  afterAll(async () => {
    for (const app of apps) {
      app.fake.release();
      await app.close({ keepData: true });
    }
    await database?.cleanup();
    dir.cleanup();
  });

  async function boot(env: Record<string, string> = {}, fake?: FakeTaskRunner): Promise<RunApp> {
    database ??= storage === 'postgres' ? await createTestDatabase('runs_recovery') : null;
    const dbEnv: Record<string, string> = database ? { DB_TYPE: 'postgres', DATABASE_URL: connectionUrl(database.info) } : {};
    const t = await startRunApp({ storage, dataDir: dir.dir, env: { ...dbEnv, ...env }, fake });
    apps.push(t);
    await t.app.get(StorageStatus).whenReady();
    await t.app.get(CrashRecovery).ready;
    return t;
  }

  async function shut(t: RunApp): Promise<void> {
    await t.close({ keepData: true });
    apps.splice(apps.indexOf(t), 1);
  }

  it('after an unclean stop: running runs become crashed WORKER_LOST or are retried once; queued runs resume in timestamp order', async () => {
    const first = await boot({ MAX_CONCURRENT_EXECUTIONS: '1' });
    const taskId = await createTask(first, {});
    const done = await call(first, 'POST', `/api/tasks/${taskId}/api`, {});
    const repo = first.app.get(ExecutionRepository);
    const template = (await repo.get(done.headers.get('x-execution-id')!))!;
    const node = first.app.get(InstanceIdentity).instanceId.split(':')[0];
    const now = Date.now();
    const seeds: Array<[string, Parameters<typeof leftOver>[2]]> = [
      ['exec_prevboot', { phase: 'running', timestamp: now - 9000, instanceId: `${node}:01OLDBOOT`, heartbeatAt: now }],
      ['exec_stale_retry', { phase: 'running', timestamp: now - 8000, instanceId: 'node_other:1', heartbeatAt: now - 5 * MINUTE, retryOnCrash: true }],
      ['exec_stale_second', { phase: 'running', timestamp: now - 7000, instanceId: 'node_other:1', heartbeatAt: now - 5 * MINUTE, retryOnCrash: true, attempt: 2 }],
      ['exec_live_elsewhere', { phase: 'running', timestamp: now - 6000, instanceId: 'node_other:2', heartbeatAt: now + MINUTE }],
      ['exec_queued_later', { phase: 'queued', timestamp: now - 1000 }],
      ['exec_queued_earlier', { phase: 'queued', timestamp: now - 2000 }],
    ];
    for (const [id, o] of seeds) {
      await repo.create(leftOver(template, id, o));
      await repo.appendEvents(id, earlyEvents(o.phase, o.timestamp));
    }
    // This process never ran them: as after a SIGKILL, the next start finds them as they are.
    await shut(first);

    const second = await boot({ MAX_CONCURRENT_EXECUTIONS: '1' });
    const prev = await waitFinished(second, 'exec_prevboot');
    expect(prev).toMatchObject({ outcome: 'crashed', errorCode: 'WORKER_LOST', status: 200, attempt: 1 });
    expect(prev.result).toMatchObject({ outcome: 'crashed', success: false, errorCode: 'WORKER_LOST', data: null, logs: ['before the crash'] });
    expect(prev.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(prev.events.slice(-2).map((e) => e.event)).toEqual(['phase', 'finished']);

    const retried = await waitFinished(second, 'exec_stale_retry');
    expect(retried).toMatchObject({ outcome: 'success', attempt: 2 });
    const retryEvents = retried.events.map((e) => [e.event, e.phase ?? e.level ?? null, e.attempt ?? null]);
    expect(retryEvents.slice(0, 6)).toEqual([
      ['phase', 'queued', 1],
      ['phase', 'running', 1],
      ['log', 'info', null],
      ['log', 'warn', null],
      ['phase', 'queued', 2],
      ['phase', 'running', 2],
    ]);
    expect(second.logs.some((l) => l.includes('re-queued for a second attempt'))).toBe(true);

    expect(await waitFinished(second, 'exec_stale_second')).toMatchObject({ outcome: 'crashed', errorCode: 'WORKER_LOST', attempt: 2 });

    const earlier = await waitFinished(second, 'exec_queued_earlier');
    const later = await waitFinished(second, 'exec_queued_later');
    expect([earlier.outcome, later.outcome]).toEqual(['success', 'success']);
    const order = second.fake.calls.map((c) => c.executionId);
    expect(order.indexOf('exec_queued_earlier')).toBeLessThan(order.indexOf('exec_queued_later'));

    // JSON: one process owns the data directory, so every running record is a lost one.
    // PostgreSQL: a run with a fresh heartbeat from another instance is left alone.
    if (storage === 'json') expect(await waitFinished(second, 'exec_live_elsewhere')).toMatchObject({ outcome: 'crashed', errorCode: 'WORKER_LOST' });
    else expect((await getExecution(second, 'exec_live_elsewhere')).phase).toBe('running');
    await shut(second);
  });

  it('graceful shutdown: 503 SHUTTING_DOWN, readiness 503, running runs end after the grace period, queued runs resume next start', async () => {
    const fake = new FakeTaskRunner();
    const t = await boot({ MAX_CONCURRENT_EXECUTIONS: '2', SHUTDOWN_GRACE_SECONDS: '2' }, fake);
    const plain = await createTask(t, {});
    const retrying = await createTask(t, { retryOnCrash: true });
    fake.hold();
    const syncPlain = call(t, 'POST', `/api/tasks/${plain}/api`, { runId: 'shut-plain' });
    const syncRetry = call(t, 'POST', `/api/tasks/${retrying}/api`, { runId: 'shut-retry' });
    await waitFor(async () => fake.running === 2);
    const queued = await call(t, 'POST', `/api/tasks/${plain}/api?async=true`, { runId: 'shut-queued' });
    expect(queued.status).toBe(202);

    const closing = t.close({ keepData: true });
    await waitFor(async () => (await fetch(`${t.url}/api/health/ready`)).status === 503);
    const ready = (await (await fetch(`${t.url}/api/health/ready`)).json()) as { shuttingDown: boolean };
    expect(ready.shuttingDown).toBe(true);
    for (const path of [`/api/tasks/${plain}/api`, `/tasks/${plain}/api?async=true`, '/agent', '/scrape']) {
      const res = await call(t, 'POST', path, { url: 'https://93.184.215.14/' });
      expectError(res, 503, 'SHUTTING_DOWN');
      expect(res.headers.get('retry-after')).toBe('10');
    }
    expect((await call(t, 'GET', `/api/executions/${queued.body.executionId as string}`)).status).toBe(200);

    const plainReply = await syncPlain;
    expect(plainReply.status).toBe(200);
    expect(plainReply.body).toMatchObject({ outcome: 'crashed', errorCode: 'WORKER_LOST', data: null });
    const retryReply = await syncRetry;
    expectError(retryReply, 503, 'SHUTTING_DOWN');
    const retryId = retryReply.headers.get('x-execution-id')!;
    await closing;
    apps.splice(apps.indexOf(t), 1);

    const next = await boot({ MAX_CONCURRENT_EXECUTIONS: '2' });
    const crashed = await getExecution(next, plainReply.body.executionId as string);
    expect(crashed).toMatchObject({ phase: 'finished', outcome: 'crashed', errorCode: 'WORKER_LOST' });
    expect(await waitFinished(next, retryId)).toMatchObject({ outcome: 'success', attempt: 2 });
    expect(await waitFinished(next, queued.body.executionId as string)).toMatchObject({ outcome: 'success', attempt: 1 });
    expect(next.fake.calls.map((c) => c.runId).sort()).toEqual(['shut-queued', 'shut-retry']);
    await shut(next);
  });

  it('the sweeper finishes running records whose heartbeat is older than 60 s, and leaves fresh ones alone', async () => {
    const t = await boot();
    const taskId = await createTask(t, {});
    const done = await call(t, 'POST', `/api/tasks/${taskId}/api`, {});
    const repo = t.app.get(ExecutionRepository);
    const template = (await repo.get(done.headers.get('x-execution-id')!))!;
    const now = Date.now();
    await repo.create(leftOver(template, 'exec_sweep_stale', { phase: 'running', timestamp: now - 3 * MINUTE, instanceId: 'node_gone:1', heartbeatAt: now - 61_000 }));
    await repo.create(leftOver(template, 'exec_sweep_fresh', { phase: 'running', timestamp: now - 3 * MINUTE, instanceId: 'node_gone:1', heartbeatAt: now - 30_000 }));
    await t.app.get(CrashRecovery).sweep();
    expect(await waitFinished(t, 'exec_sweep_stale')).toMatchObject({ outcome: 'crashed', errorCode: 'WORKER_LOST' });
    expect((await getExecution(t, 'exec_sweep_fresh')).phase).toBe('running');
    await shut(t);
  });
});
