// Issue 5: the server as a child process is killed with SIGKILL while a real Chromium run holds,
// then restarted on the same storage (RUNNER §3.4): the lost run finishes crashed WORKER_LOST (or
// is retried once with retryOnCrash), queued runs resume, and every completion webhook arrives
// signed (API §4.8). Both storage providers.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { LOCK_FILE_NAME } from '../../src/storage/json/data-dir-lock.js';
import { WebhookReceiver } from '../executions/webhook-receiver.js';
import { startFixtureServer } from '../fixtures/fixture-server.js';
import { browserEnv } from '../runner/browser-session-kit.js';
import { connectionUrl, createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { STORAGE_PROVIDERS } from '../support/storage-matrix.js';
import { makeTempDir } from '../support/temp-dir.js';
import { call, checkDelivery, createTask, GateServer, getExecution, startAsync, waitExecution, waitFinished, waitWebhookSettled, webhookSecret, type Admitted, type Endpoint, type ExecutionFull } from './live-kit.js';
import { buildServer, ServerProcess, type ServerBuild } from './server-process.js';

type FixtureSite = Awaited<ReturnType<typeof startFixtureServer>>;

let build: ServerBuild;
let receiver: WebhookReceiver;
let site: FixtureSite;

beforeAll(async () => {
  [build, receiver, site] = await Promise.all([buildServer(), WebhookReceiver.start(), startFixtureServer()]);
}, 90_000);
afterAll(async () => {
  build?.remove();
  await receiver?.close();
  await site?.close();
});

async function activeCount(t: Endpoint): Promise<number> {
  let n = 0;
  for (const phase of ['queued', 'running']) {
    const res = await call<{ executions: unknown[] }>(t, 'GET', `/api/executions?phase=${phase}`);
    expect(res.status).toBe(200);
    n += res.body.executions.length;
  }
  return n;
}

const isWaitRunning = (e: ExecutionFull) => e.phase === 'running' && e.events.some((ev) => ev.event === 'action' && ev.type === 'wait' && ev.status === 'running');

describe.each(STORAGE_PROVIDERS)('%s storage: SIGKILL and restart', (storage) => {
  const dir = makeTempDir('figranium-live-restart-');
  let database: TestDatabase | null = null;
  let gate: GateServer;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    gate = await GateServer.start();
    database = storage === 'postgres' ? await createTestDatabase('live_restart') : null;
  });
  afterAll(async () => {
    for (const s of servers) await s.kill9();
    await gate?.close();
    await database?.cleanup();
    dir.cleanup();
  });

  const env = () => ({
    API_KEY: `key-${randomBytes(12).toString('hex')}`,
    DATA_DIR: dir.dir,
    CAPTURES_DIR: path.join(dir.dir, 'captures'),
    ALLOW_PRIVATE_NETWORKS: 'true',
    MAX_CONCURRENT_EXECUTIONS: '1',
    SHUTDOWN_GRACE_SECONDS: '2',
    ...browserEnv(),
    ...(database ? { DB_TYPE: 'postgres', DATABASE_URL: connectionUrl(database.info) } : { DB_TYPE: 'json' }),
  });

  async function boot(): Promise<ServerProcess> {
    const s = await ServerProcess.start(build, env());
    servers.push(s);
    return s;
  }

  async function kill(s: ServerProcess): Promise<void> {
    expect(await s.kill9()).toEqual({ code: null, signal: 'SIGKILL' });
    servers.splice(servers.indexOf(s), 1);
  }

  /** Every hook path got exactly one signed delivery for its execution; returns the bodies. */
  async function expectOneDelivery(t: Endpoint, secret: string, runs: Array<[string, Admitted]>) {
    const bodies = [];
    for (const [hookPath, run] of runs) {
      const settled = await waitWebhookSettled(t, run.executionId);
      expect(settled.webhook).toMatchObject({ state: 'delivered', attempts: [{ attempt: 1, statusCode: 200, ok: true }] });
      const hits = receiver.on(hookPath);
      expect(hits).toHaveLength(1);
      const body = checkDelivery(hits[0], secret);
      expect(body).toMatchObject({ executionId: run.executionId, runId: run.runId, deliveryId: settled.webhook!.deliveryId });
      bodies.push(body);
    }
    return bodies;
  }

  // State shared by the two steps below (the second continues on the restarted server).
  let secret = '';
  let taskId = '';
  let second: ServerProcess | null = null;
  const hook = (name: string) => receiver.script(`/${storage}/${name}`, [{ status: 200 }]);

  it('kill -9 while a run holds: it ends crashed WORKER_LOST, the queued ones complete after the restart, every webhook arrives once', async () => {
    const first = await boot();
    secret = await webhookSecret(first);
    taskId = await createTask(first, {
      name: 'hold',
      url: `${site.url}/form.html`,
      variables: { holdSeconds: { type: 'number', value: 0.2 } },
      actions: [{ type: 'wait', value: '{$holdSeconds}' }],
      extractionScript: 'return { held: Number("{$holdSeconds}") }',
    });
    const running = await startAsync(first, taskId, { variables: { holdSeconds: 20 }, webhookUrl: hook('running'), runId: `${storage}-running` });
    const queued1 = await startAsync(first, taskId, { webhookUrl: hook('queued-1'), runId: `${storage}-queued-1` });
    const queued2 = await startAsync(first, taskId, { webhookUrl: hook('queued-2'), runId: `${storage}-queued-2` });

    // Real Chromium has loaded the page and the 20 s wait has started.
    const before = await waitExecution(first, running.executionId, isWaitRunning, 60_000);
    expect((await getExecution(first, queued1.executionId)).phase).toBe('queued');
    expect((await getExecution(first, queued2.executionId)).phase).toBe('queued');
    const logsBefore = before.events.filter((e) => e.event === 'log').map((e) => e.message);
    expect(logsBefore.length).toBeGreaterThan(0);
    await kill(first);
    // JSON: the dead process's lock is still there; the next start must take it over.
    expect(existsSync(path.join(dir.dir, LOCK_FILE_NAME))).toBe(storage === 'json');
    expect(receiver.received.filter((h) => h.path.startsWith(`/${storage}/`))).toHaveLength(0);

    second = await boot();
    // Same webhook secret after the restart (stored, not regenerated).
    expect(await webhookSecret(second)).toBe(secret);
    const crashed = await waitFinished(second, running.executionId);
    expect(crashed).toMatchObject({ outcome: 'crashed', errorCode: 'WORKER_LOST', attempt: 1 });
    expect(crashed.result).toMatchObject({ outcome: 'crashed', success: false, errorCode: 'WORKER_LOST', data: null });
    expect(crashed.result!.logs).toEqual(expect.arrayContaining(logsBefore));
    const done1 = await waitFinished(second, queued1.executionId);
    const done2 = await waitFinished(second, queued2.executionId);
    for (const done of [done1, done2]) {
      expect(done).toMatchObject({ outcome: 'success', attempt: 1 });
      expect(done.result).toMatchObject({ success: true, data: { held: 0.2 } });
      // Run by the restarted process, not the killed one.
      expect(done.instanceId).not.toBe(before.instanceId);
    }
    expect(done1.startedAt!).toBeLessThan(done2.startedAt!);
    expect(await activeCount(second)).toBe(0);

    const bodies = await expectOneDelivery(second, secret, [
      [`/${storage}/running`, running],
      [`/${storage}/queued-1`, queued1],
      [`/${storage}/queued-2`, queued2],
    ]);
    expect(bodies.map((b) => [b.outcome, b.success, b.errorCode])).toEqual([
      ['crashed', false, 'WORKER_LOST'],
      ['success', true, undefined],
      ['success', true, undefined],
    ]);
  }, 120_000);

  it('kill -9 with retryOnCrash: the lost run is queued again once (attempt 2) and succeeds from scratch; one webhook per run', async () => {
    if (!second) throw new Error('needs the restarted server of the previous test');
    const retryTaskId = await createTask(second, { name: 'retry on crash', url: `${gate.url}/start`, retryOnCrash: true });
    const retried = await startAsync(second, retryTaskId, { webhookUrl: hook('retried'), runId: `${storage}-retried` });
    const queued3 = await startAsync(second, taskId, { webhookUrl: hook('queued-3'), runId: `${storage}-queued-3` });
    // The browser is waiting for the gate's answer to the start navigation.
    await waitExecution(second, retried.executionId, (e) => e.phase === 'running' && gate.seen.includes('/start'), 60_000);
    expect((await getExecution(second, queued3.executionId)).phase).toBe('queued');
    await kill(second);
    second = null;
    gate.open();

    const third = await boot();
    const again = await waitFinished(third, retried.executionId);
    expect(again).toMatchObject({ outcome: 'success', attempt: 2 });
    expect(again.events.some((e) => e.event === 'phase' && e.phase === 'queued' && e.attempt === 2)).toBe(true);
    expect(again.events.some((e) => e.event === 'log' && e.level === 'warn' && String(e.message).includes('attempt 2'))).toBe(true);
    expect(gate.seen.filter((p) => p === '/start')).toHaveLength(2);
    expect(await waitFinished(third, queued3.executionId)).toMatchObject({ outcome: 'success', attempt: 1 });
    expect(await activeCount(third)).toBe(0);
    const [retryBody] = await expectOneDelivery(third, secret, [
      [`/${storage}/retried`, retried],
      [`/${storage}/queued-3`, queued3],
    ]);
    expect(retryBody).toMatchObject({ outcome: 'success', success: true });

    // A clean stop after all that: Nest re-raises SIGTERM once its shutdown hooks are done, and
    // the JSON data-dir lock is released (a SIGKILL leaves it behind; the restarts took it over).
    expect(await third.stop()).toEqual({ code: null, signal: 'SIGTERM' });
    expect(existsSync(path.join(dir.dir, LOCK_FILE_NAME))).toBe(false);
    servers.splice(servers.indexOf(third), 1);
  }, 120_000);
});
