import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/app-harness.js';
import { STORAGE_PROVIDERS } from '../support/storage-matrix.js';
import { expectNoServerErrors, sleep, TaskApi, taskNotFound, validationFailed, type ErrorBody, type TaskBody } from './tasks-test-kit.js';

describe.each(STORAGE_PROVIDERS)('PATCH /api/tasks/:id (%s storage)', (storage) => {
  let t: TestApp;
  let api: TaskApi;
  let base: TaskBody;

  const seed = {
    id: 'patch-me',
    name: 'Original',
    description: 'Reads prices',
    url: 'https://shop.example.com/',
    stealth: { fatigue: false, cursorGlide: true },
    actions: [{ id: 'act_a', type: 'click', selector: '.a' }, { id: 'act_b', type: 'wait', value: '1' }],
    variables: { q: { type: 'string', value: 'lamp' }, n: { type: 'number', value: 3 } },
    custom: { keep: 1, drop: 2, inner: { x: 1, y: 2 } },
  };

  beforeAll(async () => {
    t = await startTestApp({ storage });
    api = new TaskApi(t);
    base = await api.created(seed);
  });
  afterAll(async () => t?.close());

  const versionCount = async (id = 'patch-me') => (await api.versions(id)).body.versions.length;

  it('merges objects recursively, replaces arrays, removes null members; versions the previous state', async () => {
    await sleep(5);
    const res = await api.patch('patch-me', {
      name: 'Renamed',
      description: null,
      stealth: { fatigue: true },
      actions: [{ id: 'act_c', type: 'reload' }],
      variables: { n: null, extra: { type: 'boolean', value: 'true' } },
      custom: { drop: null, inner: { y: null, z: 3 } },
    });
    expect(res.status).toBe(200);
    const { task } = res.body;
    expect(res.body).toEqual({ id: 'patch-me', updatedAt: task.updatedAt, status: 'updated', task });
    expect(task.updatedAt).toBeGreaterThan(base.updatedAt);
    expect(task.createdAt).toBe(base.createdAt);
    expect(task.name).toBe('Renamed');
    expect(task).not.toHaveProperty('description');
    expect(task.stealth).toEqual({ ...(base.stealth as object), fatigue: true, cursorGlide: true });
    expect(task.actions).toEqual([{ id: 'act_c', type: 'reload' }]);
    expect(task.variables).toEqual({ q: { type: 'string', value: 'lamp' }, extra: { type: 'boolean', value: true } });
    expect(task.custom).toEqual({ keep: 1, inner: { x: 1, z: 3 } });
    expect(task.url).toBe(base.url);
    expect((await api.get('patch-me')).body).toEqual(task);

    const versions = (await api.versions('patch-me')).body.versions;
    expect(versions).toEqual([{ id: expect.any(String), timestamp: task.updatedAt, name: 'Original', mode: 'agent', reason: 'patch' }]);
    const snapshot = await api.call<{ snapshot: TaskBody }>('GET', `/api/tasks/patch-me/versions/${versions[0].id}`);
    expect(snapshot.body.snapshot).toEqual(base);
  });

  it('reports "unchanged" without a version or a new updatedAt when the merge changes nothing', async () => {
    const current = (await api.get('patch-me')).body;
    const count = await versionCount();
    for (const patch of [
      {},
      { name: 'Renamed' },
      { name: '  Renamed  ' },
      { variables: { q: { value: 'lamp' } } },
      { stealth: { fatigue: 'true' } },
      { createdAt: 1, updatedAt: 2, versions: [] },
      { description: null },
      { id: 'patch-me', actions: current.actions },
      { custom: { inner: { y: null } } },
    ]) {
      await sleep(2);
      const res = await api.patch('patch-me', patch);
      expect({ patch, status: res.status, result: res.body.status, updatedAt: res.body.updatedAt }).toEqual({
        patch,
        status: 200,
        result: 'unchanged',
        updatedAt: current.updatedAt,
      });
      expect(res.body.task).toEqual(current);
    }
    expect(await versionCount()).toBe(count);
    expect((await api.get('patch-me')).body).toEqual(current);
  });

  it('accepts application/json as well as application/merge-patch+json', async () => {
    const res = await api.patch('patch-me', { wait: 2 }, 'application/json');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('updated');
    expect(res.body.task.wait).toBe(2);
  });

  it('keeps unknown top-level fields through patches', async () => {
    const res = await api.patch('patch-me', { brandNew: { a: [1, 2] } });
    expect(res.body.task.brandNew).toEqual({ a: [1, 2] });
    expect(res.body.task.custom).toEqual({ keep: 1, inner: { x: 1, z: 3 } });
  });

  it('validates the merged task as a whole; nothing changes on failure', async () => {
    const before = (await api.get('patch-me')).body;
    const count = await versionCount();
    const cases: Array<[unknown, string[]]> = [
      [{ name: null }, ['name']],
      [{ mode: 'scrape', url: '' }, ['url']],
      [{ actions: [{ type: 'end' }] }, ['actions[0]']],
      [{ variables: { q: { type: 'number' } } }, ['variables.q.value']],
      [{ timeoutSeconds: 'forever', wait: -1 }, ['wait', 'timeoutSeconds']],
    ];
    for (const [patch, fields] of cases) {
      const res = await api.patch('patch-me', patch);
      expect({ patch, status: res.status, body: res.body }).toEqual({ patch, status: 400, body: validationFailed(fields) });
    }
    expect((await api.get('patch-me')).body).toEqual(before);
    expect(await versionCount()).toBe(count);
  });

  it('rejects an id in the body different from the path id, non-object bodies and too-deep patches', async () => {
    const mismatch = await api.patch('patch-me', { id: 'other', name: 'x' });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body).toEqual(validationFailed(['id']));
    for (const body of ['[1]', '"x"', 'null', '3']) {
      const res = await api.call('PATCH', '/api/tasks/patch-me', body, 'application/merge-patch+json');
      expect({ body, status: res.status, error: (res.body as ErrorBody).error }).toEqual({ body, status: 400, error: 'VALIDATION_FAILED' });
    }
    const deep = `${'{"custom":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const tooDeep = await api.call('PATCH', '/api/tasks/patch-me', deep, 'application/merge-patch+json');
    expect(tooDeep.status).toBe(400);
    expect((tooDeep.body as ErrorBody).error).toBe('VALIDATION_FAILED');
    const malformed = await api.call('PATCH', '/api/tasks/patch-me', '{"name":', 'application/merge-patch+json');
    expect(malformed.status).toBe(400);
    expect((malformed.body as ErrorBody).error).toBe('INVALID_JSON');
  });

  it('answers 404 TASK_NOT_FOUND for an unknown id', async () => {
    const res = await api.patch('missing-task', { name: 'x' });
    expect(res.status).toBe(404);
    expect(res.body).toEqual(taskNotFound('missing-task'));
  });

  it('serialises concurrent writes to one task: no patch is lost', async () => {
    await api.created({ id: 'concurrent', name: 'C' });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => api.patch('concurrent', { variables: { [`v${i}`]: { type: 'number', value: i } } })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(results.every((r) => r.body.status === 'updated')).toBe(true);
    const task = (await api.get('concurrent')).body;
    expect(Object.keys(task.variables).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `v${i}`).sort());
    expect(await versionCount('concurrent')).toBe(20);
  });

  it('never answered 500', () => expectNoServerErrors(t));
});
