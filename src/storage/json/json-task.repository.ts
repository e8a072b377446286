import { mkdir, readdir } from 'node:fs/promises';
import * as path from 'node:path';
import type { JsonValue } from '../ports/json.js';
import {
  MAX_VERSIONS_PER_TASK,
  TaskDocument,
  TaskRepository,
  TaskSummary,
  TaskVersion,
  TaskVersionMeta,
} from '../ports/task.repository.js';
import { DIR_MODE, fsyncDir, isTempFileName, unlinkIfExists, writeFileAtomic } from './atomic-file.js';
import { encodeFileId, parseDataFileName } from './file-names.js';
import { KeyedMutex } from '../../common/keyed-mutex.js';
import { CorruptDataFileError, isJsonObject, jsonCopy, mapLimit, readJsonFile } from './read-json-file.js';
import type { WriteGate } from './write-gate.js';

/**
 * One file per task, `tasks/<encoded id>.json` = `{task, versions}` (versions oldest first), so a
 * save with its version is one atomic rename. Tasks stay in memory; version snapshots are read
 * from the file when needed.
 */
interface TaskFile {
  task: TaskDocument;
  versions: TaskVersion[];
}

function compareVersions(a: { timestamp: number; id: string }, b: { timestamp: number; id: string }): number {
  if (a.timestamp !== b.timestamp) return a.timestamp - b.timestamp;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function metaOf(v: TaskVersion): TaskVersionMeta {
  const mode = v.snapshot.mode;
  return { id: v.id, taskId: v.taskId, timestamp: v.timestamp, reason: v.reason, name: v.snapshot.name, mode: typeof mode === 'string' ? mode : 'agent' };
}

function parseTaskFile(value: JsonValue | undefined, filePath: string, expectedId: string): TaskFile {
  const fail = (reason: string) => new CorruptDataFileError(filePath, reason);
  if (!isJsonObject(value)) throw fail('expected an object {task, versions}');
  const { task, versions } = value;
  if (!isJsonObject(task) || task.id !== expectedId || typeof task.name !== 'string' || typeof task.updatedAt !== 'number') {
    throw fail(`"task" must be a task object with id "${expectedId}", a name and updatedAt`);
  }
  if (!Array.isArray(versions)) throw fail('"versions" must be an array');
  for (const v of versions) {
    if (!isJsonObject(v) || typeof v.id !== 'string' || typeof v.timestamp !== 'number' || typeof v.reason !== 'string' || !isJsonObject(v.snapshot)) {
      throw fail('every version needs id, timestamp, reason and snapshot');
    }
  }
  return value as unknown as TaskFile;
}

export class JsonTaskRepository extends TaskRepository {
  private readonly tasks = new Map<string, TaskDocument>();
  /** Oldest first. */
  private readonly versionMetas = new Map<string, TaskVersionMeta[]>();
  private readonly mutex = new KeyedMutex();

  private constructor(
    private readonly dir: string,
    private readonly gate: WriteGate,
  ) {
    super();
  }

  static async load(dir: string, gate: WriteGate): Promise<JsonTaskRepository> {
    await mkdir(dir, { recursive: true, mode: DIR_MODE });
    const repo = new JsonTaskRepository(dir, gate);
    const names = await readdir(dir);
    const files: { id: string; name: string }[] = [];
    for (const name of names) {
      if (isTempFileName(name)) {
        await unlinkIfExists(path.join(dir, name));
        continue;
      }
      const parsed = parseDataFileName(name);
      if (parsed?.suffix === 'json') files.push({ id: parsed.id, name });
    }
    await mapLimit(files, 16, async ({ id, name }) => {
      const filePath = path.join(dir, name);
      const file = parseTaskFile(await readJsonFile(filePath), filePath, id);
      repo.remember(file);
    });
    return repo;
  }

  private filePath(id: string): string {
    return path.join(this.dir, `${encodeFileId(id)}.json`);
  }

  private remember(file: TaskFile): void {
    this.tasks.set(file.task.id, file.task);
    this.versionMetas.set(file.task.id, [...file.versions].sort(compareVersions).map(metaOf));
  }

  private async readTaskFile(id: string): Promise<TaskFile | null> {
    const filePath = this.filePath(id);
    const value = await readJsonFile(filePath);
    return value === undefined ? null : parseTaskFile(value, filePath, id);
  }

  private async writeTaskFile(file: TaskFile): Promise<void> {
    await writeFileAtomic(this.filePath(file.task.id), `${JSON.stringify(file, null, 2)}\n`);
    this.remember(file);
  }

  async list(): Promise<TaskDocument[]> {
    return this.sortedTasks().map((t) => structuredClone(t));
  }

  async listSummaries(): Promise<TaskSummary[]> {
    return this.sortedTasks().map((t) => (typeof t.description === 'string' ? { id: t.id, name: t.name, description: t.description } : { id: t.id, name: t.name }));
  }

  private sortedTasks(): TaskDocument[] {
    return [...this.tasks.values()].sort((a, b) => b.updatedAt - a.updatedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  }

  async get(id: string): Promise<TaskDocument | null> {
    const task = this.tasks.get(id);
    return task ? structuredClone(task) : null;
  }

  save(task: TaskDocument, version?: TaskVersion): Promise<void> {
    const stored = jsonCopy(task);
    const newVersion = version ? jsonCopy(version) : undefined;
    if (newVersion && newVersion.taskId !== stored.id) {
      return Promise.reject(new Error(`Version ${newVersion.id} belongs to task ${newVersion.taskId}, not ${stored.id}`));
    }
    return this.gate.run(() =>
      this.mutex.run(stored.id, async () => {
        const current = this.tasks.has(stored.id) ? await this.readTaskFile(stored.id) : null;
        let versions = current?.versions ?? [];
        if (newVersion) {
          versions = [...versions.filter((v) => v.id !== newVersion.id), newVersion].sort(compareVersions);
          if (versions.length > MAX_VERSIONS_PER_TASK) versions = versions.slice(versions.length - MAX_VERSIONS_PER_TASK);
        }
        await this.writeTaskFile({ task: stored, versions });
      }),
    );
  }

  delete(id: string): Promise<boolean> {
    return this.gate.run(() =>
      this.mutex.run(id, async () => {
        if (!this.tasks.has(id)) return false;
        await unlinkIfExists(this.filePath(id));
        this.tasks.delete(id);
        this.versionMetas.delete(id);
        await fsyncDir(this.dir);
        return true;
      }),
    );
  }

  async listVersions(taskId: string): Promise<TaskVersionMeta[]> {
    return [...(this.versionMetas.get(taskId) ?? [])].reverse().map((m) => ({ ...m }));
  }

  async getVersion(taskId: string, versionId: string): Promise<TaskVersion | null> {
    if (!this.versionMetas.get(taskId)?.some((m) => m.id === versionId)) return null;
    const file = await this.readTaskFile(taskId);
    return file?.versions.find((v) => v.id === versionId) ?? null;
  }

  deleteVersion(taskId: string, versionId: string): Promise<boolean> {
    return this.gate.run(() =>
      this.mutex.run(taskId, async () => {
        if (!this.versionMetas.get(taskId)?.some((m) => m.id === versionId)) return false;
        const file = await this.readTaskFile(taskId);
        if (!file) return false;
        await this.writeTaskFile({ task: file.task, versions: file.versions.filter((v) => v.id !== versionId) });
        return true;
      }),
    );
  }

  clearVersions(taskId: string): Promise<void> {
    return this.gate.run(() =>
      this.mutex.run(taskId, async () => {
        if (!this.versionMetas.get(taskId)?.length) return;
        const file = await this.readTaskFile(taskId);
        if (file) await this.writeTaskFile({ task: file.task, versions: [] });
      }),
    );
  }
}
