import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { TaskRepository } from '../../src/storage/ports/index.js';
import { startTestApp, type TestApp } from '../support/app-harness.js';
import { STORAGE_PROVIDERS } from '../support/storage-matrix.js';
import { expectNoServerErrors, mapLimit, TaskApi, type TaskBody } from './tasks-test-kit.js';

const COUNT = 1000;
const REPO_METHODS = ['list', 'listSummaries', 'get', 'save', 'delete', 'listVersions', 'getVersion', 'deleteVersion', 'clearVersions'] as const;

describe.each(STORAGE_PROVIDERS)('1,000 stored tasks (%s storage)', (storage) => {
  let t: TestApp;
  let api: TaskApi;
  const ids: string[] = [];

  beforeAll(async () => {
    t = await startTestApp({ storage });
    api = new TaskApi(t);
    const created = await mapLimit(Array.from({ length: COUNT }, (_, i) => i), 25, async (i) => {
      const body = i % 3 === 0 ? { name: `Task ${i}`, description: `About ${i}` } : { name: `Task ${i}`, description: '' };
      return api.created({ ...body, variables: { n: { type: 'number', value: i }, s: { type: 'string', value: `secret-${i}`, secret: true } } });
    });
    ids.push(...created.map((c) => c.id));
  });
  afterAll(async () => t?.close());
  afterEach(() => {
    jest.restoreAllMocks();
  });

  /** Spies on every TaskRepository method of the running app. */
  const spyRepository = () => {
    const repo = t.app.get(TaskRepository);
    return Object.fromEntries(REPO_METHODS.map((m) => [m, jest.spyOn(repo, m)])) as Record<(typeof REPO_METHODS)[number], ReturnType<typeof jest.spyOn>>;
  };
  const callCounts = (spies: ReturnType<typeof spyRepository>) => Object.fromEntries(Object.entries(spies).map(([m, s]) => [m, s.mock.calls.length]));

  it('GET /api/tasks lists all of them, newest updatedAt first, masked, in exactly one repository call', async () => {
    const spies = spyRepository();
    const res = await api.call<TaskBody[]>('GET', '/api/tasks');
    expect(res.status).toBe(200);
    expect(callCounts(spies)).toEqual({ list: 1, listSummaries: 0, get: 0, save: 0, delete: 0, listVersions: 0, getVersion: 0, deleteVersion: 0, clearVersions: 0 });
    expect(res.body).toHaveLength(COUNT);
    expect(new Set(res.body.map((x) => x.id))).toEqual(new Set(ids));
    for (let i = 1; i < res.body.length; i++) expect(res.body[i - 1].updatedAt).toBeGreaterThanOrEqual(res.body[i].updatedAt);
    for (const task of res.body) {
      expect(task.variables.s.value).toBe('••••••••');
      expect(task).not.toHaveProperty('versions');
    }
    expect(res.text).not.toContain('secret-1');
  });

  it('GET /api/tasks/list summarises all of them in exactly one repository call', async () => {
    const spies = spyRepository();
    const res = await api.call<{ tasks: Array<{ id: string; name: string; description?: string }> }>('GET', '/api/tasks/list');
    expect(res.status).toBe(200);
    expect(callCounts(spies)).toEqual({ list: 0, listSummaries: 1, get: 0, save: 0, delete: 0, listVersions: 0, getVersion: 0, deleteVersion: 0, clearVersions: 0 });
    expect(res.body.tasks).toHaveLength(COUNT);
    const full = (await api.call<TaskBody[]>('GET', '/api/tasks')).body;
    expect(res.body.tasks.map((s) => s.id)).toEqual(full.map((x) => x.id));
    for (const s of res.body.tasks) {
      const i = Number(s.name.slice('Task '.length));
      expect(s).toEqual(i % 3 === 0 ? { id: s.id, name: `Task ${i}`, description: `About ${i}` } : { id: s.id, name: `Task ${i}` });
    }
  });

  it('never answered 500', () => expectNoServerErrors(t));
});
