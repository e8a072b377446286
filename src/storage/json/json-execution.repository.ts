import { Logger } from '@nestjs/common';
import { mkdir, readdir } from 'node:fs/promises';
import * as path from 'node:path';
import type { JsonValue } from '../ports/json.js';
import {
  ExecutionFilter,
  ExecutionPatch,
  ExecutionRecord,
  ExecutionRepository,
  ExecutionSummary,
  Phase,
  pickSummary,
  StoredEvent,
  UniqueConflictError,
} from '../ports/execution.repository.js';
import { DIR_MODE, fsyncDir, isTempFileName, unlinkIfExists, writeFileAtomic } from './atomic-file.js';
import { appendEventLines, readEventLines, repairTornTail } from './event-log.js';
import { SortedExecutionKeys } from './execution-order.js';
import { encodeFileId, parseDataFileName } from './file-names.js';
import { KeyedMutex } from '../../common/keyed-mutex.js';
import { CorruptDataFileError, isJsonObject, jsonCopy, mapLimit, readJsonFile } from './read-json-file.js';
import type { WriteGate } from './write-gate.js';

const RECORD = 'json';
const RESULT = 'result.json';
const EVENTS = 'events.jsonl';
const PHASES: readonly Phase[] = ['queued', 'running', 'finished'];

type UniqueField = 'runId' | 'idempotencyKey';

const toSummary = pickSummary;

function matches(r: ExecutionSummary, f: ExecutionFilter): boolean {
  return (
    (f.status === undefined || r.status === f.status) &&
    (f.outcome === undefined || f.outcome.length === 0 || (r.outcome !== null && f.outcome.includes(r.outcome))) &&
    (f.phase === undefined || r.phase === f.phase) &&
    (f.taskId === undefined || r.taskId === f.taskId) &&
    (f.runId === undefined || r.runId === f.runId) &&
    (f.source === undefined || r.source === f.source)
  );
}

function validateRecord(value: JsonValue | undefined, filePath: string, expectedId: string): ExecutionRecord {
  const fail = (reason: string) => new CorruptDataFileError(filePath, reason);
  if (!isJsonObject(value)) throw fail('expected an execution object');
  if (value.id !== expectedId) throw fail(`"id" must be "${expectedId}"`);
  if (typeof value.runId !== 'string') throw fail('"runId" must be a string');
  if (typeof value.timestamp !== 'number' || !Number.isFinite(value.timestamp)) throw fail('"timestamp" must be a number');
  if (!PHASES.includes(value.phase as Phase)) throw fail('"phase" must be queued, running or finished');
  if (value.idempotencyKey !== undefined && value.idempotencyKey !== null && typeof value.idempotencyKey !== 'string') {
    throw fail('"idempotencyKey" must be a string or null');
  }
  return value as unknown as ExecutionRecord;
}

/** What stays in memory per execution: the Summary, the unique keys, and the whole record only while it is live. */
interface IndexEntry {
  summary: ExecutionSummary;
  idempotencyKey: string | null;
  /** The record while it is queued/running or its webhook is still due (few); else read from its file. */
  live: ExecutionRecord | null;
}

function isLive(r: ExecutionRecord): boolean {
  return r.phase !== 'finished' || r.webhook?.state === 'pending' || r.webhook?.state === 'delivering';
}

function entryOf(r: ExecutionRecord): IndexEntry {
  return { summary: toSummary(r), idempotencyKey: r.idempotencyKey ?? null, live: isLive(r) ? r : null };
}

/**
 * Executions as one small file each (`executions/<id>.json`), with the full result
 * (`<id>.result.json`) and the event log (`<id>.events.jsonl`) beside it. In memory: the Summary
 * of every execution (list order, filters, unique keys), and whole records only while live, so
 * memory does not grow with the size of stored results.
 */
export class JsonExecutionRepository extends ExecutionRepository {
  private readonly logger = new Logger('JsonStorage');
  private readonly records = new Map<string, IndexEntry>();
  private readonly order = new SortedExecutionKeys();
  private readonly unique: Record<UniqueField, Map<string, string>> = { runId: new Map(), idempotencyKey: new Map() };
  /** Values claimed by writes in flight (value -> execution id), so concurrent creates cannot both win. */
  private readonly claims: Record<'id' | UniqueField, Map<string, string>> = { id: new Map(), runId: new Map(), idempotencyKey: new Map() };
  private readonly mutex = new KeyedMutex();
  /** Executions whose event file tail was checked for a torn line since open. */
  private readonly eventTailsChecked = new Set<string>();

  private constructor(
    private readonly dir: string,
    private readonly gate: WriteGate,
    private readonly maxExecutions: number,
  ) {
    super();
  }

  static async load(dir: string, gate: WriteGate, maxExecutions: number): Promise<JsonExecutionRepository> {
    await mkdir(dir, { recursive: true, mode: DIR_MODE });
    const repo = new JsonExecutionRepository(dir, gate, maxExecutions);
    const recordFiles: { id: string; name: string }[] = [];
    const sidecars: { id: string; name: string }[] = [];
    let removed = false;
    for (const name of await readdir(dir)) {
      if (isTempFileName(name)) {
        removed = (await unlinkIfExists(path.join(dir, name))) || removed;
        continue;
      }
      const parsed = parseDataFileName(name);
      if (parsed?.suffix === RECORD) recordFiles.push({ id: parsed.id, name });
      else if (parsed?.suffix === RESULT || parsed?.suffix === EVENTS) sidecars.push({ id: parsed.id, name });
    }
    // Indexed as each file is read, so only the summaries stay in memory.
    await mapLimit(recordFiles, 32, async ({ id, name }) => {
      const filePath = path.join(dir, name);
      const record = validateRecord(await readJsonFile(filePath), filePath, id);
      for (const field of ['runId', 'idempotencyKey'] as const) {
        const value = record[field];
        const holder = value == null ? undefined : repo.unique[field].get(value);
        if (holder !== undefined) throw new CorruptDataFileError(filePath, `${field} "${value}" is also used by execution ${holder}`);
      }
      repo.index(record);
    });
    repo.order.reset([...repo.records.values()].map((e) => e.summary));
    // Results/events whose record is gone are leftovers of an interrupted delete.
    for (const { id, name } of sidecars) {
      if (!repo.records.has(id)) removed = (await unlinkIfExists(path.join(dir, name))) || removed;
    }
    if (removed) await fsyncDir(dir);
    return repo;
  }

  private file(id: string, suffix: string): string {
    return path.join(this.dir, `${encodeFileId(id)}.${suffix}`);
  }

  /** Adds to the maps (not to the order; callers do that). */
  private index(r: ExecutionRecord): void {
    this.records.set(r.id, entryOf(r));
    this.unique.runId.set(r.runId, r.id);
    if (r.idempotencyKey != null) this.unique.idempotencyKey.set(r.idempotencyKey, r.id);
  }

  private unindex(id: string, e: IndexEntry): void {
    this.records.delete(id);
    if (this.unique.runId.get(e.summary.runId) === id) this.unique.runId.delete(e.summary.runId);
    if (e.idempotencyKey !== null && this.unique.idempotencyKey.get(e.idempotencyKey) === id) this.unique.idempotencyKey.delete(e.idempotencyKey);
  }

  /** The whole record: from memory while live, else from its file (written atomically, so whole). */
  private async load(id: string): Promise<ExecutionRecord | null> {
    const e = this.records.get(id);
    if (!e) return null;
    if (e.live) return e.live;
    const filePath = this.file(id, RECORD);
    const value = await readJsonFile(filePath);
    // Deleted between the lookup and the read.
    if (value === undefined) return null;
    return validateRecord(value, filePath, id);
  }

  private holderOf(field: 'id' | UniqueField, value: string): string | undefined {
    const indexed = field === 'id' ? (this.records.has(value) ? value : undefined) : this.unique[field].get(value);
    return indexed ?? this.claims[field].get(value);
  }

  /** Throws when `value` of `field` belongs (or is being written) to another execution. */
  private assertFree(field: 'id' | UniqueField, value: string | null, ownerId: string): void {
    if (value === null) return;
    const holder = this.holderOf(field, value);
    if (holder !== undefined && (field === 'id' || holder !== ownerId)) throw new UniqueConflictError(field, holder);
  }

  /** Claims unique values synchronously; returns the release function. */
  private claim(r: ExecutionRecord, fields: ('id' | UniqueField)[]): () => void {
    for (const f of fields) this.assertFree(f, f === 'id' ? r.id : r[f], r.id);
    const taken: [Map<string, string>, string][] = [];
    for (const f of fields) {
      const value = f === 'id' ? r.id : r[f];
      if (value !== null) {
        this.claims[f].set(value, r.id);
        taken.push([this.claims[f], value]);
      }
    }
    return () => {
      for (const [map, value] of taken) if (map.get(value) === r.id) map.delete(value);
    };
  }

  create(record: ExecutionRecord): Promise<void> {
    let stored: ExecutionRecord;
    let release: () => void;
    try {
      stored = jsonCopy(record);
      if (stored.idempotencyKey === undefined) stored.idempotencyKey = null;
      release = this.claim(stored, ['id', 'runId', 'idempotencyKey']);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.gate
      .run(() =>
        this.mutex.run(stored.id, async () => {
          await writeFileAtomic(this.file(stored.id, RECORD), JSON.stringify(stored));
          this.index(stored);
          this.order.insert(stored);
        }),
      )
      .finally(release);
  }

  async get(id: string): Promise<ExecutionRecord | null> {
    const r = await this.load(id);
    return r ? structuredClone(r) : null;
  }

  async findByRunId(runId: string): Promise<ExecutionRecord | null> {
    const id = this.unique.runId.get(runId);
    return id === undefined ? null : this.get(id);
  }

  async findByIdempotencyKey(key: string): Promise<ExecutionRecord | null> {
    const id = this.unique.idempotencyKey.get(key);
    return id === undefined ? null : this.get(id);
  }

  async list(filter: ExecutionFilter, limit: number): Promise<ExecutionSummary[]> {
    const out: ExecutionSummary[] = [];
    let i = this.order.size - 1;
    if (filter.after) i = Math.min(i, this.order.lowerBound(filter.after) - 1);
    if (filter.before !== undefined) i = Math.min(i, this.order.lowerBound({ timestamp: filter.before, id: '' }) - 1);
    for (; i >= 0 && out.length < limit; i--) {
      const e = this.records.get(this.order.at(i).id);
      if (e && matches(e.summary, filter)) out.push(toSummary(e.summary));
    }
    return out;
  }

  async update(id: string, patch: ExecutionPatch, expectPhase?: Phase[]): Promise<ExecutionRecord | null> {
    return this.gate.run(async () => {
      const outcome = await this.mutex.run(id, async () => {
        const entry = this.records.get(id);
        if (!entry || (expectPhase && !expectPhase.includes(entry.summary.phase))) return null;
        const current = await this.load(id);
        if (!current) return null;
        const defined = Object.fromEntries(Object.entries(patch).filter(([k, v]) => v !== undefined && k !== 'id'));
        const next = jsonCopy({ ...current, ...defined, id } as ExecutionRecord);
        const changed = (['runId', 'idempotencyKey'] as const).filter((f) => next[f] !== current[f]);
        const release = this.claim(next, changed);
        try {
          await writeFileAtomic(this.file(id, RECORD), JSON.stringify(next));
          this.unindex(id, entry);
          this.index(next);
          if (next.timestamp !== current.timestamp) {
            this.order.remove(current);
            this.order.insert(next);
          }
        } finally {
          release();
        }
        return { next, finishedNow: next.phase === 'finished' && current.phase !== 'finished' };
      });
      if (!outcome) return null;
      if (outcome.finishedNow) await this.applyRetention();
      return structuredClone(outcome.next);
    });
  }

  private async applyRetention(): Promise<void> {
    try {
      await this.pruneFinished(this.maxExecutions);
    } catch (err) {
      this.logger.error(`Execution retention failed: ${(err as Error).message}`);
    }
  }

  appendEvents(id: string, events: StoredEvent[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    return this.gate.run(() =>
      this.mutex.run(id, async () => {
        if (!this.records.has(id)) throw new Error(`No execution with id '${id}'`);
        const filePath = this.file(id, EVENTS);
        try {
          if (!this.eventTailsChecked.has(id)) {
            await repairTornTail(filePath);
            this.eventTailsChecked.add(id);
          }
          await appendEventLines(filePath, events);
        } catch (err) {
          this.eventTailsChecked.delete(id); // a failed append may have left a torn line
          throw err;
        }
      }),
    );
  }

  async listEvents(id: string, afterSeq = 0): Promise<StoredEvent[]> {
    const events = await readEventLines(this.file(id, EVENTS));
    return events.filter((e) => e.seq > afterSeq).sort((a, b) => a.seq - b.seq);
  }

  saveFullResult(id: string, result: JsonValue): Promise<void> {
    return this.gate.run(() =>
      this.mutex.run(id, async () => {
        if (!this.records.has(id)) throw new Error(`No execution with id '${id}'`);
        const text = JSON.stringify(result);
        if (text === undefined) throw new TypeError('Result is not JSON-serialisable');
        await writeFileAtomic(this.file(id, RESULT), text);
      }),
    );
  }

  async getFullResult(id: string): Promise<JsonValue | null> {
    const value = await readJsonFile(this.file(id, RESULT));
    return value === undefined ? null : value;
  }

  delete(id: string): Promise<boolean> {
    return this.gate.run(async () => {
      const deleted = await this.deleteWithoutSync(id, () => true);
      if (deleted) await fsyncDir(this.dir);
      return deleted;
    });
  }

  /** Deletes the record file first: results/events left by a crash in between are removed at open. */
  private deleteWithoutSync(id: string, stillWanted: (r: ExecutionSummary) => boolean): Promise<boolean> {
    return this.mutex.run(id, async () => {
      const e = this.records.get(id);
      if (!e || !stillWanted(e.summary)) return false;
      await unlinkIfExists(this.file(id, RECORD));
      this.unindex(id, e);
      this.order.remove(e.summary);
      this.eventTailsChecked.delete(id);
      await unlinkIfExists(this.file(id, RESULT));
      await unlinkIfExists(this.file(id, EVENTS));
      return true;
    });
  }

  private async deleteMany(ids: string[], stillWanted: (r: ExecutionSummary) => boolean): Promise<number> {
    const results = await mapLimit(ids, 16, (id) => this.deleteWithoutSync(id, stillWanted));
    const count = results.filter(Boolean).length;
    if (count > 0) await fsyncDir(this.dir);
    return count;
  }

  deleteFinished(): Promise<number> {
    return this.gate.run(() => {
      const ids = [...this.records.values()].filter((e) => e.summary.phase === 'finished').map((e) => e.summary.id);
      return this.deleteMany(ids, (r) => r.phase === 'finished');
    });
  }

  async listActive(): Promise<ExecutionRecord[]> {
    return this.ascending((r) => r.phase !== 'finished');
  }

  async listPendingWebhooks(): Promise<ExecutionRecord[]> {
    return this.ascending((r) => r.webhook?.state === 'pending' || r.webhook?.state === 'delivering');
  }

  /** Live records only (see IndexEntry): both callers ask for executions that are still live. */
  private ascending(pick: (r: ExecutionRecord) => boolean): ExecutionRecord[] {
    const out: ExecutionRecord[] = [];
    for (let i = 0; i < this.order.size; i++) {
      const r = this.records.get(this.order.at(i).id)?.live;
      if (r && pick(r)) out.push(structuredClone(r));
    }
    return out;
  }

  async countByPhase(): Promise<{ queued: number; running: number }> {
    let queued = 0;
    let running = 0;
    for (const { summary } of this.records.values()) {
      if (summary.phase === 'queued') queued++;
      else if (summary.phase === 'running') running++;
    }
    return { queued, running };
  }

  prune(keep: number): Promise<number> {
    return this.gate.run(() => this.pruneFinished(keep));
  }

  private pruneFinished(keep: number): Promise<number> {
    const victims: string[] = [];
    let kept = 0;
    for (let i = this.order.size - 1; i >= 0; i--) {
      const r = this.records.get(this.order.at(i).id)?.summary;
      if (r?.phase !== 'finished') continue;
      if (kept < keep) kept++;
      else victims.push(r.id);
    }
    return this.deleteMany(victims, (r) => r.phase === 'finished');
  }
}
