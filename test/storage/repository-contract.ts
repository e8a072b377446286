/**
 * Provider-neutral contract for the storage ports (src/storage/ports). Every storage provider
 * runs this suite from its own `*-contract.e2e-spec.ts`:
 *
 *   describeRepositoryContract('json', async () => openMyStorageOnAnEmptyStore());
 *
 * `makeStorage` is called before every test and must return an EMPTY store; `close()` is called
 * after every test. `reopen()` closes the instance and opens a new one over the same data (the
 * "server restart" case); the suite then calls `close()` on the instance `reopen()` returned.
 */
import {
  CredentialRepository,
  ExecutionRecord,
  ExecutionRepository,
  ExecutionSummary,
  MAX_VERSIONS_PER_TASK,
  ProxyRepository,
  SettingsRepository,
  StorageStatus,
  StoredCredential,
  StoredEvent,
  StoredProxy,
  TaskDocument,
  TaskRepository,
  TaskVersion,
  UniqueConflictError,
} from '../../src/storage/ports/index.js';

export interface StorageUnderTest {
  tasks: TaskRepository;
  executions: ExecutionRepository;
  settings: SettingsRepository;
  proxies: ProxyRepository;
  credentials: CredentialRepository;
  status: StorageStatus;
  close(): Promise<void>;
  reopen(): Promise<StorageUnderTest>;
}

const T0 = 1_700_000_000_000;

export function taskDoc(id: string, overrides: Partial<TaskDocument> = {}): TaskDocument {
  return {
    id,
    name: `Task ${id}`,
    createdAt: T0,
    updatedAt: T0,
    mode: 'agent',
    url: 'https://example.com/',
    actions: [{ id: 'act_1', type: 'click', selector: '#go', nested: { deep: [1, 2, { x: null }] } }],
    variables: { q: { type: 'string', value: 'lamp' } },
    customTopLevelField: { kept: true },
    ...overrides,
  };
}

export function taskVersion(task: TaskDocument, n: number, overrides: Partial<TaskVersion> = {}): TaskVersion {
  return {
    id: `ver_${String(n).padStart(4, '0')}`,
    taskId: task.id,
    timestamp: T0 + n * 1000,
    reason: 'patch',
    snapshot: task,
    ...overrides,
  };
}

export function executionRecord(id: string, overrides: Partial<ExecutionRecord> = {}): ExecutionRecord {
  return {
    id,
    runId: `run_${id}`,
    taskId: 'task_1',
    taskName: 'Task one',
    mode: 'agent',
    source: 'api',
    method: 'POST',
    path: '/tasks/task_1/api',
    status: null,
    phase: 'queued',
    outcome: null,
    timestamp: T0,
    startedAt: null,
    finishedAt: null,
    durationMs: null,
    url: 'https://example.com/',
    taskSnapshot: { id: 'task_1', name: 'Task one', actions: [] },
    variables: { q: 'lamp', n: 3, nested: { list: [true, null] } },
    result: null,
    webhook: null,
    parentExecutionId: null,
    attempt: 1,
    idempotencyKey: null,
    idempotencyFingerprint: null,
    stopRequestedAt: null,
    instanceId: null,
    heartbeatAt: null,
    eventsTruncated: false,
    ...overrides,
  };
}

export function finishedRecord(id: string, timestamp: number, overrides: Partial<ExecutionRecord> = {}): ExecutionRecord {
  return executionRecord(id, {
    timestamp,
    phase: 'finished',
    outcome: 'success',
    status: 200,
    startedAt: timestamp + 10,
    finishedAt: timestamp + 110,
    durationMs: 100,
    result: { outcome: 'success', data: { rows: [1, 2] } },
    ...overrides,
  });
}

function event(seq: number, extra: Record<string, string | number | null> = {}): StoredEvent {
  return { seq, ts: T0 + seq, event: 'log', message: `line ${seq}`, level: 'info', actionId: null, ...extra };
}

function proxy(id: string, createdAt: number, overrides: Partial<StoredProxy> = {}): StoredProxy {
  return { id, server: `http://${id}.example:8080`, createdAt, ...overrides };
}

function credential(id: string, createdAt: number, overrides: Partial<StoredCredential> = {}): StoredCredential {
  return {
    id,
    name: `Cred ${id}`,
    provider: 'baserow',
    config: { baseUrl: 'https://baserow.example', tokenEnc: `enc:${id}` },
    createdAt,
    updatedAt: createdAt,
    ...overrides,
  };
}

/** Reference order of the executions list: timestamp desc, then id desc (code-unit order). */
function listOrder(a: { timestamp: number; id: string }, b: { timestamp: number; id: string }): number {
  if (a.timestamp !== b.timestamp) return b.timestamp - a.timestamp;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

async function expectConflict(p: Promise<unknown>, field: UniqueConflictError['field'], existingId: string): Promise<void> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UniqueConflictError);
  expect((err as UniqueConflictError).field).toBe(field);
  expect((err as UniqueConflictError).existingId).toBe(existingId);
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function describeRepositoryContract(providerName: string, makeStorage: () => Promise<StorageUnderTest>): void {
  describe(`storage contract: ${providerName}`, () => {
    let s: StorageUnderTest;

    beforeEach(async () => {
      s = await makeStorage();
    });

    afterEach(async () => {
      await s?.close();
    });

    describe('StorageStatus', () => {
      it('is ready, available and probes healthy after open', async () => {
        expect(['json', 'postgres']).toContain(s.status.kind);
        await expect(s.status.whenReady()).resolves.toBeUndefined();
        await expect(s.status.probe()).resolves.toBeUndefined();
        expect(s.status.isAvailable()).toBe(true);
      });
    });

    describe('TaskRepository', () => {
      it('starts empty', async () => {
        expect(await s.tasks.list()).toEqual([]);
        expect(await s.tasks.listSummaries()).toEqual([]);
        expect(await s.tasks.get('task_missing')).toBeNull();
        expect(await s.tasks.listVersions('task_missing')).toEqual([]);
      });

      it('stores the body verbatim, including unknown fields, and replaces by id', async () => {
        const task = taskDoc('task_1', { description: 'first' });
        await s.tasks.save(task);
        expect(await s.tasks.get('task_1')).toEqual(task);

        const replaced = taskDoc('task_1', { name: 'Renamed', updatedAt: T0 + 5, actions: [] });
        await s.tasks.save(replaced);
        expect(await s.tasks.get('task_1')).toEqual(replaced);
        expect(await s.tasks.list()).toHaveLength(1);
      });

      it('returns copies: mutating a returned or saved object does not change the stored task', async () => {
        const task = taskDoc('task_1');
        await s.tasks.save(task);
        task.name = 'mutated after save';
        const got = await s.tasks.get('task_1');
        expect(got?.name).toBe('Task task_1');
        got!.name = 'mutated after get';
        (got!.actions as { id: string }[])[0].id = 'changed';
        const again = await s.tasks.get('task_1');
        expect(again?.name).toBe('Task task_1');
        expect(again).toEqual(taskDoc('task_1'));
      });

      it('lists tasks and summaries newest updatedAt first', async () => {
        await s.tasks.save(taskDoc('task_a', { updatedAt: T0 + 1, description: 'A' }));
        await s.tasks.save(taskDoc('task_c', { updatedAt: T0 + 3 }));
        await s.tasks.save(taskDoc('task_b', { updatedAt: T0 + 2, description: 'B' }));
        expect((await s.tasks.list()).map((t) => t.id)).toEqual(['task_c', 'task_b', 'task_a']);
        expect(await s.tasks.list()).toEqual([
          taskDoc('task_c', { updatedAt: T0 + 3 }),
          taskDoc('task_b', { updatedAt: T0 + 2, description: 'B' }),
          taskDoc('task_a', { updatedAt: T0 + 1, description: 'A' }),
        ]);
        const summaries = await s.tasks.listSummaries();
        expect(summaries).toEqual([
          { id: 'task_c', name: 'Task task_c' },
          { id: 'task_b', name: 'Task task_b', description: 'B' },
          { id: 'task_a', name: 'Task task_a', description: 'A' },
        ]);
        expect(summaries[0]).not.toHaveProperty('actions');
      });

      it('accepts legacy ids with dots, colons and dashes, each distinct', async () => {
        const ids = ['my.task:v1', 'my_task_v1', 'my-task-v1', 'a.b', 'a_b', 'A.B'];
        for (const [i, id] of ids.entries()) await s.tasks.save(taskDoc(id, { updatedAt: T0 + i }));
        for (const id of ids) expect((await s.tasks.get(id))?.id).toBe(id);
        expect((await s.tasks.list()).map((t) => t.id)).toEqual([...ids].reverse());
        expect(await s.tasks.delete('a.b')).toBe(true);
        expect(await s.tasks.get('a_b')).not.toBeNull();
        expect(await s.tasks.get('a.b')).toBeNull();
      });

      it('stores versions with the save and lists their metadata newest first', async () => {
        const v1Task = taskDoc('task_1', { name: 'One', mode: 'scrape' });
        await s.tasks.save(v1Task, taskVersion(v1Task, 1, { reason: 'post' }));
        const v2Task = taskDoc('task_1', { name: 'Two', updatedAt: T0 + 2000 });
        await s.tasks.save(v2Task, taskVersion(v2Task, 2, { reason: 'put' }));

        expect(await s.tasks.get('task_1')).toEqual(v2Task);
        expect(await s.tasks.listVersions('task_1')).toEqual([
          { id: 'ver_0002', taskId: 'task_1', timestamp: T0 + 2000, reason: 'put', name: 'Two', mode: 'agent' },
          { id: 'ver_0001', taskId: 'task_1', timestamp: T0 + 1000, reason: 'post', name: 'One', mode: 'scrape' },
        ]);
        expect(await s.tasks.getVersion('task_1', 'ver_0001')).toEqual(taskVersion(v1Task, 1, { reason: 'post' }));
        expect(await s.tasks.getVersion('task_1', 'ver_9999')).toBeNull();
        expect(await s.tasks.getVersion('task_other', 'ver_0001')).toBeNull();
      });

      it('keeps existing versions when saving without a version', async () => {
        const t = taskDoc('task_1');
        await s.tasks.save(t, taskVersion(t, 1));
        await s.tasks.save(taskDoc('task_1', { name: 'No version' }));
        expect((await s.tasks.listVersions('task_1')).map((v) => v.id)).toEqual(['ver_0001']);
        expect((await s.tasks.get('task_1'))?.name).toBe('No version');
      });

      it(`keeps only the newest ${MAX_VERSIONS_PER_TASK} versions per task`, async () => {
        const total = MAX_VERSIONS_PER_TASK + 5;
        for (let n = 1; n <= total; n++) {
          const t = taskDoc('task_1', { name: `v${n}`, updatedAt: T0 + n });
          await s.tasks.save(t, taskVersion(t, n));
        }
        await s.tasks.save(taskDoc('task_2'), taskVersion(taskDoc('task_2'), 1));
        const versions = await s.tasks.listVersions('task_1');
        expect(versions).toHaveLength(MAX_VERSIONS_PER_TASK);
        expect(versions[0].id).toBe(`ver_${String(total).padStart(4, '0')}`);
        expect(versions[versions.length - 1].id).toBe('ver_0006');
        expect(await s.tasks.getVersion('task_1', 'ver_0005')).toBeNull();
        expect((await s.tasks.getVersion('task_1', 'ver_0006'))?.snapshot.name).toBe('v6');
        expect(await s.tasks.listVersions('task_2')).toHaveLength(1);
      });

      it('deletes one version, clears versions, and deletes a task with its versions', async () => {
        const t = taskDoc('task_1');
        for (let n = 1; n <= 3; n++) await s.tasks.save(t, taskVersion(t, n));
        const other = taskDoc('task_2');
        await s.tasks.save(other, taskVersion(other, 7));

        expect(await s.tasks.deleteVersion('task_1', 'ver_0002')).toBe(true);
        expect(await s.tasks.deleteVersion('task_1', 'ver_0002')).toBe(false);
        expect(await s.tasks.deleteVersion('task_1', 'ver_0007')).toBe(false);
        expect((await s.tasks.listVersions('task_1')).map((v) => v.id)).toEqual(['ver_0003', 'ver_0001']);

        await s.tasks.clearVersions('task_1');
        expect(await s.tasks.listVersions('task_1')).toEqual([]);
        expect(await s.tasks.get('task_1')).toEqual(t);

        expect(await s.tasks.delete('task_2')).toBe(true);
        expect(await s.tasks.delete('task_2')).toBe(false);
        expect(await s.tasks.get('task_2')).toBeNull();
        expect(await s.tasks.listVersions('task_2')).toEqual([]);
        expect(await s.tasks.getVersion('task_2', 'ver_0007')).toBeNull();
        expect((await s.tasks.list()).map((x) => x.id)).toEqual(['task_1']);
      });

      it('does not resurrect versions of a deleted task when the id is reused', async () => {
        const t = taskDoc('task_1');
        await s.tasks.save(t, taskVersion(t, 1));
        await s.tasks.delete('task_1');
        await s.tasks.save(t);
        expect(await s.tasks.listVersions('task_1')).toEqual([]);
      });
    });

    describe('ExecutionRepository: records', () => {
      it('creates and reads back a full record; unknown ids give null', async () => {
        const rec = executionRecord('exec_01', {
          webhook: {
            url: 'https://hooks.example/x?token=1',
            deliveryId: 'dlv_1',
            state: 'pending',
            attempts: [{ attempt: 1, at: T0, durationMs: 5, statusCode: null, ok: false, error: 'ECONNREFUSED' }],
            nextAttemptAt: T0 + 1000,
            body: '{"a":1}',
          },
          idempotencyKey: 'key-1',
          idempotencyFingerprint: 'ab'.repeat(32),
        });
        await s.executions.create(rec);
        expect(await s.executions.get('exec_01')).toEqual(rec);
        expect(await s.executions.findByRunId('run_exec_01')).toEqual(rec);
        expect(await s.executions.findByIdempotencyKey('key-1')).toEqual(rec);
        expect(await s.executions.get('exec_99')).toBeNull();
        expect(await s.executions.findByRunId('run_missing')).toBeNull();
        expect(await s.executions.findByIdempotencyKey('missing')).toBeNull();
      });

      it('returns copies of records', async () => {
        await s.executions.create(executionRecord('exec_01'));
        const got = await s.executions.get('exec_01');
        got!.phase = 'finished';
        (got!.variables as { q: string }).q = 'changed';
        expect(await s.executions.get('exec_01')).toEqual(executionRecord('exec_01'));
      });

      it('rejects duplicate id, runId and idempotencyKey with UniqueConflictError naming the holder', async () => {
        await s.executions.create(executionRecord('exec_01', { idempotencyKey: 'k1' }));
        await expectConflict(s.executions.create(executionRecord('exec_01', { runId: 'run_other' })), 'id', 'exec_01');
        await expectConflict(s.executions.create(executionRecord('exec_02', { runId: 'run_exec_01' })), 'runId', 'exec_01');
        await expectConflict(s.executions.create(executionRecord('exec_03', { idempotencyKey: 'k1' })), 'idempotencyKey', 'exec_01');
        expect(await s.executions.get('exec_02')).toBeNull();
        expect(await s.executions.get('exec_03')).toBeNull();
        // null idempotency keys never conflict
        await s.executions.create(executionRecord('exec_04'));
        await s.executions.create(executionRecord('exec_05'));
        expect((await s.executions.list({}, 10)).map((e) => e.id).sort()).toEqual(['exec_01', 'exec_04', 'exec_05']);
      });

      it('lets exactly one of many concurrent creates with the same runId win', async () => {
        const results = await Promise.allSettled(
          Array.from({ length: 8 }, (_, i) => s.executions.create(executionRecord(`exec_1${i}`, { runId: 'run_shared' }))),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(rejected).toHaveLength(7);
        for (const r of rejected) expect(r.reason).toBeInstanceOf(UniqueConflictError);
        const winner = await s.executions.findByRunId('run_shared');
        expect(winner).not.toBeNull();
        for (const r of rejected) expect((r.reason as UniqueConflictError).existingId).toBe(winner!.id);
      });

      it('frees runId and idempotencyKey after delete', async () => {
        await s.executions.create(executionRecord('exec_01', { idempotencyKey: 'k1' }));
        expect(await s.executions.delete('exec_01')).toBe(true);
        expect(await s.executions.findByRunId('run_exec_01')).toBeNull();
        expect(await s.executions.findByIdempotencyKey('k1')).toBeNull();
        await s.executions.create(executionRecord('exec_02', { runId: 'run_exec_01', idempotencyKey: 'k1' }));
        expect((await s.executions.findByIdempotencyKey('k1'))?.id).toBe('exec_02');
      });
    });

    describe('ExecutionRepository: list', () => {
      const seed = [
        finishedRecord('exec_01', T0 + 100, { taskId: 'task_a', source: 'api' }),
        finishedRecord('exec_02', T0 + 300, { taskId: 'task_b', outcome: 'error', error: 'boom', errorCode: 'ACTION_FAILED', source: 'schedule' }),
        finishedRecord('exec_03', T0 + 300, { taskId: 'task_a', outcome: 'stopped', error: 'stopped', errorCode: 'STOPPED' }),
        executionRecord('exec_04', { timestamp: T0 + 300, taskId: 'task_a', phase: 'running', startedAt: T0 + 301 }),
        executionRecord('exec_05', { timestamp: T0 + 500, taskId: null, taskName: null, source: 'adhoc', status: 202 }),
        finishedRecord('exec_06', T0 + 200, { taskId: 'task_b', outcome: 'anti_bot', error: 'blocked', errorCode: 'ANTI_BOT_DETECTED' }),
        finishedRecord('exec_07', T0 + 100, { taskId: 'task_a', outcome: 'crashed', error: 'died', errorCode: 'BROWSER_CRASHED' }),
        executionRecord('exec_08', { timestamp: T0 + 600, taskId: 'task_b', status: 202 }),
      ];
      const ordered = [...seed].sort(listOrder);
      const idsOf = (items: ExecutionSummary[]) => items.map((e) => e.id);

      beforeEach(async () => {
        // insert in a scrambled order so that insertion order cannot fake the sort
        for (const i of [4, 0, 7, 2, 5, 1, 6, 3]) await s.executions.create(seed[i]);
      });

      it('sorts by timestamp desc then id desc and honours limit', async () => {
        expect(idsOf(await s.executions.list({}, 100))).toEqual(ordered.map((e) => e.id));
        expect(idsOf(await s.executions.list({}, 100))).toEqual(['exec_08', 'exec_05', 'exec_04', 'exec_03', 'exec_02', 'exec_06', 'exec_07', 'exec_01']);
        expect(idsOf(await s.executions.list({}, 3))).toEqual(['exec_08', 'exec_05', 'exec_04']);
      });

      it('returns summaries with exactly the summary fields', async () => {
        const [item] = await s.executions.list({ runId: 'run_exec_02' }, 10);
        const full = seed[1];
        expect(item).toEqual({
          id: full.id,
          runId: full.runId,
          taskId: full.taskId,
          taskName: full.taskName,
          mode: full.mode,
          source: full.source,
          method: full.method,
          path: full.path,
          status: full.status,
          phase: full.phase,
          outcome: full.outcome,
          timestamp: full.timestamp,
          startedAt: full.startedAt,
          finishedAt: full.finishedAt,
          durationMs: full.durationMs,
          url: full.url,
          error: 'boom',
          errorCode: 'ACTION_FAILED',
        });
        for (const field of ['taskSnapshot', 'variables', 'result', 'webhook', 'idempotencyFingerprint']) {
          expect(item).not.toHaveProperty(field);
        }
        const [ok] = await s.executions.list({ runId: 'run_exec_01' }, 10);
        expect(ok.error).toBeUndefined();
        expect(ok.errorCode).toBeUndefined();
      });

      it('filters by status, outcome list, phase, taskId, runId, source and before', async () => {
        expect(idsOf(await s.executions.list({ status: 202 }, 100))).toEqual(['exec_08', 'exec_05']);
        expect(idsOf(await s.executions.list({ status: 200 }, 100))).toEqual(['exec_03', 'exec_02', 'exec_06', 'exec_07', 'exec_01']);
        expect(idsOf(await s.executions.list({ outcome: ['error'] }, 100))).toEqual(['exec_02']);
        expect(idsOf(await s.executions.list({ outcome: ['crashed', 'anti_bot', 'stopped'] }, 100))).toEqual(['exec_03', 'exec_06', 'exec_07']);
        expect(idsOf(await s.executions.list({ phase: 'queued' }, 100))).toEqual(['exec_08', 'exec_05']);
        expect(idsOf(await s.executions.list({ phase: 'running' }, 100))).toEqual(['exec_04']);
        expect(idsOf(await s.executions.list({ taskId: 'task_a' }, 100))).toEqual(['exec_04', 'exec_03', 'exec_07', 'exec_01']);
        expect(idsOf(await s.executions.list({ runId: 'run_exec_06' }, 100))).toEqual(['exec_06']);
        expect(idsOf(await s.executions.list({ source: 'schedule' }, 100))).toEqual(['exec_02']);
        expect(idsOf(await s.executions.list({ source: 'adhoc' }, 100))).toEqual(['exec_05']);
        expect(idsOf(await s.executions.list({ before: T0 + 300 }, 100))).toEqual(['exec_06', 'exec_07', 'exec_01']);
        expect(idsOf(await s.executions.list({ taskId: 'task_a', phase: 'finished', outcome: ['success', 'crashed'] }, 100))).toEqual(['exec_07', 'exec_01']);
        expect(await s.executions.list({ taskId: 'task_none' }, 100)).toEqual([]);
      });

      it('pages with the keyset cursor without gaps or duplicates, across equal timestamps', async () => {
        for (const pageSize of [1, 2, 3]) {
          const seen: string[] = [];
          let after: { timestamp: number; id: string } | undefined;
          for (let guard = 0; guard < 20; guard++) {
            const page = await s.executions.list(after ? { after } : {}, pageSize);
            seen.push(...idsOf(page));
            if (page.length < pageSize) break;
            const last = page[page.length - 1];
            after = { timestamp: last.timestamp, id: last.id };
          }
          expect(seen).toEqual(ordered.map((e) => e.id));
        }
      });

      it('combines the cursor with filters and with before', async () => {
        const page1 = await s.executions.list({ taskId: 'task_a' }, 2);
        expect(idsOf(page1)).toEqual(['exec_04', 'exec_03']);
        const page2 = await s.executions.list({ taskId: 'task_a', after: { timestamp: T0 + 300, id: 'exec_03' } }, 2);
        expect(idsOf(page2)).toEqual(['exec_07', 'exec_01']);
        // a cursor inside a run of equal timestamps
        expect(idsOf(await s.executions.list({ after: { timestamp: T0 + 300, id: 'exec_04' } }, 2))).toEqual(['exec_03', 'exec_02']);
        // the cursor does not need to name an existing execution
        expect(idsOf(await s.executions.list({ after: { timestamp: T0 + 300, id: 'exec_025' } }, 10))).toEqual(['exec_02', 'exec_06', 'exec_07', 'exec_01']);
        expect(idsOf(await s.executions.list({ before: T0 + 500, after: { timestamp: T0 + 300, id: 'exec_03' } }, 10))).toEqual(['exec_02', 'exec_06', 'exec_07', 'exec_01']);
        expect(idsOf(await s.executions.list({ before: T0 + 200, after: { timestamp: T0 + 600, id: 'exec_08' } }, 10))).toEqual(['exec_07', 'exec_01']);
      });
    });

    describe('ExecutionRepository: guarded update', () => {
      it('applies a patch and returns the updated record', async () => {
        await s.executions.create(executionRecord('exec_01'));
        const updated = await s.executions.update('exec_01', { phase: 'running', startedAt: T0 + 5, instanceId: 'inst_1' }, ['queued']);
        const expected = executionRecord('exec_01', { phase: 'running', startedAt: T0 + 5, instanceId: 'inst_1' });
        expect(updated).toEqual(expected);
        expect(await s.executions.get('exec_01')).toEqual(expected);
        expect(await s.executions.list({ phase: 'running' }, 10)).toHaveLength(1);
        expect(await s.executions.list({ phase: 'queued' }, 10)).toHaveLength(0);
      });

      it('refuses when the phase does not match and changes nothing', async () => {
        await s.executions.create(executionRecord('exec_01', { phase: 'running' }));
        expect(await s.executions.update('exec_01', { phase: 'finished', outcome: 'success' }, ['queued'])).toBeNull();
        expect(await s.executions.get('exec_01')).toEqual(executionRecord('exec_01', { phase: 'running' }));
        const ok = await s.executions.update('exec_01', { stopRequestedAt: T0 + 9 }, ['queued', 'running']);
        expect(ok?.stopRequestedAt).toBe(T0 + 9);
      });

      it('updates without a guard, and returns null for an unknown id', async () => {
        await s.executions.create(executionRecord('exec_01', { phase: 'finished' }));
        expect((await s.executions.update('exec_01', { heartbeatAt: T0 + 1 }))?.heartbeatAt).toBe(T0 + 1);
        expect(await s.executions.update('exec_missing', { heartbeatAt: 1 })).toBeNull();
        expect(await s.executions.update('exec_missing', { heartbeatAt: 1 }, ['queued'])).toBeNull();
        expect(await s.executions.get('exec_missing')).toBeNull();
      });

      it('stores nested patch values (result, webhook attempts) as given', async () => {
        await s.executions.create(executionRecord('exec_01', { phase: 'running' }));
        const webhook = {
          url: 'https://hooks.example/',
          deliveryId: 'dlv_1',
          state: 'delivered' as const,
          attempts: [{ attempt: 1, at: T0, durationMs: 12, statusCode: 200, ok: true }],
          nextAttemptAt: null,
          body: null,
        };
        const result = { outcome: 'success', data: { items: [{ a: 1 }, { a: 'x' }] }, logs: ['l1'] };
        const done = await s.executions.update(
          'exec_01',
          { phase: 'finished', outcome: 'error', error: 'boom', errorCode: 'ACTION_FAILED', status: 200, result, webhook, eventsTruncated: true },
          ['running'],
        );
        expect(done?.result).toEqual(result);
        expect(done?.webhook).toEqual(webhook);
        const [summary] = await s.executions.list({}, 1);
        expect(summary.error).toBe('boom');
        expect(summary.errorCode).toBe('ACTION_FAILED');
        expect((await s.executions.get('exec_01'))?.eventsTruncated).toBe(true);
      });

      it('lets exactly one of many concurrent guarded claims win', async () => {
        await s.executions.create(executionRecord('exec_01'));
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) => s.executions.update('exec_01', { phase: 'running', instanceId: `inst_${i}` }, ['queued'])),
        );
        const winners = results.filter((r) => r !== null);
        expect(winners).toHaveLength(1);
        expect((await s.executions.get('exec_01'))?.instanceId).toBe(winners[0]!.instanceId);
      });
    });

    describe('ExecutionRepository: events and results', () => {
      beforeEach(async () => {
        await s.executions.create(executionRecord('exec_01'));
        await s.executions.create(executionRecord('exec_02'));
      });

      it('appends events and lists them in seq order, after a given seq', async () => {
        expect(await s.executions.listEvents('exec_01')).toEqual([]);
        await s.executions.appendEvents('exec_01', [event(1, { event: 'phase', phase: 'queued' }), event(2)]);
        await s.executions.appendEvents('exec_02', [event(1)]);
        await s.executions.appendEvents('exec_01', [event(3, { event: 'action', actionId: 'act_1', type: 'click', status: 'success', durationMs: 4 })]);
        await s.executions.appendEvents('exec_01', []);
        const all = await s.executions.listEvents('exec_01');
        expect(all).toEqual([event(1, { event: 'phase', phase: 'queued' }), event(2), event(3, { event: 'action', actionId: 'act_1', type: 'click', status: 'success', durationMs: 4 })]);
        expect((await s.executions.listEvents('exec_01', 0)).map((e) => e.seq)).toEqual([1, 2, 3]);
        expect((await s.executions.listEvents('exec_01', 1)).map((e) => e.seq)).toEqual([2, 3]);
        expect(await s.executions.listEvents('exec_01', 3)).toEqual([]);
        expect(await s.executions.listEvents('exec_02')).toEqual([event(1)]);
        expect(await s.executions.listEvents('exec_missing')).toEqual([]);
      });

      it('keeps events appended concurrently, none lost', async () => {
        await Promise.all(Array.from({ length: 25 }, (_, i) => s.executions.appendEvents('exec_01', [event(i * 2 + 1), event(i * 2 + 2)])));
        const seqs = (await s.executions.listEvents('exec_01')).map((e) => e.seq);
        expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      });

      it('keeps message text with newlines and unicode intact', async () => {
        const tricky = event(1, { message: 'line one\nline two\r\n\u2028 \u{1F600} "quoted" \\ back' });
        await s.executions.appendEvents('exec_01', [tricky]);
        expect(await s.executions.listEvents('exec_01')).toEqual([tricky]);
      });

      it('stores the full result separately from the record', async () => {
        expect(await s.executions.getFullResult('exec_01')).toBeNull();
        const full = { outcome: 'success', data: { rows: Array.from({ length: 50 }, (_, i) => ({ i })) }, logs: ['a', 'b'] };
        await s.executions.saveFullResult('exec_01', full);
        expect(await s.executions.getFullResult('exec_01')).toEqual(full);
        expect((await s.executions.get('exec_01'))?.result).toBeNull();
        await s.executions.saveFullResult('exec_01', ['replaced', 1, null]);
        expect(await s.executions.getFullResult('exec_01')).toEqual(['replaced', 1, null]);
        expect(await s.executions.getFullResult('exec_02')).toBeNull();
        expect(await s.executions.getFullResult('exec_missing')).toBeNull();
      });

      it('delete removes record, events and result; a second delete returns false', async () => {
        await s.executions.appendEvents('exec_01', [event(1)]);
        await s.executions.saveFullResult('exec_01', { x: 1 });
        expect(await s.executions.delete('exec_01')).toBe(true);
        expect(await s.executions.get('exec_01')).toBeNull();
        expect(await s.executions.listEvents('exec_01')).toEqual([]);
        expect(await s.executions.getFullResult('exec_01')).toBeNull();
        expect(await s.executions.delete('exec_01')).toBe(false);
        expect((await s.executions.list({}, 10)).map((e) => e.id)).toEqual(['exec_02']);
        // a new execution with the same id starts with no events and no result
        await s.executions.create(executionRecord('exec_01', { runId: 'run_new' }));
        expect(await s.executions.listEvents('exec_01')).toEqual([]);
        expect(await s.executions.getFullResult('exec_01')).toBeNull();
      });
    });

    describe('ExecutionRepository: active, webhooks, counts, cleanup', () => {
      beforeEach(async () => {
        await s.executions.create(finishedRecord('exec_01', T0 + 1));
        await s.executions.create(executionRecord('exec_02', { timestamp: T0 + 30, phase: 'running' }));
        await s.executions.create(executionRecord('exec_03', { timestamp: T0 + 10 }));
        await s.executions.create(executionRecord('exec_04', { timestamp: T0 + 20 }));
        await s.executions.create(finishedRecord('exec_05', T0 + 5, { webhook: { url: 'https://h.example/', deliveryId: 'dlv_5', state: 'pending', attempts: [] } }));
        await s.executions.create(finishedRecord('exec_06', T0 + 6, { webhook: { url: 'https://h.example/', deliveryId: 'dlv_6', state: 'delivering', attempts: [] } }));
        await s.executions.create(finishedRecord('exec_07', T0 + 7, { webhook: { url: 'https://h.example/', deliveryId: 'dlv_7', state: 'delivered', attempts: [] } }));
        await s.executions.create(finishedRecord('exec_08', T0 + 8, { webhook: { url: 'https://h.example/', deliveryId: 'dlv_8', state: 'failed', attempts: [] } }));
      });

      it('lists active executions oldest first with full records', async () => {
        const active = await s.executions.listActive();
        expect(active.map((e) => e.id)).toEqual(['exec_03', 'exec_04', 'exec_02']);
        expect(active[0]).toEqual(executionRecord('exec_03', { timestamp: T0 + 10 }));
      });

      it('lists executions whose webhook is pending or delivering', async () => {
        const pending = await s.executions.listPendingWebhooks();
        expect(pending.map((e) => e.id).sort()).toEqual(['exec_05', 'exec_06']);
        expect(pending.find((e) => e.id === 'exec_05')?.webhook?.deliveryId).toBe('dlv_5');
        await s.executions.update('exec_05', { webhook: { url: 'https://h.example/', deliveryId: 'dlv_5', state: 'delivered', attempts: [] } });
        expect((await s.executions.listPendingWebhooks()).map((e) => e.id)).toEqual(['exec_06']);
      });

      it('counts queued and running executions', async () => {
        expect(await s.executions.countByPhase()).toEqual({ queued: 2, running: 1 });
        await s.executions.update('exec_03', { phase: 'running' }, ['queued']);
        expect(await s.executions.countByPhase()).toEqual({ queued: 1, running: 2 });
      });

      it('deleteFinished deletes every finished execution with its events and keeps active ones', async () => {
        await s.executions.appendEvents('exec_01', [event(1)]);
        await s.executions.saveFullResult('exec_01', { x: 1 });
        await s.executions.appendEvents('exec_02', [event(1)]);
        expect(await s.executions.deleteFinished()).toBe(5);
        expect((await s.executions.list({}, 100)).map((e) => e.id)).toEqual(['exec_02', 'exec_04', 'exec_03']);
        expect(await s.executions.listEvents('exec_01')).toEqual([]);
        expect(await s.executions.getFullResult('exec_01')).toBeNull();
        expect(await s.executions.listEvents('exec_02')).toEqual([event(1)]);
        expect(await s.executions.deleteFinished()).toBe(0);
      });

      it('prune keeps the newest finished executions and never touches active ones', async () => {
        await s.executions.appendEvents('exec_01', [event(1)]);
        await s.executions.saveFullResult('exec_01', { x: 1 });
        // finished by timestamp desc: 08, 07, 06, 05, 01
        expect(await s.executions.prune(3)).toBe(2);
        expect((await s.executions.list({ phase: 'finished' }, 100)).map((e) => e.id)).toEqual(['exec_08', 'exec_07', 'exec_06']);
        expect(await s.executions.get('exec_01')).toBeNull();
        expect(await s.executions.listEvents('exec_01')).toEqual([]);
        expect(await s.executions.getFullResult('exec_01')).toBeNull();
        expect(await s.executions.prune(3)).toBe(0);
        expect(await s.executions.prune(0)).toBe(3);
        expect((await s.executions.list({}, 100)).map((e) => e.id)).toEqual(['exec_02', 'exec_04', 'exec_03']);
      });
    });

    describe('SettingsRepository', () => {
      it('gets, sets, replaces and deletes JSON values', async () => {
        expect(await s.settings.get('userAgent')).toBeUndefined();
        await s.settings.set('userAgent', 'Mozilla/5.0 test');
        await s.settings.set('proxyRotation', { defaultProxyId: null, includeDefaultInRotation: false, rotationMode: 'round-robin' });
        await s.settings.set('flag', false);
        await s.settings.set('zero', 0);
        await s.settings.set('list', [1, 'two', { three: [3] }]);
        expect(await s.settings.get('userAgent')).toBe('Mozilla/5.0 test');
        expect(await s.settings.get('proxyRotation')).toEqual({ defaultProxyId: null, includeDefaultInRotation: false, rotationMode: 'round-robin' });
        expect(await s.settings.get('flag')).toBe(false);
        expect(await s.settings.get('zero')).toBe(0);
        expect(await s.settings.get('list')).toEqual([1, 'two', { three: [3] }]);
        await s.settings.set('userAgent', 'other');
        expect(await s.settings.get('userAgent')).toBe('other');
        await s.settings.delete('userAgent');
        expect(await s.settings.get('userAgent')).toBeUndefined();
        await s.settings.delete('never-set');
        expect(await s.settings.get('flag')).toBe(false);
      });

      it('returns copies of object values', async () => {
        await s.settings.set('apiKey', { digest: 'd', preview: 'p', createdAt: T0 });
        const got = (await s.settings.get('apiKey')) as { digest: string };
        got.digest = 'changed';
        expect(await s.settings.get('apiKey')).toEqual({ digest: 'd', preview: 'p', createdAt: T0 });
      });

      it('update passes the current value, stores the result and returns it; undefined deletes', async () => {
        const seen: unknown[] = [];
        expect(
          await s.settings.update('webhookSecret', (cur) => {
            seen.push(cur);
            return 'enc:1';
          }),
        ).toBe('enc:1');
        expect(
          await s.settings.update('webhookSecret', async (cur) => {
            seen.push(cur);
            await delay(1);
            return { v: 2 };
          }),
        ).toEqual({ v: 2 });
        expect(seen).toEqual([undefined, 'enc:1']);
        expect(await s.settings.get('webhookSecret')).toEqual({ v: 2 });
        expect(await s.settings.update('webhookSecret', () => undefined)).toBeUndefined();
        expect(await s.settings.get('webhookSecret')).toBeUndefined();
      });

      it('update leaves the value unchanged when fn throws', async () => {
        await s.settings.set('cookieJar', 'enc:jar');
        await expect(
          s.settings.update('cookieJar', () => {
            throw new Error('nope');
          }),
        ).rejects.toThrow('nope');
        expect(await s.settings.get('cookieJar')).toBe('enc:jar');
      });

      it('serialises 20 concurrent read-modify-write updates of one key', async () => {
        const results = await Promise.all(
          Array.from({ length: 20 }, () =>
            s.settings.update('counter', async (cur) => {
              const n = typeof cur === 'number' ? cur : 0;
              await delay(2);
              return n + 1;
            }),
          ),
        );
        expect(await s.settings.get('counter')).toBe(20);
        expect([...results].sort((a, b) => (a as number) - (b as number))).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      });

      it('does not lose concurrent updates of different keys', async () => {
        await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            s.settings.update(`k${i}`, async () => {
              await delay(1);
              return i;
            }),
          ),
        );
        for (let i = 0; i < 10; i++) expect(await s.settings.get(`k${i}`)).toBe(i);
      });
    });

    describe('ProxyRepository', () => {
      it('saves, lists in (createdAt, id) order, gets, replaces and deletes', async () => {
        expect(await s.proxies.list()).toEqual([]);
        const full = proxy('proxy_bbbbbbbbbbbb', T0 + 1, { username: 'u', passwordEnc: 'enc:p', label: 'Main', isRotatingPool: true, estimatedPoolSize: 50 });
        await s.proxies.save(full);
        await s.proxies.save(proxy('proxy_aaaaaaaaaaaa', T0 + 1));
        await s.proxies.save(proxy('proxy_cccccccccccc', T0));
        expect((await s.proxies.list()).map((p) => p.id)).toEqual(['proxy_cccccccccccc', 'proxy_aaaaaaaaaaaa', 'proxy_bbbbbbbbbbbb']);
        expect(await s.proxies.get('proxy_bbbbbbbbbbbb')).toEqual(full);
        expect(await s.proxies.get('proxy_aaaaaaaaaaaa')).toEqual(proxy('proxy_aaaaaaaaaaaa', T0 + 1));
        expect(await s.proxies.get('proxy_missing00000')).toBeNull();

        await s.proxies.save(proxy('proxy_bbbbbbbbbbbb', T0 + 1, { label: 'Renamed' }));
        expect(await s.proxies.get('proxy_bbbbbbbbbbbb')).toEqual(proxy('proxy_bbbbbbbbbbbb', T0 + 1, { label: 'Renamed' }));
        expect(await s.proxies.list()).toHaveLength(3);

        expect(await s.proxies.delete('proxy_aaaaaaaaaaaa')).toBe(true);
        expect(await s.proxies.delete('proxy_aaaaaaaaaaaa')).toBe(false);
        expect((await s.proxies.list()).map((p) => p.id)).toEqual(['proxy_cccccccccccc', 'proxy_bbbbbbbbbbbb']);
      });

      it('saveMany inserts and replaces; deleteMany counts what existed', async () => {
        await s.proxies.save(proxy('proxy_000000000001', T0, { label: 'old' }));
        await s.proxies.saveMany([proxy('proxy_000000000001', T0, { label: 'new' }), proxy('proxy_000000000002', T0 + 1), proxy('proxy_000000000003', T0 + 2)]);
        await s.proxies.saveMany([]);
        expect((await s.proxies.list()).map((p) => [p.id, p.label])).toEqual([
          ['proxy_000000000001', 'new'],
          ['proxy_000000000002', undefined],
          ['proxy_000000000003', undefined],
        ]);
        expect(await s.proxies.deleteMany(['proxy_000000000001', 'proxy_000000000003', 'proxy_00000000000f'])).toBe(2);
        expect(await s.proxies.deleteMany([])).toBe(0);
        expect((await s.proxies.list()).map((p) => p.id)).toEqual(['proxy_000000000002']);
      });

      it('returns copies', async () => {
        await s.proxies.save(proxy('proxy_000000000001', T0));
        const [p] = await s.proxies.list();
        p.server = 'changed';
        expect((await s.proxies.get('proxy_000000000001'))?.server).toBe('http://proxy_000000000001.example:8080');
      });
    });

    describe('CredentialRepository', () => {
      it('saves, lists oldest first, gets, replaces and deletes', async () => {
        expect(await s.credentials.list()).toEqual([]);
        await s.credentials.save(credential('cred_02', T0 + 2));
        await s.credentials.save(credential('cred_01', T0 + 1));
        await s.credentials.save(credential('cred_03', T0 + 3));
        expect((await s.credentials.list()).map((c) => c.id)).toEqual(['cred_01', 'cred_02', 'cred_03']);
        expect(await s.credentials.get('cred_02')).toEqual(credential('cred_02', T0 + 2));
        expect(await s.credentials.get('cred_missing')).toBeNull();

        const renamed = credential('cred_02', T0 + 2, { name: 'Renamed', updatedAt: T0 + 99, config: { baseUrl: 'https://b2.example', tokenEnc: 'enc:new' } });
        await s.credentials.save(renamed);
        expect(await s.credentials.get('cred_02')).toEqual(renamed);
        expect((await s.credentials.list()).map((c) => c.id)).toEqual(['cred_01', 'cred_02', 'cred_03']);

        expect(await s.credentials.delete('cred_01')).toBe(true);
        expect(await s.credentials.delete('cred_01')).toBe(false);
        expect((await s.credentials.list()).map((c) => c.id)).toEqual(['cred_02', 'cred_03']);
      });
    });

    describe('persistence', () => {
      it('keeps everything across a close and reopen', async () => {
        const t1 = taskDoc('task.one:1', { updatedAt: T0 + 1 });
        await s.tasks.save(t1, taskVersion(t1, 1, { reason: 'post' }));
        await s.tasks.save(taskDoc('task_2', { updatedAt: T0 + 2 }));
        await s.executions.create(executionRecord('exec_01', { idempotencyKey: 'k1' }));
        await s.executions.create(finishedRecord('exec_02', T0 + 10));
        await s.executions.update('exec_01', { phase: 'running', startedAt: T0 + 3 }, ['queued']);
        await s.executions.appendEvents('exec_01', [event(1), event(2)]);
        await s.executions.saveFullResult('exec_02', { full: true });
        await s.settings.set('userAgent', 'UA');
        await s.settings.update('counter', () => 7);
        await s.proxies.saveMany([proxy('proxy_000000000001', T0), proxy('proxy_000000000002', T0 + 1)]);
        await s.proxies.delete('proxy_000000000001');
        await s.credentials.save(credential('cred_01', T0));

        s = await s.reopen();

        expect(await s.tasks.list()).toEqual([taskDoc('task_2', { updatedAt: T0 + 2 }), t1]);
        expect(await s.tasks.getVersion('task.one:1', 'ver_0001')).toEqual(taskVersion(t1, 1, { reason: 'post' }));
        expect(await s.executions.get('exec_01')).toEqual(executionRecord('exec_01', { idempotencyKey: 'k1', phase: 'running', startedAt: T0 + 3 }));
        expect((await s.executions.findByIdempotencyKey('k1'))?.id).toBe('exec_01');
        expect((await s.executions.findByRunId('run_exec_02'))?.id).toBe('exec_02');
        expect((await s.executions.list({}, 10)).map((e) => e.id)).toEqual(['exec_02', 'exec_01']);
        expect(await s.executions.listEvents('exec_01')).toEqual([event(1), event(2)]);
        expect(await s.executions.getFullResult('exec_02')).toEqual({ full: true });
        expect(await s.executions.countByPhase()).toEqual({ queued: 0, running: 1 });
        await expectConflict(s.executions.create(executionRecord('exec_03', { runId: 'run_exec_01' })), 'runId', 'exec_01');
        expect(await s.settings.get('userAgent')).toBe('UA');
        expect(await s.settings.get('counter')).toBe(7);
        expect(await s.proxies.list()).toEqual([proxy('proxy_000000000002', T0 + 1)]);
        expect(await s.credentials.list()).toEqual([credential('cred_01', T0)]);
        // appends continue after the reopen
        await s.executions.appendEvents('exec_01', [event(3)]);
        expect((await s.executions.listEvents('exec_01', 1)).map((e) => e.seq)).toEqual([2, 3]);
      });
    });
  });
}
