import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/app-harness.js';
import { STORAGE_PROVIDERS } from '../support/storage-matrix.js';
import {
  ACTION_ID,
  expectNoServerErrors,
  sleep,
  TASK_ID,
  TaskApi,
  taskNotFound,
  validationFailed,
  type ErrorBody,
  type TaskBody,
  type VersionItem,
} from './tasks-test-kit.js';

const DEFAULTS = {
  url: '',
  mode: 'agent',
  wait: 0,
  selector: '',
  rotateUserAgents: false,
  rotateProxies: false,
  rotateViewport: false,
  humanTyping: false,
  actions: [],
  variables: {},
  extractionScript: '',
  extractionFormat: 'json',
  includeHtml: false,
  includeShadowDom: true,
  disableRecording: false,
  statelessExecution: false,
  timeoutSeconds: 300,
  retryOnCrash: false,
};

describe.each(STORAGE_PROVIDERS)('tasks CRUD (%s storage)', (storage) => {
  let t: TestApp;
  let api: TaskApi;

  beforeAll(async () => {
    t = await startTestApp({ storage });
    api = new TaskApi(t);
  });
  afterAll(async () => t?.close());

  describe('POST /api/tasks', () => {
    it('creates a task with a task_<ULID> id, every default filled and action ids assigned', async () => {
      const before = Date.now();
      const res = await api.create({
        name: '  Catalogue prices ',
        url: 'https://shop.example.com/search?q={$query}',
        actions: [{ type: 'wait_selector', selector: '.product', value: '15' }, { id: 'act_mine', type: 'click', selector: 'button' }],
        variables: { query: { type: 'string', value: 'desk lamp' } },
      });
      expect(res.status).toBe(200);
      const task = res.body;
      const { actions: _a, variables: _v, ...scalarDefaults } = DEFAULTS;
      expect(task).toMatchObject({ ...scalarDefaults, name: 'Catalogue prices', url: 'https://shop.example.com/search?q={$query}' });
      expect(task.id).toMatch(TASK_ID);
      expect(task.actions[0].id).toMatch(ACTION_ID);
      expect(task.actions[1].id).toBe('act_mine');
      expect(task.variables).toEqual({ query: { type: 'string', value: 'desk lamp' } });
      expect(task.createdAt).toBe(task.updatedAt);
      expect(task.createdAt).toBeGreaterThanOrEqual(before);
      expect(task).not.toHaveProperty('versions');
      expect(Object.keys(task)[0]).toBe('id');

      const got = await api.get(task.id);
      expect(got.status).toBe(200);
      expect(got.body).toEqual(task);
    });

    it('ignores versions, createdAt and updatedAt in the body and keeps unknown top-level fields verbatim', async () => {
      const task = await api.created({
        name: 'Extras',
        versions: [{ id: 'ver_fake' }],
        createdAt: 5,
        updatedAt: 6,
        x_upstream: { nested: [1, { a: null }], flag: true },
        another: 'kept',
      });
      expect(task).not.toHaveProperty('versions');
      expect(task.createdAt).toBeGreaterThan(1_000_000);
      expect(task.x_upstream).toEqual({ nested: [1, { a: null }], flag: true });
      expect(task.another).toBe('kept');
      expect((await api.get(task.id)).body).toEqual(task);
      expect((await api.versions(task.id)).body).toEqual({ versions: [] });
    });

    it('treats a blank id as absent', async () => {
      expect((await api.created({ id: '', name: 'Blank id' })).id).toMatch(TASK_ID);
      expect((await api.created({ id: null, name: 'Null id' })).id).toMatch(TASK_ID);
    });

    it('upserts by client id: replaced wholesale, createdAt kept, updatedAt = now, no version unless asked', async () => {
      const first = await api.created({ id: 'upsert-me', name: 'First', description: 'to be dropped', wait: 5, custom: 1 });
      expect(first.id).toBe('upsert-me');
      await sleep(5);
      const second = await api.created({ id: 'upsert-me', name: 'Second' });
      expect(second).toEqual({ ...DEFAULTS, stealth: second.stealth, id: 'upsert-me', name: 'Second', createdAt: first.createdAt, updatedAt: second.updatedAt });
      expect(second.updatedAt).toBeGreaterThan(first.updatedAt);
      expect((await api.versions('upsert-me')).body.versions).toEqual([]);
    });

    it('?version=true and ?version=1 snapshot the stored task first (reason post); ?version=false does not', async () => {
      const first = await api.created({ id: 'versioned-post', name: 'V0' });
      await api.created({ id: 'versioned-post', name: 'V1' }, '?version=true');
      await api.created({ id: 'versioned-post', name: 'V2' }, '?version=1');
      await api.created({ id: 'versioned-post', name: 'V3' }, '?version=false');
      await api.created({ id: 'versioned-post', name: 'V4' }, '?version=0');
      const { body } = await api.versions('versioned-post');
      expect(body.versions.map((v: VersionItem) => [v.name, v.reason])).toEqual([
        ['V1', 'post'],
        ['V0', 'post'],
      ]);
      // A new task has nothing to snapshot.
      await api.created({ id: 'versioned-new', name: 'New' }, '?version=true');
      expect((await api.versions('versioned-new')).body.versions).toEqual([]);
      expect(first.name).toBe('V0');
    });

    it('rejects a bad ?version value', async () => {
      const res = await api.create({ name: 'Q' }, '?version=maybe');
      expect(res.status).toBe(400);
      expect(res.body).toEqual(validationFailed(['query.version']));
    });

    it('lists every validation failure in details', async () => {
      const res = await api.create({ mode: 'robot', wait: 'soon', actions: [{ type: 'teleport' }], variables: { now: 'reserved' } });
      expect(res.status).toBe(400);
      const body = res.body as unknown as ErrorBody;
      expect(body.error).toBe('VALIDATION_FAILED');
      const fields = (body.details as Array<{ field: string; message: string }>).map((d) => d.field);
      expect(fields).toEqual(expect.arrayContaining(['name', 'mode', 'wait', 'actions[0].type', 'variables.now']));
      for (const d of body.details as Array<{ field: string; message: string }>) expect(typeof d.message).toBe('string');
    });

    it('rejects bodies that are not objects, invalid ids and malformed JSON', async () => {
      for (const body of ['[1,2]', '"text"', '42', 'null']) {
        const res = await api.call('POST', '/api/tasks', body);
        expect({ body, status: res.status, error: (res.body as ErrorBody).error }).toEqual({ body, status: 400, error: 'VALIDATION_FAILED' });
      }
      const badId = await api.create({ id: '.hidden', name: 'x' });
      expect(badId.status).toBe(400);
      expect(badId.body).toEqual(validationFailed(['id']));
      const badIdAndName = await api.create({ id: 'has space', name: 7 });
      expect(badIdAndName.body).toEqual(validationFailed(['id', 'name']));
      const longId = await api.create({ id: 'a'.repeat(129), name: 'x' });
      expect(longId.body).toEqual(validationFailed(['id']));
      const numericId = await api.create({ id: 12, name: 'x' });
      expect(numericId.body).toEqual(validationFailed(['id']));
      const malformed = await api.call('POST', '/api/tasks', '{"name": ');
      expect(malformed.status).toBe(400);
      expect((malformed.body as ErrorBody).error).toBe('INVALID_JSON');
    });

    it('refuses text no storage provider can hold (U+0000, unpaired surrogates) with 400, never 500', async () => {
      const cases: Array<[string, string[]]> = [
        ['{"name":"a\\u0000b"}', ['name']],
        ['{"name":"\\ud800x"}', ['name']],
        ['{"name":"x","description":"\\udc00"}', ['description']],
        ['{"name":"x","custom":{"k\\u0000":1}}', ['custom.k\u0000']],
        ['{"name":"x","actions":[{"type":"click","selector":"a\\u0000"}]}', ['actions[0].selector']],
      ];
      for (const [body, fields] of cases) {
        const res = await api.call('POST', '/api/tasks', body);
        expect({ body, status: res.status, res: res.body }).toEqual({ body, status: 400, res: validationFailed(fields) });
      }
      expect((await api.create({ name: 'Emoji 😀 ok' })).status).toBe(200);
    });

    it('rejects a task over MAX_TASK_BYTES with field task', async () => {
      const big = await api.create({ name: 'Big', blob: 'x'.repeat(t.config.maxTaskBytes) });
      expect(big.status).toBe(400);
      expect(big.body).toEqual(validationFailed(['task']));
    });

    it('does not store the API key sent in the body', async () => {
      const res = await fetch(`${t.url}/api/tasks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ apiKey: t.apiKey, name: 'Body key' }),
      });
      expect(res.status).toBe(200);
      const task = (await res.json()) as TaskBody;
      expect(task).not.toHaveProperty('apiKey');
      expect(JSON.stringify((await api.get(task.id)).body)).not.toContain(t.apiKey);
    });
  });

  describe('GET /api/tasks and /api/tasks/list', () => {
    it('lists full tasks newest updatedAt first, without versions', async () => {
      await api.created({ id: 'order-a', name: 'A' });
      await sleep(3);
      await api.created({ id: 'order-b', name: 'B', description: 'Bee' });
      await sleep(3);
      await api.created({ id: 'order-a', name: 'A2' }, '?version=true'); // now the newest
      const res = await api.call<TaskBody[]>('GET', '/api/tasks');
      expect(res.status).toBe(200);
      const ids = res.body.map((x) => x.id);
      expect(ids.slice(0, 2)).toEqual(['order-a', 'order-b']);
      for (let i = 1; i < res.body.length; i++) expect(res.body[i - 1].updatedAt).toBeGreaterThanOrEqual(res.body[i].updatedAt);
      for (const task of res.body) expect(task).not.toHaveProperty('versions');
      expect(res.body[0]).toEqual((await api.get('order-a')).body);
    });

    it('summarises as {tasks:[{id,name,description?}]}, description only when non-empty', async () => {
      await api.created({ id: 'empty-desc', name: 'No description', description: '' });
      const res = await api.call<{ tasks: Array<Record<string, unknown>> }>('GET', '/api/tasks/list');
      expect(res.status).toBe(200);
      expect(Object.keys(res.body)).toEqual(['tasks']);
      const byId = new Map(res.body.tasks.map((s) => [s.id, s]));
      expect(byId.get('order-b')).toEqual({ id: 'order-b', name: 'B', description: 'Bee' });
      expect(byId.get('empty-desc')).toEqual({ id: 'empty-desc', name: 'No description' });
      const full = (await api.call<TaskBody[]>('GET', '/api/tasks')).body;
      expect(res.body.tasks.map((s) => s.id)).toEqual(full.map((x) => x.id));
      for (const s of res.body.tasks) expect(Object.keys(s).sort()).toEqual(s.description === undefined ? ['id', 'name'] : ['description', 'id', 'name']);
    });

    it('serves /api/tasks/list as the route even when a task has the id "list"', async () => {
      await api.created({ id: 'list', name: 'Called list' });
      const res = await api.call<{ tasks: unknown[] }>('GET', '/api/tasks/list');
      expect(res.status).toBe(200);
      expect(Array.isArray(res.body.tasks)).toBe(true);
      // The other methods reach the task.
      expect((await api.put('list', { name: 'Still list' })).body.name).toBe('Still list');
      expect((await api.call('DELETE', '/api/tasks/list')).body).toEqual({ id: 'list', deleted: true });
    });
  });

  describe('GET/PUT/DELETE /api/tasks/:id', () => {
    it('accepts ids with dots and colons, URL-decoded', async () => {
      const task = await api.created({ id: 'a.b:c', name: 'Dotted' });
      expect(task.id).toBe('a.b:c');
      for (const p of ['/api/tasks/a.b:c', '/api/tasks/a.b%3Ac', '/api/tasks/a%2Eb%3Ac']) {
        const res = await api.call<TaskBody>('GET', p);
        expect({ p, status: res.status, id: res.body.id }).toEqual({ p, status: 200, id: 'a.b:c' });
      }
      expect((await api.call('GET', '/api/tasks/a.b:c/versions')).status).toBe(200);
    });

    it('answers 404 TASK_NOT_FOUND with {id} for unknown and impossible ids', async () => {
      for (const [p, id] of [
        ['/api/tasks/nope', 'nope'],
        ['/api/tasks/task_01JD8Z6W5X3M9Q2R7T4V1B0C8N', 'task_01JD8Z6W5X3M9Q2R7T4V1B0C8N'],
        ['/api/tasks/a%00b', 'a\u0000b'],
        ['/api/tasks/%2Fetc%2Fpasswd', '/etc/passwd'],
        ['/api/tasks/%F0%9F%98%80', '😀'],
      ]) {
        const res = await api.call('GET', p);
        expect({ p, status: res.status, body: res.body }).toEqual({ p, status: 404, body: taskNotFound(id) });
      }
    });

    it('PUT replaces an existing task wholesale and snapshots the previous state (reason put)', async () => {
      const before = await api.created({ id: 'put-me', name: 'Before', description: 'gone after put', wait: 3 });
      await sleep(5);
      const res = await api.put('put-me', { name: 'After', mode: 'scrape', url: 'https://example.com/' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: 'put-me', name: 'After', mode: 'scrape', wait: 0, createdAt: before.createdAt });
      expect(res.body).not.toHaveProperty('description');
      expect(res.body.updatedAt).toBeGreaterThan(before.updatedAt);
      expect((await api.get('put-me')).body).toEqual(res.body);
      const versions = (await api.versions('put-me')).body.versions;
      expect(versions).toEqual([{ id: expect.any(String), timestamp: res.body.updatedAt, name: 'Before', mode: 'agent', reason: 'put' }]);
      // id in the body equal to the path id is fine
      expect((await api.put('put-me', { id: 'put-me', name: 'Again' })).status).toBe(200);
    });

    it('PUT: unknown id → 404 (does not create), id mismatch and invalid bodies → 400', async () => {
      const missing = await api.put('never-created', { name: 'x' });
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual(taskNotFound('never-created'));
      expect((await api.get('never-created')).status).toBe(404);

      const mismatch = await api.put('put-me', { id: 'other', name: 'x' });
      expect(mismatch.status).toBe(400);
      expect(mismatch.body).toEqual(validationFailed(['id']));
      const invalid = await api.put('put-me', { name: '', timeoutSeconds: 0 });
      expect(invalid.status).toBe(400);
      expect(invalid.body).toEqual(validationFailed(['name', 'timeoutSeconds']));
      const notObject = await api.call('PUT', '/api/tasks/put-me', '["name"]');
      expect(notObject.status).toBe(400);
      expect((notObject.body as ErrorBody).error).toBe('VALIDATION_FAILED');
      expect((await api.get('put-me')).body.name).toBe('Again');
    });

    it('DELETE removes the task and its versions', async () => {
      await api.created({ id: 'del-me', name: 'One' });
      await api.created({ id: 'del-me', name: 'Two' }, '?version=true');
      expect((await api.versions('del-me')).body.versions).toHaveLength(1);
      const res = await api.call('DELETE', '/api/tasks/del-me');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id: 'del-me', deleted: true });
      expect((await api.get('del-me')).status).toBe(404);
      expect((await api.versions('del-me')).status).toBe(404);
      const again = await api.call('DELETE', '/api/tasks/del-me');
      expect(again.status).toBe(404);
      expect(again.body).toEqual(taskNotFound('del-me'));
      // Re-created under the same id: no old versions come back.
      await api.created({ id: 'del-me', name: 'Three' });
      expect((await api.versions('del-me')).body.versions).toEqual([]);
    });
  });

  it('requires the API key and answers unknown methods with 404 NOT_FOUND', async () => {
    const noKey = await fetch(`${t.url}/api/tasks`);
    expect(noKey.status).toBe(401);
    expect(((await noKey.json()) as ErrorBody).error).toBe('UNAUTHORIZED');
    const wrongMethod = await api.call('PATCH', '/api/tasks', {});
    expect(wrongMethod.status).toBe(404);
    expect((wrongMethod.body as ErrorBody).error).toBe('NOT_FOUND');
  });

  it('never answered 500', () => expectNoServerErrors(t));
});
