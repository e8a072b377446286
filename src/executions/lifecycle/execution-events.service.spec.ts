import { describe, expect, it } from '@jest/globals';
import type { Clock } from '../../common/clock.js';
import type { AppLogger } from '../../logging/app-logger.js';
import type { ExecutionPatch, ExecutionRepository, StoredEvent } from '../../storage/ports/index.js';
import { ExecutionEventBus, type PublishedEvent } from '../events/execution-event-bus.js';
import { ExecutionEvents, MAX_STORED_EVENTS } from './execution-events.service.js';

class FakeRepo {
  stored: StoredEvent[] = [];
  appends = 0;
  patches: ExecutionPatch[] = [];
  /** What was stored when each publish happened (store-before-publish check). */
  async appendEvents(_id: string, events: StoredEvent[]) {
    this.appends++;
    await new Promise((r) => setTimeout(r, 2));
    this.stored.push(...events);
  }
  async listEvents() {
    return [...this.stored];
  }
  async update(_id: string, patch: ExecutionPatch) {
    this.patches.push(patch);
    return null;
  }
}

function setup(repo = new FakeRepo()) {
  const bus = new ExecutionEventBus();
  const published: PublishedEvent[] = [];
  const storedAtPublish: number[] = [];
  bus.subscribe((e) => {
    published.push(e);
    storedAtPublish.push(repo.stored.filter((s) => s.seq === e.seq).length);
  });
  const clock: Clock = { now: () => 1000 };
  const logger = { error: () => undefined } as unknown as AppLogger;
  const events = new ExecutionEvents(repo as unknown as ExecutionRepository, bus, clock, logger);
  return { events, repo, published, storedAtPublish };
}

const ref = { id: 'exec_1', runId: 'run_1', taskId: 'task_1' };

describe('ExecutionEvents', () => {
  it('assigns seq from 1, stores before publishing, publishes with ids, batches writes', async () => {
    const { events, repo, published, storedAtPublish } = setup();
    events.open(ref);
    const all = Array.from({ length: 20 }, (_, i) => events.emit(ref, { event: 'log', level: 'info', actionId: null, message: `m${i}` }));
    await Promise.all(all);
    expect(published.map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(published[0]).toEqual({ seq: 1, ts: 1000, event: 'log', level: 'info', actionId: null, message: 'm0', executionId: 'exec_1', runId: 'run_1', taskId: 'task_1' });
    expect(storedAtPublish.every((n) => n === 1)).toBe(true);
    expect(repo.appends).toBeLessThan(20);
  });

  it('continues the seq of an execution it did not open (reads storage once)', async () => {
    const repo = new FakeRepo();
    repo.stored = [
      { seq: 1, ts: 1, event: 'phase', message: 'Queued' },
      { seq: 2, ts: 2, event: 'phase', message: 'Running' },
    ];
    const { events, published } = setup(repo);
    await events.emit(ref, { event: 'finished', message: 'x' });
    expect(published.map((e) => e.seq)).toEqual([3]);
  });

  it(`stores at most ${MAX_STORED_EVENTS} events, except phase/stop_requested/finished, and flags the record once`, async () => {
    const { events, repo, published } = setup();
    events.open(ref);
    const emits = [];
    for (let i = 0; i < MAX_STORED_EVENTS + 10; i++) emits.push(events.emit(ref, { event: 'log', level: 'info', actionId: null, message: 'x' }));
    emits.push(events.emit(ref, { event: 'stop_requested', message: 'Stop requested' }));
    emits.push(events.emit(ref, { event: 'capture', message: 'c' }));
    emits.push(events.emit(ref, { event: 'finished', message: 'done' }));
    await Promise.all(emits);
    expect(published).toHaveLength(MAX_STORED_EVENTS + 13);
    expect(repo.stored).toHaveLength(MAX_STORED_EVENTS + 2);
    expect(repo.stored.slice(-2).map((e) => e.event)).toEqual(['stop_requested', 'finished']);
    expect(repo.patches).toEqual([{ eventsTruncated: true }]);
    expect(published[published.length - 1]).toMatchObject({ event: 'finished', seq: MAX_STORED_EVENTS + 13 });
  });

  it('still publishes (in order) when storage fails', async () => {
    const repo = new FakeRepo();
    repo.appendEvents = async () => {
      throw new Error('disk full');
    };
    const { events, published } = setup(repo);
    events.open(ref);
    await Promise.all([events.emit(ref, { event: 'phase', message: 'a' }), events.emit(ref, { event: 'phase', message: 'b' })]);
    expect(published.map((e) => e.message)).toEqual(['a', 'b']);
  });
});
