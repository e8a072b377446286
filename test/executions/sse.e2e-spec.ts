// GET /api/executions/:id/events and GET /api/executions/stream (API §5.3).
import * as net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ExecutionEventBus, type PublishedEvent } from '../../src/executions/events/execution-event-bus.js';
import { ExecutionStreamService } from '../../src/executions/events/execution-stream.service.js';
import { SSE_OPTIONS, type SseOptions } from '../../src/executions/events/sse-options.js';
import type { ExecutionRecord, StoredEvent } from '../../src/storage/ports/index.js';
import { startTestApp, type TestApp } from '../support/app-harness.js';
import { STORAGE_PROVIDERS } from '../support/storage-matrix.js';
import { activeRecord, repo, seedRecord, T0, type ErrorBody } from './executions-kit.js';
import { SseReader } from './sse-test-reader.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const logEvent = (seq: number, message = `line ${seq}`): StoredEvent => ({ seq, ts: T0 + seq, event: 'log', message, level: 'info', actionId: null });
const phaseEvent = (seq: number, phase: string): StoredEvent => ({ seq, ts: T0 + seq, event: 'phase', message: `Phase ${phase}`, phase, attempt: 1 });
const finishedEvent = (seq: number): StoredEvent => ({
  seq,
  ts: T0 + seq,
  event: 'finished',
  message: 'Finished: success',
  outcome: 'success',
  success: true,
  durationMs: 100,
  hasFullResult: false,
});

describe.each(STORAGE_PROVIDERS)('%s storage', (storage) => {
  let t: TestApp;
  let bus: ExecutionEventBus;
  let streams: ExecutionStreamService;
  const open: SseReader[] = [];

  const connect = async (path: string, headers: Record<string, string> = {}) => {
    const reader = await SseReader.open(`${t.url}${path}`, { 'x-api-key': t.apiKey, ...headers });
    open.push(reader);
    return reader;
  };
  const published = (record: ExecutionRecord, event: StoredEvent): PublishedEvent => ({ ...event, executionId: record.id, runId: record.runId, taskId: record.taskId });
  /** What the lifecycle does: store, then publish. */
  const emit = async (record: ExecutionRecord, event: StoredEvent) => {
    await repo(t).appendEvents(record.id, [event]);
    bus.publish(published(record, event));
  };
  const seqs = (reader: SseReader) => reader.data<{ seq: number }>().filter((d) => typeof d.seq === 'number').map((d) => d.seq);

  beforeAll(async () => {
    t = await startTestApp({ storage });
    bus = t.app.get(ExecutionEventBus);
    streams = t.app.get(ExecutionStreamService);
  });

  afterAll(async () => {
    for (const reader of open) reader.close();
    await t.close();
  });

  describe('GET /api/executions/:id/events', () => {
    it('sends the §5.3 headers, retry, ready, the replay, then live events, and closes after finished', async () => {
      const record = activeRecord('exec_sse_live', 'running', { taskId: 'task_a' });
      await repo(t).create(record);
      await repo(t).appendEvents(record.id, [phaseEvent(1, 'queued'), phaseEvent(2, 'running')]);

      const reader = await connect(`/api/executions/${record.id}/events`);
      expect(reader.status).toBe(200);
      expect(reader.headers['content-type']).toBe('text/event-stream; charset=utf-8');
      expect(reader.headers['cache-control']).toBe('no-cache, no-transform');
      expect(reader.headers['connection']).toBe('keep-alive');
      expect(reader.headers['x-accel-buffering']).toBe('no');
      expect(reader.headers['x-request-id']).toEqual(expect.any(String));

      await reader.waitFor((r) => r.events.length >= 3, 5000, 'ready + replay');
      expect(reader.raw.startsWith('retry: 3000\n\n')).toBe(true);
      expect(reader.events[0]).toEqual({ event: 'ready', data: JSON.stringify({ executionId: record.id, runId: record.runId, phase: 'running' }), comments: [] });
      expect(reader.events[1].id).toBe('1');
      expect(JSON.parse(reader.events[1].data ?? '')).toEqual({
        executionId: record.id,
        runId: record.runId,
        taskId: 'task_a',
        seq: 1,
        ts: T0 + 1,
        event: 'phase',
        message: 'Phase queued',
        phase: 'queued',
        attempt: 1,
      });
      // The envelope puts the ids first, as in the §5.3 example.
      expect(Object.keys(JSON.parse(reader.events[1].data ?? '')).slice(0, 6)).toEqual(['executionId', 'runId', 'taskId', 'seq', 'ts', 'event']);

      await emit(record, logEvent(3, 'multi\nline'));
      await emit(record, finishedEvent(4));
      await reader.waitForEnd();
      expect(reader.events.map((f) => [f.id, f.event])).toEqual([
        [undefined, 'ready'],
        ['1', 'phase'],
        ['2', 'phase'],
        ['3', 'log'],
        ['4', 'finished'],
      ]);
      expect(reader.data('log')[0]).toMatchObject({ seq: 3, message: 'multi\nline', level: 'info', actionId: null });
      expect(streams.stats().open).toBe(0);
    });

    it('has no gap and no duplicate when events arrive while the replay is read', async () => {
      const record = activeRecord('exec_sse_race', 'running');
      await repo(t).create(record);
      await emit(record, phaseEvent(1, 'queued'));
      let stop = false;
      let last = 1;
      const producer = (async () => {
        while (!stop && last < 400) {
          last++;
          await emit(record, logEvent(last));
          if (last % 5 === 0) await sleep(1);
        }
      })();
      await sleep(15);
      const readers = await Promise.all([connect(`/api/executions/${record.id}/events`), connect(`/api/executions/${record.id}/events`)]);
      await sleep(30);
      stop = true;
      await producer;
      await emit(record, finishedEvent(last + 1));
      for (const reader of readers) {
        await reader.waitForEnd();
        expect(seqs(reader)).toEqual(Array.from({ length: last + 1 }, (_, i) => i + 1));
        expect(reader.events.at(-1)?.event).toBe('finished');
      }
    });

    it('resumes after Last-Event-ID (header wins over the lastEventId query) and closes a finished execution after the replay', async () => {
      const record = seedRecord('exec_sse_done');
      await repo(t).create(record);
      await repo(t).appendEvents(record.id, [phaseEvent(1, 'queued'), phaseEvent(2, 'running'), logEvent(3), phaseEvent(4, 'finished'), finishedEvent(5)]);

      const byHeader = await connect(`/api/executions/${record.id}/events?lastEventId=1`, { 'Last-Event-ID': '3' });
      await byHeader.waitForEnd();
      expect(byHeader.events.map((f) => f.event)).toEqual(['ready', 'phase', 'finished']);
      expect(seqs(byHeader)).toEqual([4, 5]);
      expect(byHeader.data('ready')[0]).toEqual({ executionId: record.id, runId: record.runId, phase: 'finished' });

      const byQuery = await connect(`/api/executions/${record.id}/events?lastEventId=2`);
      await byQuery.waitForEnd();
      expect(seqs(byQuery)).toEqual([3, 4, 5]);

      // Everything already seen: ready, then the stream closes.
      const nothingLeft = await connect(`/api/executions/${record.id}/events`, { 'Last-Event-ID': '5' });
      await nothingLeft.waitForEnd();
      expect(nothingLeft.events.map((f) => f.event)).toEqual(['ready']);

      // The unfiltered stream's id form is understood too.
      const composite = await connect(`/api/executions/${record.id}/events`, { 'Last-Event-ID': `${record.id}:4` });
      await composite.waitForEnd();
      expect(seqs(composite)).toEqual([5]);
    });

    it('sends a keep-alive comment on the configured interval', async () => {
      const options = t.app.get<SseOptions>(SSE_OPTIONS);
      const saved = options.keepAliveMs;
      options.keepAliveMs = 40;
      try {
        const record = activeRecord('exec_sse_keepalive', 'queued');
        await repo(t).create(record);
        const reader = await connect(`/api/executions/${record.id}/events`);
        await reader.waitFor((r) => r.frames.filter((f) => f.comments.includes('keep-alive')).length >= 2, 3000, 'two keep-alives');
        expect(reader.raw).toContain('\n\n: keep-alive\n\n');
        reader.close();
      } finally {
        options.keepAliveMs = saved;
      }
      expect(saved).toBe(15_000);
    });

    it('answers 404 EXECUTION_NOT_FOUND as JSON before any stream, 400 for a bad lastEventId, 401 without a key', async () => {
      const missing = await connect('/api/executions/exec_nope/events');
      await missing.waitForEnd();
      expect(missing.status).toBe(404);
      expect(missing.headers['content-type']).toMatch(/^application\/json/);
      expect(JSON.parse(missing.raw)).toEqual({ error: 'EXECUTION_NOT_FOUND', message: expect.any(String), details: { id: 'exec_nope' } });

      const bad = await fetch(`${t.url}/api/executions/exec_nope/events?lastEventId=abc`, { headers: { 'x-api-key': t.apiKey } });
      expect(bad.status).toBe(400);
      const body = (await bad.json()) as ErrorBody;
      expect(body.error).toBe('VALIDATION_FAILED');
      expect(body.details).toEqual([{ field: 'query.lastEventId', message: expect.any(String) }]);

      const anonymous = await fetch(`${t.url}/api/executions/exec_nope/events`);
      expect(anonymous.status).toBe(401);
    });
  });

  describe('GET /api/executions/stream', () => {
    it('without a filter: live events of all executions with <executionId>:<seq> ids, never closing', async () => {
      const a = seedRecord('exec_all_a', { phase: 'running', outcome: null });
      const b = seedRecord('exec_all_b', { phase: 'running', outcome: null, taskId: null });
      // Events from before the connection are not replayed; Last-Event-ID is ignored.
      bus.publish(published(a, logEvent(1)));
      const reader = await connect('/api/executions/stream', { 'Last-Event-ID': 'exec_all_a:1' });
      expect(reader.status).toBe(200);
      expect(reader.headers['content-type']).toBe('text/event-stream; charset=utf-8');
      await reader.waitFor((r) => r.events.length === 1, 5000, 'ready');
      expect(reader.events[0]).toEqual({ event: 'ready', data: '{}', comments: [] });

      bus.publish(published(a, logEvent(2)));
      bus.publish(published(b, phaseEvent(1, 'running')));
      bus.publish(published(a, finishedEvent(3)));
      bus.publish(published(b, logEvent(2)));
      await reader.waitFor((r) => r.events.length === 5, 5000, 'four live events');
      expect(reader.events.slice(1).map((f) => f.id)).toEqual(['exec_all_a:2', 'exec_all_b:1', 'exec_all_a:3', 'exec_all_b:2']);
      expect(reader.data()[2]).toMatchObject({ executionId: 'exec_all_b', runId: b.runId, taskId: null, seq: 1, event: 'phase' });
      await sleep(100);
      expect(reader.ended).toBe(false);
      reader.close();
    });

    it('executionId= behaves like /:id/events; an unknown one is 404', async () => {
      const record = seedRecord('exec_filter_id');
      await repo(t).create(record);
      await repo(t).appendEvents(record.id, [phaseEvent(1, 'queued'), finishedEvent(2)]);
      const reader = await connect(`/api/executions/stream?executionId=${record.id}`, { 'Last-Event-ID': '1' });
      await reader.waitForEnd();
      expect(reader.events.map((f) => [f.id, f.event])).toEqual([
        [undefined, 'ready'],
        ['2', 'finished'],
      ]);

      const missing = await fetch(`${t.url}/api/executions/stream?executionId=exec_unknown`, { headers: { 'x-api-key': t.apiKey } });
      expect(missing.status).toBe(404);
      expect(await missing.json()).toEqual({ error: 'EXECUTION_NOT_FOUND', message: expect.any(String), details: { id: 'exec_unknown' } });
    });

    it('runId= waits with keep-alives for an execution created later, then replays and follows it', async () => {
      const reader = await connect('/api/executions/stream?runId=run_later_1');
      await reader.waitFor((r) => r.events.length === 1, 5000, 'ready');
      expect(reader.data('ready')[0]).toEqual({ executionId: null, runId: 'run_later_1', phase: null });
      await sleep(50);
      expect(reader.ended).toBe(false);

      // What the lifecycle does: create, announce, store + publish.
      const record = activeRecord('exec_later_1', 'queued', { runId: 'run_later_1' });
      await repo(t).create(record);
      bus.publishCreated({ executionId: record.id, runId: record.runId });
      await emit(record, phaseEvent(1, 'queued'));
      await emit(record, phaseEvent(2, 'running'));
      await emit(record, finishedEvent(3));
      await reader.waitForEnd();
      expect(reader.events.map((f) => [f.id, f.event])).toEqual([
        [undefined, 'ready'],
        ['1', 'phase'],
        ['2', 'phase'],
        ['3', 'finished'],
      ]);
      expect(reader.data()[1]).toMatchObject({ executionId: record.id, runId: 'run_later_1' });
    });

    it('runId= of an existing execution replays it at once (ready names the execution)', async () => {
      const record = seedRecord('exec_known_run', { runId: 'run_known_1' });
      await repo(t).create(record);
      await repo(t).appendEvents(record.id, [phaseEvent(1, 'queued'), finishedEvent(2)]);
      const reader = await connect('/api/executions/stream?runId=run_known_1');
      await reader.waitForEnd();
      expect(reader.data('ready')[0]).toEqual({ executionId: record.id, runId: 'run_known_1', phase: 'finished' });
      expect(seqs(reader)).toEqual([1, 2]);
    });

    it('rejects a malformed runId and a request with both filters (400 VALIDATION_FAILED)', async () => {
      const get = async (query: string) => {
        const res = await fetch(`${t.url}/api/executions/stream?${query}`, { headers: { 'x-api-key': t.apiKey } });
        return { status: res.status, body: (await res.json()) as ErrorBody };
      };
      const badRunId = await get('runId=has%20space');
      expect(badRunId.status).toBe(400);
      expect(badRunId.body).toMatchObject({ error: 'VALIDATION_FAILED', details: [{ field: 'query.runId', message: expect.any(String) }] });
      const both = await get('runId=run_a&executionId=exec_a');
      expect(both.status).toBe(400);
      expect(both.body).toMatchObject({ error: 'VALIDATION_FAILED', details: [{ field: 'query', message: expect.any(String) }] });
      const tooLong = await get(`runId=${'r'.repeat(65)}`);
      expect(tooLong.body.details).toEqual([{ field: 'query.runId', message: expect.any(String) }]);
    });
  });

  describe('slow clients', () => {
    it('cuts off a client that never reads, without holding more than the buffer limit, while a reading client gets everything', async () => {
      const before = streams.stats();
      const limit = t.app.get<SseOptions>(SSE_OPTIONS).maxBufferedBytes;
      // A raw socket that sends the request and then never reads: Node stops pulling from the
      // kernel once its small read buffer is full, so the server's writes back up.
      const stalled = net.connect(Number(new URL(t.url).port), '127.0.0.1');
      await new Promise<void>((resolve) => stalled.once('connect', () => resolve()));
      stalled.write(`GET /api/executions/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: ${t.apiKey}\r\n\r\n`);
      stalled.pause();
      let stalledClosed = false;
      stalled.on('close', () => (stalledClosed = true));
      stalled.on('error', () => undefined);
      const fast = await connect('/api/executions/stream');
      const deadline = Date.now() + 5000;
      while (streams.stats().open < before.open + 2 && Date.now() < deadline) await sleep(10);
      expect(streams.stats().open).toBe(before.open + 2);

      const record = seedRecord('exec_flood', { phase: 'running', outcome: null });
      const message = 'x'.repeat(8 * 1024);
      const total = 3000;
      for (let seq = 1; seq <= total; seq++) {
        bus.publish(published(record, logEvent(seq, message)));
        if (seq % 16 === 0) await sleep(2);
      }
      const totalBytes = total * message.length;

      await fast.waitFor((r) => r.events.length === total + 1, 30_000, 'every event on the reading client');
      expect(seqs(fast)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      expect(streams.stats().cutOff).toBe(before.cutOff + 1);
      expect(streams.stats().open).toBe(before.open + 1);

      // The stalled socket gets whatever was in flight when it was dropped, then the end.
      let received = 0;
      stalled.on('data', (chunk: Buffer) => (received += chunk.length));
      stalled.resume();
      const closeBy = Date.now() + 20_000;
      while (!stalledClosed && Date.now() < closeBy) await sleep(20);
      expect(stalledClosed).toBe(true);
      expect(received).toBeLessThan(totalBytes / 2);
      expect(limit).toBe(1024 * 1024);
      expect(t.logs.some((l) => l.includes('SSE client cut off'))).toBe(true);
      fast.close();
    });
  });
});

describe('SSE and shutdown', () => {
  it('ends open streams when the app closes, so closing does not hang', async () => {
    const t = await startTestApp();
    const reader = await SseReader.open(`${t.url}/api/executions/stream`, { 'x-api-key': t.apiKey });
    await reader.waitFor((r) => r.events.length === 1, 5000, 'ready');
    const started = Date.now();
    await t.close();
    await reader.waitForEnd(2000);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
