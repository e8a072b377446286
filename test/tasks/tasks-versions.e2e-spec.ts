import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CredentialRepository, TaskRepository, type TaskDocument } from '../../src/storage/ports/index.js';
import { startTestApp, type TestApp } from '../support/app-harness.js';
import { STORAGE_PROVIDERS } from '../support/storage-matrix.js';
import {
  expectNoServerErrors,
  sleep,
  TaskApi,
  taskNotFound,
  validationFailed,
  VERSION_ID,
  type ErrorBody,
  type TaskBody,
  type VersionItem,
} from './tasks-test-kit.js';

interface VersionBody {
  snapshot: TaskBody;
  metadata: { id: string; timestamp: number; reason: string };
}

const versionNotFound = (id: string, versionId: string) => ({ error: 'VERSION_NOT_FOUND', message: expect.any(String), details: { id, versionId } });

describe.each(STORAGE_PROVIDERS)('task versions and rollback (%s storage)', (storage) => {
  let t: TestApp;
  let api: TaskApi;

  beforeAll(async () => {
    t = await startTestApp({ storage });
    api = new TaskApi(t);
  });
  afterAll(async () => t?.close());

  const getVersion = (id: string, versionId: string) => api.call<VersionBody>('GET', `/api/tasks/${encodeURIComponent(id)}/versions/${encodeURIComponent(versionId)}`);

  it('lists versions newest first with {id,timestamp,name,mode,reason}; name and mode come from the snapshot', async () => {
    const v0 = await api.created({ id: 'hist', name: 'H0' });
    await sleep(2);
    const v1 = (await api.patch('hist', { name: 'H1', mode: 'scrape', url: 'https://example.com/' })).body.task;
    await sleep(2);
    const v2 = await api.put('hist', { name: 'H2' });
    await sleep(2);
    await api.created({ id: 'hist', name: 'H3' }, '?version=true');
    const res = await api.versions('hist');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['versions']);
    expect(res.body.versions.map((v) => [v.name, v.mode, v.reason])).toEqual([
      ['H2', 'agent', 'post'],
      ['H1', 'scrape', 'put'],
      ['H0', 'agent', 'patch'],
    ]);
    for (const v of res.body.versions) {
      expect(Object.keys(v).sort()).toEqual(['id', 'mode', 'name', 'reason', 'timestamp']);
      expect(v.id).toMatch(VERSION_ID);
    }
    // The version taken by a write carries that write's time; the snapshot is the state before it.
    expect(res.body.versions[2].timestamp).toBe(v1.updatedAt);
    expect(res.body.versions[1].timestamp).toBe(v2.body.updatedAt);

    const oldest = await getVersion('hist', res.body.versions[2].id);
    expect(oldest.status).toBe(200);
    expect(oldest.body).toEqual({ snapshot: v0, metadata: { id: res.body.versions[2].id, timestamp: v1.updatedAt, reason: 'patch' } });
    expect(oldest.body.snapshot).not.toHaveProperty('versions');
  });

  it('404s: unknown task → TASK_NOT_FOUND, unknown version → VERSION_NOT_FOUND {id, versionId}', async () => {
    for (const [method, p] of [
      ['GET', '/api/tasks/ghost/versions'],
      ['GET', '/api/tasks/ghost/versions/ver_x'],
      ['DELETE', '/api/tasks/ghost/versions/ver_x'],
      ['POST', '/api/tasks/ghost/versions/clear'],
    ]) {
      const res = await api.call(method, p);
      expect({ method, p, status: res.status, body: res.body }).toEqual({ method, p, status: 404, body: taskNotFound('ghost') });
    }
    for (const versionId of ['ver_01JD8Z6W5X3M9Q2R7T4V1B0C8N', 'nope', 'a\u0000b', 'clear']) {
      const got = await getVersion('hist', versionId);
      expect({ versionId, status: got.status, body: got.body }).toEqual({ versionId, status: 404, body: versionNotFound('hist', versionId) });
      const del = await api.call('DELETE', `/api/tasks/hist/versions/${encodeURIComponent(versionId)}`);
      expect({ versionId, status: del.status, body: del.body }).toEqual({ versionId, status: 404, body: versionNotFound('hist', versionId) });
    }
    // A version of another task is not found under this one.
    await api.created({ id: 'other', name: 'O' });
    await api.created({ id: 'other', name: 'O2' }, '?version=true');
    const [otherVersion] = (await api.versions('other')).body.versions;
    expect((await getVersion('hist', otherVersion.id)).body).toEqual(versionNotFound('hist', otherVersion.id));
    expect((await api.call('DELETE', `/api/tasks/hist/versions/${otherVersion.id}`)).status).toBe(404);
    expect((await api.versions('other')).body.versions).toHaveLength(1);
  });

  it('deletes one version, then clears the rest', async () => {
    const before = (await api.versions('hist')).body.versions;
    const del = await api.call('DELETE', `/api/tasks/hist/versions/${before[1].id}`);
    expect(del.status).toBe(200);
    expect(del.body).toEqual({ success: true });
    expect((await api.versions('hist')).body.versions.map((v) => v.id)).toEqual([before[0].id, before[2].id]);
    const clear = await api.call('POST', '/api/tasks/hist/versions/clear');
    expect(clear.status).toBe(200);
    expect(clear.body).toEqual({ success: true });
    expect((await api.versions('hist')).body).toEqual({ versions: [] });
    expect((await api.call('POST', '/api/tasks/hist/versions/clear')).body).toEqual({ success: true });
    expect((await api.get('hist')).body.name).toBe('H3');
  });

  it('keeps at most 30 versions: the 31st drops the oldest', async () => {
    await api.created({ id: 'retention', name: 'n0' });
    for (let i = 1; i <= 31; i++) {
      const res = await api.patch('retention', { name: `n${i}` });
      expect(res.body.status).toBe('updated');
    }
    const versions = (await api.versions('retention')).body.versions;
    expect(versions).toHaveLength(30);
    // Snapshots hold n0..n30; n0 (the oldest) was dropped.
    expect(versions.map((v) => v.name)).toEqual(Array.from({ length: 30 }, (_, i) => `n${30 - i}`));
    for (let i = 1; i < versions.length; i++) expect(versions[i - 1].timestamp).toBeGreaterThanOrEqual(versions[i].timestamp);
    expect((await api.get('retention')).body.name).toBe('n31');
  });

  it('rolls back: the current state is versioned (reason rollback), the snapshot restored with updatedAt = now', async () => {
    const original = await api.created({ id: 'roll', name: 'Good', description: 'first', actions: [{ id: 'act_1', type: 'reload' }], custom: { v: 1 } });
    await sleep(3);
    const changed = (await api.put('roll', { name: 'Changed', wait: 4 })).body;
    const [version] = (await api.versions('roll')).body.versions;
    await sleep(3);
    const res = await api.rollback('roll', { versionId: version.id });
    expect(res.status).toBe(200);
    const { updatedAt, ...rest } = res.body;
    const { updatedAt: _old, ...originalRest } = original;
    expect(rest).toEqual(originalRest);
    expect(updatedAt).toBeGreaterThan(changed.updatedAt);
    expect(res.body.createdAt).toBe(original.createdAt);
    expect((await api.get('roll')).body).toEqual(res.body);
    const versions = (await api.versions('roll')).body.versions;
    expect(versions.map((v) => [v.name, v.reason])).toEqual([
      ['Changed', 'rollback'],
      ['Good', 'put'],
    ]);
    expect(versions[0].timestamp).toBe(updatedAt);
  });

  it('rollback forces the id to the path id', async () => {
    const repo = t.app.get(TaskRepository);
    const current = (await repo.get('roll')) as TaskDocument;
    const foreign = { ...current, id: 'somewhere-else', name: 'Foreign snapshot' } as TaskDocument;
    const versionId = 'ver_01JD8Z6W5X3M9Q2R7T4V1B0C8N';
    await repo.save(current, { id: versionId, taskId: 'roll', timestamp: 1, reason: 'put', snapshot: foreign });
    const res = await api.rollback('roll', { versionId });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: 'roll', name: 'Foreign snapshot' });
    expect((await api.get('somewhere-else')).status).toBe(404);
  });

  it('rollback of a snapshot that no longer validates → 400, nothing changes', async () => {
    const credentials = t.app.get(CredentialRepository);
    await credentials.save({ id: 'cred_gone', name: 'Soon gone', provider: 'baserow', config: { baseUrl: 'https://baserow.example', tokenEnc: 'x' }, createdAt: 1, updatedAt: 1 });
    await api.created({ id: 'stale', name: 'With output', output: { provider: 'baserow', credentialId: 'cred_gone', tableId: 7 } });
    await api.put('stale', { name: 'Without output' });
    await credentials.delete('cred_gone');
    const before = (await api.get('stale')).body;
    const versionsBefore = (await api.versions('stale')).body.versions;
    expect(versionsBefore).toHaveLength(1);
    const res = await api.rollback('stale', { versionId: versionsBefore[0].id });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(validationFailed(['output.credentialId']));
    expect((await api.get('stale')).body).toEqual(before);
    expect((await api.versions('stale')).body.versions).toEqual(versionsBefore);
  });

  it('rollback input errors: missing or non-string versionId → 400; unknown version or task → 404', async () => {
    for (const body of [{}, { versionId: '' }, { versionId: 42 }, { versionId: null }]) {
      const res = await api.rollback('roll', body);
      expect({ body, status: res.status, res: res.body }).toEqual({ body, status: 400, res: validationFailed(['versionId']) });
    }
    const notObject = await api.call('POST', '/api/tasks/roll/rollback', '["ver_x"]');
    expect(notObject.status).toBe(400);
    expect((notObject.body as ErrorBody).error).toBe('VALIDATION_FAILED');
    const unknownVersion = await api.rollback('roll', { versionId: 'ver_nope' });
    expect(unknownVersion.status).toBe(404);
    expect(unknownVersion.body).toEqual(versionNotFound('roll', 'ver_nope'));
    const unknownTask = await api.rollback('ghost', { versionId: 'ver_nope' });
    expect(unknownTask.status).toBe(404);
    expect(unknownTask.body).toEqual(taskNotFound('ghost'));
  });

  it('versions of a deleted task go with it', async () => {
    const items: VersionItem[] = (await api.versions('roll')).body.versions;
    expect(items.length).toBeGreaterThan(0);
    await api.call('DELETE', '/api/tasks/roll');
    await api.created({ id: 'roll', name: 'Reborn' });
    expect((await getVersion('roll', items[0].id)).status).toBe(404);
  });

  it('never answered 500', () => expectNoServerErrors(t));
});
