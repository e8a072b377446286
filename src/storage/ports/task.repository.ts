import type { JsonObject } from './json.js';

/**
 * A task as stored: the validated, normalised task object of RUNNER §2 (unknown top-level
 * fields kept verbatim). Secret variable values are already encrypted by the tasks service;
 * repositories store what they are given and never interpret the body.
 */
export type TaskDocument = JsonObject & { id: string; name: string; createdAt: number; updatedAt: number };

export type VersionReason = 'post' | 'patch' | 'put' | 'rollback';

export interface TaskVersion {
  id: string; // ver_<ULID>
  taskId: string;
  timestamp: number;
  reason: VersionReason;
  /** The task as stored at that moment (no `versions`). */
  snapshot: TaskDocument;
}

export type TaskVersionMeta = Omit<TaskVersion, 'snapshot'> & { name: string; mode: string };

export interface TaskSummary {
  id: string;
  name: string;
  description?: string;
}

export const MAX_VERSIONS_PER_TASK = 30;

export abstract class TaskRepository {
  /** All tasks, newest `updatedAt` first, in one storage round trip. */
  abstract list(): Promise<TaskDocument[]>;
  /** id, name, description of all tasks (newest `updatedAt` first), in one round trip. */
  abstract listSummaries(): Promise<TaskSummary[]>;
  abstract get(id: string): Promise<TaskDocument | null>;
  /**
   * Insert or replace the task. When `version` is given it is stored in the same atomic step,
   * and the task's oldest versions beyond MAX_VERSIONS_PER_TASK are dropped.
   */
  abstract save(task: TaskDocument, version?: TaskVersion): Promise<void>;
  /** Removes the task and its versions. False when it did not exist. */
  abstract delete(id: string): Promise<boolean>;
  /** Newest first. */
  abstract listVersions(taskId: string): Promise<TaskVersionMeta[]>;
  abstract getVersion(taskId: string, versionId: string): Promise<TaskVersion | null>;
  abstract deleteVersion(taskId: string, versionId: string): Promise<boolean>;
  abstract clearVersions(taskId: string): Promise<void>;
}
