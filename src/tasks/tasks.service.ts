import { Inject, Injectable } from '@nestjs/common';
import { notFound, ValidationFailedError } from '../common/errors.js';
import { newId } from '../common/ids.js';
import { APP_LOGGER, type AppLogger } from '../logging/app-logger.js';
import type { TaskDocument } from '../storage/ports/index.js';
import { jsonEqual } from './json-equal.js';
import { applyMergePatch, MergePatchTooDeepError } from './merge-patch.js';
import { getOwn, hasOwn, isBlankInput, isPlainObject, setOwn, type PlainObject } from './model/coerce.js';
import { taskIdProblem } from './model/validate-task.js';
import { TaskInputValidator } from './task-input.validator.js';
import { TaskSecrets } from './task-secrets.js';
import { TaskStore } from './task-store.js';
import { listItem, taskView, type TaskListItem, type TaskView } from './task-views.js';

export interface PatchResult {
  id: string;
  updatedAt: number;
  status: 'updated' | 'unchanged';
  task: TaskView;
}

const notAnObject = () => new ValidationFailedError([{ field: 'task', message: 'must be a JSON object' }]);

/** API §3: task CRUD (versions and rollback are in TaskVersionsService). */
@Injectable()
export class TasksService {
  constructor(
    private readonly store: TaskStore,
    private readonly input: TaskInputValidator,
    private readonly secrets: TaskSecrets,
    @Inject(APP_LOGGER) private readonly logger: AppLogger,
  ) {}

  /** Newest `updatedAt` first, in one repository call. */
  async list(): Promise<TaskView[]> {
    return (await this.store.list()).map(taskView);
  }

  async listSummaries(): Promise<{ tasks: TaskListItem[] }> {
    return { tasks: (await this.store.repo.listSummaries()).map(listItem) };
  }

  async get(id: string): Promise<TaskView> {
    return taskView(await this.store.require(id));
  }

  /** POST upsert: create, or replace wholesale keeping `createdAt`; `snapshotFirst` = `?version=true`. */
  async upsert(body: unknown, snapshotFirst: boolean): Promise<TaskView> {
    if (!isPlainObject(body)) throw notAnObject();
    const rawId = getOwn(body, 'id');
    if (isBlankInput(rawId)) {
      const id = newId('task');
      return this.store.exclusive(id, () => this.write(id, body, null, snapshotFirst));
    }
    if (typeof rawId !== 'string' || taskIdProblem(rawId) !== null) {
      await this.input.validate(body); // reports the id problem with every other one
      throw new ValidationFailedError([{ field: 'id', message: taskIdProblem(rawId) ?? 'is not a valid task id' }]);
    }
    return this.store.exclusive(rawId, async () => this.write(rawId, body, await this.store.find(rawId), snapshotFirst));
  }

  /** PUT: full replace of an existing task; the previous state is versioned (reason `put`). */
  async replace(id: string, body: unknown): Promise<TaskView> {
    if (!isPlainObject(body)) throw notAnObject();
    checkBodyId(id, body);
    return this.store.exclusive(id, async () => {
      const stored = await this.store.require(id);
      const input: PlainObject = { ...body };
      setOwn(input, 'id', id);
      return this.write(id, input, stored, true, 'put');
    });
  }

  /** PATCH: JSON Merge Patch against the stored task; a patch that changes nothing stores nothing. */
  async patch(id: string, patch: unknown): Promise<PatchResult> {
    if (!isPlainObject(patch)) throw notAnObject();
    checkBodyId(id, patch);
    return this.store.exclusive(id, async () => {
      const stored = await this.store.require(id);
      const opened = this.secrets.openForEdit(stored);
      const current: PlainObject = withoutKey(opened.task, 'versions');
      let merged: unknown;
      try {
        merged = applyMergePatch(current, patch);
      } catch (err) {
        if (err instanceof MergePatchTooDeepError) throw new ValidationFailedError([{ field: 'task', message: err.message }]);
        throw err;
      }
      const task = await this.input.validate(merged, opened.storedVariables);
      const unchanged = this.store.document(task, id, stored.createdAt, stored.updatedAt);
      if (jsonEqual(unchanged, current)) {
        return { id, updatedAt: stored.updatedAt, status: 'unchanged', task: taskView(stored) };
      }
      const now = this.store.now();
      const doc = this.store.document(task, id, this.store.createdAtOf(stored, now), now);
      await this.store.save(doc, this.store.snapshot(id, stored, 'patch', now));
      this.logger.info({ taskId: id, reason: 'patch' }, 'task saved');
      return { id, updatedAt: now, status: 'updated', task: taskView(doc) };
    });
  }

  async remove(id: string): Promise<{ id: string; deleted: true }> {
    return this.store.exclusive(id, async () => {
      const deleted = taskIdProblem(id) === null && (await this.store.repo.delete(id));
      if (!deleted) throw notFound('TASK_NOT_FOUND', 'task', id);
      this.logger.info({ taskId: id }, 'task deleted');
      return { id, deleted: true as const };
    });
  }

  /** Validates `body` against the stored task (secret masks), then saves it; call under the task's lock. */
  private async write(
    id: string,
    body: PlainObject,
    stored: TaskDocument | null,
    snapshotFirst: boolean,
    reason: 'post' | 'put' = 'post',
  ): Promise<TaskView> {
    const opened = stored ? this.secrets.openForEdit(stored) : undefined;
    const task = await this.input.validate(body, opened?.storedVariables);
    const now = this.store.now();
    const doc = this.store.document(task, id, stored ? this.store.createdAtOf(stored, now) : now, now);
    const version = stored && snapshotFirst ? this.store.snapshot(id, stored, reason, now) : undefined;
    await this.store.save(doc, version);
    this.logger.info({ taskId: id, reason: stored ? reason : 'create', versioned: version !== undefined }, 'task saved');
    return taskView(doc);
  }
}

/** PATCH/PUT: `id` in the body must be absent or equal to the path id. */
function checkBodyId(id: string, body: PlainObject): void {
  if (hasOwn(body, 'id') && getOwn(body, 'id') !== id) {
    throw new ValidationFailedError([{ field: 'id', message: 'must be absent or equal to the id in the path' }]);
  }
}

function withoutKey(o: PlainObject, drop: string): PlainObject {
  const out: PlainObject = {};
  for (const key of Object.keys(o)) if (key !== drop) setOwn(out, key, getOwn(o, key));
  return out;
}
