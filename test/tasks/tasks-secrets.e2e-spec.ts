import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TaskRepository, type TaskDocument } from '../../src/storage/ports/index.js';
import { TaskSecrets } from '../../src/tasks/task-secrets.js';
import { startTestApp, type TestApp } from '../support/app-harness.js';
import { STORAGE_PROVIDERS } from '../support/storage-matrix.js';
import {
  expectNoServerErrors,
  filesContaining,
  MASK,
  postgresTaskRows,
  TaskApi,
  validationFailed,
  type TaskBody,
} from './tasks-test-kit.js';

type Vars = Record<string, { type: string; value: unknown; secret?: boolean }>;

describe.each(STORAGE_PROVIDERS)('secret task variables (%s storage)', (storage) => {
  let t: TestApp;
  let api: TaskApi;
  const password = `pw-${randomBytes(12).toString('hex')}`;
  const jsonSecret = { token: `tok-${randomBytes(12).toString('hex')}` };
  const newPassword = `pw2-${randomBytes(12).toString('hex')}`;
  const plaintexts = [password, jsonSecret.token, newPassword];

  beforeAll(async () => {
    t = await startTestApp({ storage });
    api = new TaskApi(t);
  });
  afterAll(async () => t?.close());

  const stored = async (id: string) => (await t.app.get(TaskRepository).get(id)) as TaskDocument;
  const decrypted = async (id: string) => t.app.get(TaskSecrets).decryptTask(await stored(id)) as unknown as { variables: Vars };
  const maskedVars = { pw: { type: 'string', value: MASK, secret: true }, creds: { type: 'json', value: MASK, secret: true }, q: { type: 'string', value: 'lamp' } };

  it('masks secret values in the POST response and encrypts them at rest', async () => {
    const res = await api.create({
      id: 'secretive',
      name: 'Login',
      variables: { pw: { type: 'string', value: password, secret: true }, creds: { type: 'json', value: jsonSecret, secret: 'true' }, q: 'lamp' },
    });
    expect(res.status).toBe(200);
    expect(res.body.variables).toEqual(maskedVars);
    const doc = await stored('secretive');
    const vars = doc.variables as Vars;
    expect(vars.pw.value).toEqual(expect.stringMatching(/^enc:v1:/));
    expect(vars.creds.value).toEqual(expect.stringMatching(/^enc:v1:/));
    expect(vars.q.value).toBe('lamp');
    expect((await decrypted('secretive')).variables).toEqual({
      pw: { type: 'string', value: password, secret: true },
      creds: { type: 'json', value: jsonSecret, secret: true },
      q: { type: 'string', value: 'lamp' },
    });
  });

  it('masks them in GET, the task list, and omits variables from the summary list', async () => {
    expect((await api.get('secretive')).body.variables).toEqual(maskedVars);
    const all = (await api.call<TaskBody[]>('GET', '/api/tasks')).body;
    expect(all.find((x) => x.id === 'secretive')?.variables).toEqual(maskedVars);
    const list = await api.call('GET', '/api/tasks/list');
    expect(list.body).toEqual({ tasks: [{ id: 'secretive', name: 'Login' }] });
  });

  it('echoing the mask keeps the stored value (POST, PUT, PATCH); a new value replaces it', async () => {
    const echoed = (await api.get('secretive')).body;
    const post = await api.create({ ...echoed, name: 'Login 2' }, '?version=true');
    expect(post.status).toBe(200);
    expect(post.body.variables).toEqual(maskedVars);
    expect((await decrypted('secretive')).variables.pw.value).toBe(password);

    const put = await api.put('secretive', { name: 'Login 3', variables: { pw: { value: MASK }, creds: { type: 'json', value: MASK, secret: true }, q: 'lamp' } });
    expect(put.status).toBe(200);
    expect(put.body.variables).toEqual(maskedVars);
    expect((await decrypted('secretive')).variables).toMatchObject({ pw: { value: password }, creds: { value: jsonSecret } });

    const patchEcho = await api.patch('secretive', { variables: { pw: { value: MASK } } });
    expect(patchEcho.body.status).toBe('unchanged');
    expect(patchEcho.body.task.variables).toEqual(maskedVars);

    const patchOther = await api.patch('secretive', { name: 'Login 4' });
    expect(patchOther.body.status).toBe('updated');
    expect(patchOther.body.task.variables).toEqual(maskedVars);
    expect((await decrypted('secretive')).variables.pw.value).toBe(password);

    const patchNew = await api.patch('secretive', { variables: { pw: { value: newPassword } } });
    expect(patchNew.body.status).toBe('updated');
    expect(patchNew.body.task.variables.pw).toEqual({ type: 'string', value: MASK, secret: true });
    expect((await decrypted('secretive')).variables.pw.value).toBe(newPassword);
  });

  it('a mask for a variable with no stored value → 400', async () => {
    const fresh = await api.create({ name: 'No stored value', variables: { pw: { type: 'string', value: MASK, secret: true } } });
    expect(fresh.status).toBe(400);
    expect(fresh.body).toEqual(validationFailed(['variables.pw.value']));
    const newVar = await api.patch('secretive', { variables: { other: { value: MASK, secret: true } } });
    expect(newVar.status).toBe(400);
    expect(newVar.body).toEqual(validationFailed(['variables.other.value']));
    const unmark = await api.patch('secretive', { variables: { pw: { value: MASK, secret: false } } });
    expect(unmark.status).toBe(400);
    expect(unmark.body).toEqual(validationFailed(['variables.pw.value']));
  });

  it('version snapshots stay encrypted at rest and are masked in the version and rollback responses', async () => {
    const versions = (await api.versions('secretive')).body.versions;
    expect(versions.length).toBeGreaterThanOrEqual(3);
    for (const v of versions) {
      const got = await api.call<{ snapshot: TaskBody }>('GET', `/api/tasks/secretive/versions/${v.id}`);
      expect(got.body.snapshot.variables.pw).toEqual({ type: 'string', value: MASK, secret: true });
      const raw = await t.app.get(TaskRepository).getVersion('secretive', v.id);
      expect((raw?.snapshot.variables as Vars).pw.value).toEqual(expect.stringMatching(/^enc:v1:/));
    }
    // The oldest snapshot still holds the first password: rolling back restores it.
    const oldest = versions[versions.length - 1];
    const rolled = await api.rollback('secretive', { versionId: oldest.id });
    expect(rolled.status).toBe(200);
    expect(rolled.body.variables).toEqual(maskedVars);
    expect((await decrypted('secretive')).variables.pw.value).toBe(password);
  });

  it('never writes a plaintext secret to responses, data files, stored rows or logs', async () => {
    const rows = t.storage === 'postgres' ? await postgresTaskRows(t) : '';
    if (t.storage === 'postgres') expect(rows).toContain('secretive');
    for (const secret of plaintexts) {
      expect({ secret, responses: api.responses.filter((r) => r.includes(secret)).length }).toEqual({ secret, responses: 0 });
      expect({ secret, files: filesContaining(t.dataDir, secret) }).toEqual({ secret, files: [] });
      expect({ secret, logs: t.logs.filter((l) => l.includes(secret)).length }).toEqual({ secret, logs: 0 });
      expect({ secret, rows: rows.includes(secret) }).toEqual({ secret, rows: false });
    }
    if (t.storage === 'json') expect(filesContaining(t.dataDir, 'secretive').length).toBeGreaterThan(0);
    expectNoServerErrors(t);
  });
});
