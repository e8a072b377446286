import type { TaskDocument, TaskSummary, TaskVersion, TaskVersionMeta } from '../storage/ports/index.js';
import { getOwn, setOwn, type PlainObject } from './model/coerce.js';
import { SECRET_MASK } from './model/task.types.js';

/** A Task as the API shows it: no `versions`, secret variable values masked (API §3). */
export type TaskView = PlainObject & { id: string; name: string; createdAt: number; updatedAt: number };

export interface TaskListItem {
  id: string;
  name: string;
  description?: string;
}

export interface VersionListItem {
  id: string;
  timestamp: number;
  name: string;
  mode: string;
  reason: string;
}

export interface VersionView {
  snapshot: TaskView;
  metadata: { id: string; timestamp: number; reason: string };
}

export function taskView(doc: TaskDocument | PlainObject): TaskView {
  const out: PlainObject = {};
  for (const key of Object.keys(doc)) if (key !== 'versions') setOwn(out, key, getOwn(doc, key));
  const variables = getOwn(doc, 'variables');
  if (isRecord(variables)) setOwn(out, 'variables', maskVariables(variables));
  return out as TaskView;
}

/**
 * Any non-array object (looser than the model's isPlainObject, which rejects objects from
 * another realm): masking must never be skipped because of where an object was made.
 */
function isRecord(v: unknown): v is PlainObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function maskVariables(variables: PlainObject): PlainObject {
  const out: PlainObject = {};
  for (const name of Object.keys(variables)) {
    const entry = getOwn(variables, name);
    if (isRecord(entry) && getOwn(entry, 'secret') === true) {
      const masked: PlainObject = {};
      for (const key of Object.keys(entry)) setOwn(masked, key, getOwn(entry, key));
      setOwn(masked, 'value', SECRET_MASK);
      setOwn(out, name, masked);
    } else {
      setOwn(out, name, entry);
    }
  }
  return out;
}

/** `GET /api/tasks/list` entry: `name` falls back to the id, `description` only when non-empty. */
export function listItem(summary: TaskSummary): TaskListItem {
  const item: TaskListItem = { id: summary.id, name: summary.name || summary.id };
  if (typeof summary.description === 'string' && summary.description !== '') item.description = summary.description;
  return item;
}

export function versionListItem(meta: TaskVersionMeta): VersionListItem {
  return { id: meta.id, timestamp: meta.timestamp, name: meta.name, mode: meta.mode, reason: meta.reason };
}

export function versionView(version: TaskVersion): VersionView {
  return { snapshot: taskView(version.snapshot), metadata: { id: version.id, timestamp: version.timestamp, reason: version.reason } };
}
