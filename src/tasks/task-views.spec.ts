import { SECRET_MASK } from './model/task.types.js';
import { listItem, taskView, versionListItem, versionView } from './task-views.js';

const doc = {
  id: 'task_1',
  name: 'T',
  createdAt: 1,
  updatedAt: 2,
  versions: [{ id: 'legacy' }],
  custom: { kept: true },
  variables: { pw: { type: 'string', value: 'enc:v1:xyz', secret: true }, q: { type: 'string', value: 'lamp' } },
};

describe('task views', () => {
  it('drops versions, masks secrets and keeps unknown fields', () => {
    expect(taskView(doc)).toEqual({
      id: 'task_1',
      name: 'T',
      createdAt: 1,
      updatedAt: 2,
      custom: { kept: true },
      variables: { pw: { type: 'string', value: SECRET_MASK, secret: true }, q: { type: 'string', value: 'lamp' } },
    });
  });

  it('list items: name falls back to the id, description only when non-empty', () => {
    expect(listItem({ id: 'a', name: '' })).toEqual({ id: 'a', name: 'a' });
    expect(listItem({ id: 'a', name: 'A', description: '' })).toEqual({ id: 'a', name: 'A' });
    expect(listItem({ id: 'a', name: 'A', description: 'd' })).toEqual({ id: 'a', name: 'A', description: 'd' });
  });

  it('version shapes', () => {
    expect(versionListItem({ id: 'ver_1', taskId: 'task_1', timestamp: 5, reason: 'patch', name: 'T', mode: 'agent' })).toEqual({
      id: 'ver_1',
      timestamp: 5,
      name: 'T',
      mode: 'agent',
      reason: 'patch',
    });
    const v = versionView({ id: 'ver_1', taskId: 'task_1', timestamp: 5, reason: 'put', snapshot: doc as never });
    expect(v.metadata).toEqual({ id: 'ver_1', timestamp: 5, reason: 'put' });
    expect(v.snapshot.variables).toEqual({ pw: { type: 'string', value: SECRET_MASK, secret: true }, q: { type: 'string', value: 'lamp' } });
    expect(v.snapshot).not.toHaveProperty('versions');
  });
});

describe('taskView masking of objects from another realm', () => {
  it('masks secrets even when the objects do not have this realm’s Object.prototype', () => {
    const foreignProto = Object.create(null) as object;
    const foreign = <T extends object>(o: T): T => Object.assign(Object.create(foreignProto) as T, o);
    const doc = foreign({ id: 't', name: 'T', createdAt: 1, updatedAt: 1, variables: foreign({ pw: foreign({ type: 'string', value: 'hunter22', secret: true }) }) });
    expect(JSON.stringify(taskView(doc))).not.toContain('hunter22');
    expect((taskView(doc).variables as Record<string, { value: unknown }>).pw.value).toBe(SECRET_MASK);
  });
});
