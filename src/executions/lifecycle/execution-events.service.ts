import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { APP_LOGGER, type AppLogger } from '../../logging/app-logger.js';
import { ExecutionRepository, type JsonObject, type StoredEvent } from '../../storage/ports/index.js';
import { ExecutionEventBus } from '../events/execution-event-bus.js';

/** Stored events per execution, not counting `phase`, `stop_requested` and `finished` (API §5.1). */
export const MAX_STORED_EVENTS = 5000;
const ALWAYS_STORED = new Set(['phase', 'stop_requested', 'finished']);

export interface ExecutionRef {
  id: string;
  runId: string;
  taskId: string | null;
}

/** An event before it gets `seq` and `ts`. */
export type EventInput = JsonObject & { event: string; message: string };

interface Pending {
  input: EventInput;
  ts: number;
  resolve: () => void;
}

interface Stream {
  ref: ExecutionRef;
  /** False until nextSeq/stored were read from storage (an execution this process did not create). */
  loaded: boolean;
  nextSeq: number;
  stored: number;
  truncated: boolean;
  pending: Pending[];
  flushing: Promise<void> | null;
}

/**
 * The event log of executions (API §5.3, RUNNER §15): assigns the per-execution `seq`, stores
 * each event before publishing it on the bus, in emission order. Events that arrive while a
 * write is in flight are stored together in the next write (one append per batch).
 */
@Injectable()
export class ExecutionEvents {
  private readonly streams = new Map<string, Stream>();

  constructor(
    private readonly executions: ExecutionRepository,
    private readonly bus: ExecutionEventBus,
    private readonly clock: Clock,
    @Inject(APP_LOGGER) private readonly logger: AppLogger,
  ) {}

  /** Starts the log of a newly created execution (seq 1, nothing stored yet). */
  open(ref: ExecutionRef): void {
    this.streams.set(ref.id, { ref, loaded: true, nextSeq: 1, stored: 0, truncated: false, pending: [], flushing: null });
  }

  /** Resolves once the event is stored and published. Never rejects. */
  emit(ref: ExecutionRef, input: EventInput): Promise<void> {
    let stream = this.streams.get(ref.id);
    if (!stream) {
      stream = { ref, loaded: false, nextSeq: 1, stored: 0, truncated: false, pending: [], flushing: null };
      this.streams.set(ref.id, stream);
    }
    const target = stream;
    return new Promise<void>((resolve) => {
      target.pending.push({ input, ts: this.clock.now(), resolve });
      this.kick(target);
    });
  }

  /** Resolves when every event emitted so far for the execution is stored and published. */
  async drain(executionId: string): Promise<void> {
    const stream = this.streams.get(executionId);
    while (stream && (stream.flushing || stream.pending.length > 0)) {
      if (!stream.flushing) this.kick(stream);
      await stream.flushing;
    }
  }

  async drainAll(): Promise<void> {
    await Promise.all([...this.streams.keys()].map((id) => this.drain(id)));
  }

  /** Drops the in-memory state of a finished execution (after its pending events are written). */
  forget(executionId: string): void {
    void this.drain(executionId).then(() => {
      const stream = this.streams.get(executionId);
      if (stream && !stream.flushing && stream.pending.length === 0) this.streams.delete(executionId);
    });
  }

  private kick(stream: Stream): void {
    if (stream.flushing) return;
    stream.flushing = this.flush(stream).finally(() => {
      stream.flushing = null;
      if (stream.pending.length > 0) this.kick(stream);
    });
  }

  private async flush(stream: Stream): Promise<void> {
    const { id } = stream.ref;
    if (!stream.loaded) await this.load(stream);
    while (stream.pending.length > 0) {
      const batch = stream.pending.splice(0);
      const events: { event: StoredEvent; store: boolean; resolve: () => void }[] = [];
      let newlyTruncated = false;
      for (const p of batch) {
        const event = { seq: stream.nextSeq++, ts: p.ts, ...p.input } as StoredEvent;
        const store = ALWAYS_STORED.has(event.event) || stream.stored < MAX_STORED_EVENTS;
        if (store) stream.stored++;
        else if (!stream.truncated) {
          stream.truncated = true;
          newlyTruncated = true;
        }
        events.push({ event, store, resolve: p.resolve });
      }
      const toStore = events.filter((e) => e.store).map((e) => e.event);
      try {
        if (toStore.length > 0) await this.executions.appendEvents(id, toStore);
        if (newlyTruncated) await this.executions.update(id, { eventsTruncated: true });
      } catch (err) {
        this.logger.error({ err, executionId: id }, 'storing execution events failed');
      }
      const { runId, taskId } = stream.ref;
      for (const e of events) {
        this.bus.publish({ ...e.event, executionId: id, runId, taskId });
        e.resolve();
      }
    }
  }

  private async load(stream: Stream): Promise<void> {
    try {
      const stored = await this.executions.listEvents(stream.ref.id);
      stream.nextSeq = stored.reduce((max, e) => Math.max(max, e.seq), 0) + 1;
      stream.stored = stored.length;
      stream.truncated = stored.length >= MAX_STORED_EVENTS;
    } catch (err) {
      this.logger.error({ err, executionId: stream.ref.id }, 'reading execution events failed');
    }
    stream.loaded = true;
  }
}

export const refOf = (r: { id: string; runId: string; taskId: string | null }): ExecutionRef => ({ id: r.id, runId: r.runId, taskId: r.taskId });
