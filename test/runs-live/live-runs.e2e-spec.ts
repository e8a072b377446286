// Issue 5: the run API (API §4, §5.2, §5.3) through HTTP with the REAL runner: real Chromium
// against the fixture site, both storage providers. One slot and one queue place, so a long
// `wait` run makes the next run queue and the one after that get 429.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectError } from '../executions/runs-kit.js';
import { SseReader } from '../executions/sse-test-reader.js';
import { STORAGE_PROVIDERS } from '../support/storage-matrix.js';
import {
  call,
  createTask,
  eventNames,
  formTask,
  getExecution,
  requestsFor,
  startAsync,
  startLive,
  waitDone,
  waitInAction,
  waitFor,
  waitTask,
  type Execution,
  type FormData,
  type LiveEnv,
} from './live-kit.js';

interface RunResult {
  executionId: string;
  runId: string;
  outcome: string;
  success: boolean;
  data: FormData;
  final_url: string;
  logs: string[];
}

interface SseEvent {
  seq: number;
  event: string;
  phase?: string;
  executionId: string;
}

describe.each(STORAGE_PROVIDERS)('%s storage: live runs', (storage) => {
  let live: LiveEnv;
  let formId: string;
  let waitId: string;
  const readers: SseReader[] = [];

  beforeAll(async () => {
    live = await startLive(storage, { MAX_CONCURRENT_EXECUTIONS: '1', MAX_QUEUED_EXECUTIONS: '1' });
    formId = await createTask(live.t, formTask(live.site));
    waitId = await createTask(live.t, waitTask(live.site));
  });
  afterAll(async () => {
    for (const r of readers) r.close();
    await live?.close();
  });

  const expectFormRun = (data: FormData, who: string, marker: string) => {
    expect(data).toEqual({ name: who, method: 'POST', marker, count: 1 });
    // The typed value really went through the browser to the site.
    const submit = live.site.requests.forPath('/form-submit', 'POST').find((r) => new URLSearchParams(r.body).get('name') === who);
    expect(submit).toBeDefined();
    expect(requestsFor(live.site, marker).map((r) => r.path)).toEqual(['/form.html']);
  };

  it('sync runs on both paths: 200 success, the typed variable in data, X-Execution-Id, record finished', async () => {
    for (const [path, who] of [
      [`/api/tasks/${formId}/api`, 'Ada Lovelace'],
      [`/tasks/${formId}/api`, 'Grace Hopper'],
    ] as const) {
      const marker = `sync-${who.split(' ')[0]}`;
      const res = await call<RunResult>(live.t, 'POST', path, { variables: { who, marker } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ outcome: 'success', success: true, final_url: `${live.site.url}/form-submit` });
      expectFormRun(res.body.data, who, marker);
      const id = res.headers.get('x-execution-id');
      expect(id).toBe(res.body.executionId);
      const e = (await getExecution(live.t, id!)) as Execution;
      expect(e).toMatchObject({ phase: 'finished', outcome: 'success', status: 200, path, taskId: formId, source: 'api' });
      expect(e.result).toMatchObject({ executionId: id, outcome: 'success', data: { name: who, marker } });
      expect(typeof e.startedAt).toBe('number');
    }
  });

  it('async runs (?async=true and Prefer: respond-async): 202 + Location, then finished with the right data', async () => {
    for (const [query, headers, who] of [
      ['?async=true', {}, 'Async Query'],
      ['', { prefer: 'wait=5, respond-async' }, 'Async Prefer'],
    ] as const) {
      const marker = who.replace(' ', '-');
      const res = await call<{ executionId: string; runId: string; phase: string }>(live.t, 'POST', `/api/tasks/${formId}/api${query}`, { variables: { who, marker } }, headers);
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ executionId: expect.stringMatching(/^exec_/), runId: expect.stringMatching(/^run_/), phase: 'queued' });
      const id = res.body.executionId;
      expect(res.headers.get('location')).toBe(`/api/executions/${id}`);
      expect(res.headers.get('x-execution-id')).toBe(id);
      expect(res.headers.get('preference-applied')).toBe(query === '' ? 'respond-async' : null);
      const e = await waitDone(live.t, id);
      expect(e).toMatchObject({ outcome: 'success', status: 202 });
      expectFormRun(e.result!.data as FormData, who, marker);
      const full = await call<{ result: RunResult }>(live.t, 'GET', `/api/executions/${id}/result`);
      expect(full.body.result.data).toEqual(e.result!.data);
    }
  });

  it('SSE: events in order, queued → running → finished, stream closes; Last-Event-ID replays exactly the later events', async () => {
    const id = await startAsync(live.t, formId, { variables: { who: 'Stream', marker: 'sse' } });
    const open = async (headers: Record<string, string> = {}) => {
      const reader = await SseReader.open(`${live.t.url}/api/executions/${id}/events`, { 'x-api-key': live.t.apiKey, ...headers });
      readers.push(reader);
      expect(reader.status).toBe(200);
      return reader;
    };
    const first = await open();
    await first.waitForEnd(30_000);
    const events = first.data<SseEvent>().filter((d) => typeof d.seq === 'number');
    expect(first.events[0]).toMatchObject({ event: 'ready' });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(first.events.slice(1).map((f) => f.id)).toEqual(events.map((e) => String(e.seq)));
    expect(events.every((e) => e.executionId === id)).toBe(true);
    expect(events.filter((e) => e.event === 'phase').map((e) => e.phase)).toEqual(['queued', 'running', 'finished']);
    expect(events.at(-1)).toMatchObject({ event: 'finished', outcome: 'success' });
    expect(events.some((e) => e.event === 'action')).toBe(true);
    // Same as the stored log.
    const stored = await getExecution(live.t, id);
    expect(stored.events.map((e) => e.seq)).toEqual(events.map((e) => e.seq));

    const middle = events[Math.floor(events.length / 2)].seq;
    const again = await open({ 'last-event-id': String(middle) });
    await again.waitForEnd(10_000);
    const replayed = again.data<SseEvent>().filter((d) => typeof d.seq === 'number');
    expect(replayed).toEqual(events.filter((e) => e.seq > middle));
  });

  it('Idempotency-Key: a replay returns the same execution (Idempotent-Replayed); another body → 422; a used runId → 409', async () => {
    const body = { variables: { who: 'Idem', marker: 'idem' }, runId: `idem-run-${storage}` };
    const key = { 'idempotency-key': `live-key-${storage}` };
    const first = await call<{ executionId: string }>(live.t, 'POST', `/api/tasks/${formId}/api?async=true`, body, key);
    expect(first.status).toBe(202);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const id = first.body.executionId;

    const asyncReplay = await call<{ executionId: string }>(live.t, 'POST', `/api/tasks/${formId}/api?async=true`, body, key);
    expect(asyncReplay.status).toBe(202);
    expect(asyncReplay.body.executionId).toBe(id);
    expect(asyncReplay.headers.get('idempotent-replayed')).toBe('true');
    // A sync replay waits for that same run's result.
    const syncReplay = await call<RunResult>(live.t, 'POST', `/api/tasks/${formId}/api`, body, key);
    expect(syncReplay.status).toBe(200);
    expect(syncReplay.headers.get('idempotent-replayed')).toBe('true');
    expect(syncReplay.headers.get('x-execution-id')).toBe(id);
    expect(syncReplay.body).toMatchObject({ executionId: id, outcome: 'success', data: { name: 'Idem', marker: 'idem' } });

    const mismatch = await call(live.t, 'POST', `/api/tasks/${formId}/api?async=true`, { ...body, variables: { who: 'Other', marker: 'idem' } }, key);
    expectError(mismatch, 422, 'IDEMPOTENCY_KEY_MISMATCH');
    const conflict = await call(live.t, 'POST', `/api/tasks/${formId}/api?async=true`, { runId: body.runId, variables: { marker: 'idem-conflict' } });
    expectError(conflict, 409, 'RUN_ID_CONFLICT');
    // One run only: the browser loaded the start page once for this marker, never for the refused one.
    expect(requestsFor(live.site, 'idem')).toHaveLength(1);
    expect(requestsFor(live.site, 'idem-conflict')).toHaveLength(0);
    const listed = await call<{ executions: Array<{ id: string }> }>(live.t, 'GET', `/api/executions?runId=${body.runId}`);
    expect(listed.body.executions.map((e) => e.id)).toEqual([id]);
    expect(await getExecution(live.t, id)).toMatchObject({ idempotencyKey: key['idempotency-key'] });
  });

  it('admission errors: 404 TASK_NOT_FOUND, 400 VALIDATION_FAILED for a bad variable type', async () => {
    expectError(await call(live.t, 'POST', '/api/tasks/task_missing_live/api', {}), 404, 'TASK_NOT_FOUND');
    const bad = await call(live.t, 'POST', `/api/tasks/${formId}/api`, { variables: { count: 'many', marker: 'bad-type' } });
    expectError(bad, 400, 'VALIDATION_FAILED');
    expect((bad.body.details as Array<{ field: string }>).map((d) => d.field)).toEqual(['variables.count']);
    expect(requestsFor(live.site, 'bad-type')).toHaveLength(0);
  });

  it('429 QUEUE_FULL with Retry-After when the slot and the queue place are taken; the queued run is stopped without a browser', async () => {
    const running = await startAsync(live.t, waitId, { variables: { marker: 'q-running' } });
    await waitInAction(live.t, running, 'act_long_wait');
    const queued = await startAsync(live.t, waitId, { variables: { marker: 'q-queued' } });
    const full = await call(live.t, 'POST', `/api/tasks/${formId}/api?async=true`, { variables: { marker: 'q-refused' } });
    expectError(full, 429, 'QUEUE_FULL');
    const retryAfter = Number(full.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter) && retryAfter >= 5 && retryAfter <= 300).toBe(true);

    const stop = await call(live.t, 'POST', '/api/executions/stop', { executionId: queued });
    expect(stop.status).toBe(200);
    expect(stop.body).toMatchObject({ success: true, executionId: queued, phase: 'queued' });
    const q = await waitDone(live.t, queued, 5000);
    expect(q).toMatchObject({ outcome: 'stopped', errorCode: 'STOPPED', startedAt: null, durationMs: 0 });
    expect(eventNames(q)).toEqual(['phase:queued', 'stop_requested', 'phase:finished', 'finished']);

    // Free the slot, then check neither the stopped nor the refused run ever reached the site.
    await call(live.t, 'POST', '/api/executions/stop', { executionId: running });
    expect(await waitDone(live.t, running, 10_000)).toMatchObject({ outcome: 'stopped' });
    // Nothing left to run: the stopped run was never claimed afterwards either.
    await waitFor(async () => {
      const ready = (await (await fetch(`${live.t.url}/api/health/ready`)).json()) as { queue: { running: number; queued: number } };
      return ready.queue.running === 0 && ready.queue.queued === 0;
    });
    expect(await getExecution(live.t, queued)).toMatchObject({ phase: 'finished', outcome: 'stopped', startedAt: null });
    expect(requestsFor(live.site, 'q-running')).toHaveLength(1);
    expect(requestsFor(live.site, 'q-queued')).toHaveLength(0);
    expect(requestsFor(live.site, 'q-refused')).toHaveLength(0);
  });

  it('a run inside a 30 s wait is stopped: finished with outcome stopped within 2 s of the stop request', async () => {
    const id = await startAsync(live.t, waitId, { variables: { marker: 'stop-running' } });
    await waitInAction(live.t, id, 'act_long_wait');
    const t0 = Date.now();
    const stop = await call(live.t, 'POST', '/api/executions/stop', { executionId: id });
    expect(stop.body).toMatchObject({ success: true, executionId: id, phase: 'running' });
    const e = await waitDone(live.t, id, 2000);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(e).toMatchObject({ outcome: 'stopped', errorCode: 'STOPPED', status: 202 });
    expect(typeof e.stopRequestedAt).toBe('number');
    const names = eventNames(e);
    expect(names.indexOf('stop_requested')).toBeGreaterThan(names.indexOf('phase:running'));
    expect(names.slice(-2)).toEqual(['phase:finished', 'finished']);
    expect(e.durationMs).toBeLessThan(30_000);
  });

  it('ad-hoc POST /agent and POST /scrape run synchronously in Chromium against the site', async () => {
    const { name: _name, ...definition } = formTask(live.site);
    const agent = await call<RunResult>(live.t, 'POST', '/agent', { ...definition, variables: { ...(definition.variables as object), who: 'Adhoc Agent', marker: 'adhoc' } });
    expect(agent.status).toBe(200);
    expect(agent.body).toMatchObject({ outcome: 'success', data: { name: 'Adhoc Agent', method: 'POST', marker: 'adhoc' } });
    expect(requestsFor(live.site, 'adhoc')).toHaveLength(1);
    const agentRecord = await getExecution(live.t, agent.headers.get('x-execution-id')!);
    expect(agentRecord).toMatchObject({ source: 'adhoc', taskId: null, taskName: 'Ad-hoc agent', mode: 'agent', outcome: 'success' });

    const scrape = await call<Record<string, unknown>>(live.t, 'POST', '/scrape', { url: `${live.site.url}/links?n=3&marker=scrape`, selector: '#links', disableRecording: true });
    expect(scrape.status).toBe(200);
    expect(scrape.body).toMatchObject({ outcome: 'success', title: 'Links (3)', is_partial: true, selector_used: '#links' });
    expect(scrape.body.links).toEqual([1, 2, 3].map((i) => `${live.site.url}/links/item/${i}`));
    expect(scrape.body.html).toContain('Item 3');
    expect(requestsFor(live.site, 'scrape')).toHaveLength(1);
    const scrapeRecord = await getExecution(live.t, scrape.headers.get('x-execution-id')!);
    expect(scrapeRecord).toMatchObject({ source: 'adhoc', taskId: null, mode: 'scrape', outcome: 'success' });
  });
});
