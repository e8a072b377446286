import { Injectable } from '@nestjs/common';
import { monotonicFactory } from 'ulid';
import { Clock } from '../common/clock.js';
import { DomainError, notFound } from '../common/errors.js';
import { KeyedMutex } from '../common/keyed-mutex.js';
import { TaskRepository, type TaskDocument, type TaskVersion, type VersionReason } from '../storage/ports/index.js';
import { getOwn, setOwn, type PlainObject } from './model/coerce.js';
import type { NormalisedTask } from './model/task.types.js';
import { taskIdProblem } from './model/validate-task.js';
import { PLAUSIBLE_STORED_ID } from './task-input.validator.js';
import { TaskSecrets } from './task-secrets.js';

const SERVICE_KEYS = new Set(['id', 'createdAt', 'updatedAt', 'versions']);

export const versionNotFound = (id: string, versionId: string) =>
  new DomainError('VERSION_NOT_FOUND', `Task '${id}' has no version '${versionId}'`, { id, versionId });

/**
 * Storage-side helpers shared by the task services: per-task write serialisation, lookups with
 * the API's 404s, document assembly, version snapshots and encryption of secret values on save.
 */
@Injectable()
export class TaskStore {
  private readonly writes = new KeyedMutex();
  /** Monotonic within this process, so versions taken in the same millisecond still sort in order. */
  private readonly versionUlid = monotonicFactory();

  constructor(
    readonly repo: TaskRepository,
    private readonly secrets: TaskSecrets,
    private readonly clock: Clock,
  ) {}

  now(): number {
    return this.clock.now();
  }

  /** Runs `fn` while holding the write lock of task `id` (API §3: writes to one task are serialised). */
  exclusive<T>(id: string, fn: () => Promise<T>): Promise<T> {
    return this.writes.run(id, fn);
  }

  /** All stored tasks, newest `updatedAt` first (one repository call). */
  async list(): Promise<TaskDocument[]> {
    return plainCopy(await this.repo.list());
  }

  /** The stored task (secret values encrypted), or null. Ids that cannot exist are not looked up. */
  async find(id: string): Promise<TaskDocument | null> {
    const task = taskIdProblem(id) === null ? await this.repo.get(id) : null;
    return task ? plainCopy(task) : null;
  }

  /** The stored task (secret values encrypted), or 404 TASK_NOT_FOUND. */
  async require(id: string): Promise<TaskDocument> {
    const task = await this.find(id);
    if (!task) throw notFound('TASK_NOT_FOUND', 'task', id);
    return task;
  }

  async requireVersion(id: string, versionId: string): Promise<TaskVersion> {
    const version = PLAUSIBLE_STORED_ID.test(versionId) ? await this.repo.getVersion(id, versionId) : null;
    if (!version) throw versionNotFound(id, versionId);
    return plainCopy(version);
  }

  /** Plaintext task document: the id first, the validated fields, then the timestamps. */
  document(task: NormalisedTask, id: string, createdAt: number, updatedAt: number): TaskDocument {
    const out: PlainObject = {};
    setOwn(out, 'id', id);
    for (const key of Object.keys(task)) if (!SERVICE_KEYS.has(key)) setOwn(out, key, getOwn(task, key));
    setOwn(out, 'createdAt', createdAt);
    setOwn(out, 'updatedAt', updatedAt);
    return out as TaskDocument;
  }

  /** A version holding `stored` exactly as stored (secret values stay encrypted). */
  snapshot(id: string, stored: TaskDocument, reason: VersionReason, now: number): TaskVersion {
    const snapshot: PlainObject = {};
    for (const key of Object.keys(stored)) if (key !== 'versions') setOwn(snapshot, key, getOwn(stored, key));
    return { id: `ver_${this.versionUlid(now)}`, taskId: id, timestamp: now, reason, snapshot: snapshot as TaskDocument };
  }

  /** Saves a plaintext document (secret values are encrypted here), with an optional version in the same step. */
  async save(doc: TaskDocument, version?: TaskVersion): Promise<void> {
    await this.repo.save(this.secrets.encryptTask(doc), version);
  }

  createdAtOf(stored: TaskDocument, fallback: number): number {
    return typeof stored.createdAt === 'number' ? stored.createdAt : fallback;
  }
}

/**
 * Fresh plain objects of this realm. The task model only accepts objects whose prototype is this
 * realm's Object.prototype, and a repository may return objects made elsewhere (structuredClone
 * inside a VM context, as under Jest); a JSON round trip normalises them.
 */
function plainCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
