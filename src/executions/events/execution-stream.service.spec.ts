import { EventEmitter } from 'node:events';
import { describe, expect, it } from '@jest/globals';
import pino from 'pino';
import type { ExecutionRecord, ExecutionRepository, StoredEvent } from '../../storage/ports/index.js';
import { ExecutionEventBus, type PublishedEvent } from './execution-event-bus.js';
import { ExecutionStreamService } from './execution-stream.service.js';
import type { SseResponse } from './sse-client.js';
import { DEFAULT_SSE_OPTIONS } from './sse-options.js';

class FakeResponse extends EventEmitter implements SseResponse {
  statusCode = 0;
  writableLength = 0;
  text = '';
  ended = false;
  setHeader(): this {
    return this;
  }
  flushHeaders(): void {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
  end(): this {
    this.ended = true;
    this.emit('close');
    return this;
  }
  destroy(): this {
    this.emit('close');
    return this;
  }
  /** [id, event, seq] of every event frame. */
  get events(): Array<[string | undefined, string, number | undefined]> {
    return this.text
      .split('\n\n')
      .filter((b) => b.includes('event: '))
      .map((block) => {
        const field = (name: string) => block.split('\n').find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2);
        const data = JSON.parse(field('data') ?? 'null') as { seq?: number };
        return [field('id'), field('event') ?? '', data.seq];
      });
  }
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const record = (overrides: Partial<ExecutionRecord> = {}) => ({ id: 'exec_1', runId: 'run_1', taskId: 'task_1', phase: 'running', ...overrides }) as ExecutionRecord;
const ev = (seq: number, event = 'log'): StoredEvent => ({ seq, ts: seq, event, message: `m${seq}` });
const live = (r: ExecutionRecord, e: StoredEvent): PublishedEvent => ({ ...e, executionId: r.id, runId: r.runId, taskId: r.taskId });
const tick = () => new Promise((r) => setImmediate(r));

function setup(repo: Partial<ExecutionRepository>) {
  const bus = new ExecutionEventBus();
  const service = new ExecutionStreamService(bus, repo as ExecutionRepository, { ...DEFAULT_SSE_OPTIONS }, pino({ level: 'silent' }));
  return { bus, service };
}

describe('ExecutionStreamService', () => {
  it('holds live events during the replay and flushes only newer ones: no gap, no duplicate', async () => {
    const r = record();
    const replay = deferred<StoredEvent[]>();
    let askedAfter = -1;
    const { bus, service } = setup({
      get: async () => r,
      listEvents: (_id: string, after?: number) => {
        askedAfter = after ?? 0;
        return replay.promise;
      },
    });
    const res = new FakeResponse();
    await service.streamExecution(res, r.id, '1');
    expect(askedAfter).toBe(1);
    // Stored and published while the replay read is in flight: 3 and 4 are in both.
    bus.publish(live(r, ev(3)));
    bus.publish(live(r, ev(4)));
    bus.publish(live({ ...r, id: 'exec_other' }, ev(99)));
    bus.publish(live(r, ev(5)));
    replay.resolve([ev(2), ev(3), ev(4)]);
    await tick();
    bus.publish(live(r, ev(6)));
    bus.publish(live(r, ev(7, 'finished')));
    bus.publish(live(r, ev(8)));
    expect(res.events).toEqual([
      [undefined, 'ready', undefined],
      ['2', 'log', 2],
      ['3', 'log', 3],
      ['4', 'log', 4],
      ['5', 'log', 5],
      ['6', 'log', 6],
      ['7', 'finished', 7],
    ]);
    expect(res.ended).toBe(true);
    expect(service.stats().open).toBe(0);
  });

  it('closes after the replay when the execution was already finished', async () => {
    const r = record({ phase: 'finished' });
    const { service } = setup({ get: async () => r, listEvents: async () => [ev(4)] });
    const res = new FakeResponse();
    await service.streamExecution(res, r.id, '3');
    await tick();
    expect(res.events.map((e) => e[1])).toEqual(['ready', 'log']);
    expect(res.ended).toBe(true);
  });

  it('rejects an unknown execution before writing anything', async () => {
    const { service } = setup({ get: async () => null });
    const res = new FakeResponse();
    await expect(service.streamExecution(res, 'exec_x', undefined)).rejects.toMatchObject({ code: 'EXECUTION_NOT_FOUND', details: { id: 'exec_x' } });
    expect(res.text).toBe('');
    expect(res.statusCode).toBe(0);
  });

  it('a runId stream does not miss an execution created while it looks the runId up', async () => {
    const r = record({ id: 'exec_late', runId: 'run_late', phase: 'queued' });
    const lookup = deferred<ExecutionRecord | null>();
    const { bus, service } = setup({ findByRunId: () => lookup.promise, get: async () => r, listEvents: async () => [ev(1, 'phase')] });
    const res = new FakeResponse();
    const opening = service.streamRunId(res, 'run_late', undefined);
    bus.publishCreated({ executionId: 'exec_other', runId: 'run_other' });
    bus.publishCreated({ executionId: r.id, runId: r.runId });
    lookup.resolve(null); // the lookup ran just before the record existed
    await opening;
    await tick();
    await tick();
    bus.publish(live(r, ev(2, 'finished')));
    expect(res.events).toEqual([
      [undefined, 'ready', undefined],
      ['1', 'phase', 1],
      ['2', 'finished', 2],
    ]);
    expect(res.text).toContain(`"executionId":"exec_late","runId":"run_late","phase":"queued"`);
  });

  it('stops listening for creations when a waiting runId client goes away', async () => {
    let gets = 0;
    const { bus, service } = setup({
      findByRunId: async () => null,
      get: async () => {
        gets++;
        return null;
      },
    });
    const res = new FakeResponse();
    await service.streamRunId(res, 'run_gone', undefined);
    res.emit('close');
    bus.publishCreated({ executionId: 'exec_gone', runId: 'run_gone' });
    await tick();
    expect(gets).toBe(0);
    expect(service.stats().open).toBe(0);
  });

  it('ends every open stream at shutdown', async () => {
    const { service } = setup({});
    const responses = [new FakeResponse(), new FakeResponse()];
    for (const res of responses) service.streamAll(res);
    expect(service.stats().open).toBe(2);
    service.beforeApplicationShutdown();
    expect(responses.every((r) => r.ended)).toBe(true);
    expect(service.stats().open).toBe(0);
  });
});
