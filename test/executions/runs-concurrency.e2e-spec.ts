// Queue semantics under load (API §4.5): 30 async runs, MAX_CONCURRENT_EXECUTIONS=2, MAX_QUEUED_EXECUTIONS=20.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { STORAGE_PROVIDERS } from '../support/storage-matrix.js';
import { call, createTask, expectError, startRunApp, waitFor, type RunApp } from './runs-kit.js';

const MAX_CONCURRENT = 2;
const MAX_QUEUED = 20;
const REQUESTS = 30;
// While the first runs are held, capacity is every slot plus every queue place.
const ADMITTED = MAX_CONCURRENT + MAX_QUEUED;
const REFUSED = REQUESTS - ADMITTED;

interface Summary {
  id: string;
  phase: string;
  outcome: string | null;
}

describe.each(STORAGE_PROVIDERS)('%s storage', (storage) => {
  let t: RunApp;
  let taskId: string;

  beforeAll(async () => {
    t = await startRunApp({ storage, env: { MAX_CONCURRENT_EXECUTIONS: String(MAX_CONCURRENT), MAX_QUEUED_EXECUTIONS: String(MAX_QUEUED) } });
    taskId = await createTask(t, { variables: { delayMs: { type: 'number', value: 15 } } });
  });
  afterAll(async () => {
    t.fake.release();
    await t?.close();
  });

  it(`${REQUESTS} concurrent async runs: exactly ${REFUSED} get 429, never more than ${MAX_CONCURRENT} run, every admitted run finishes`, async () => {
    t.fake.hold();
    const replies = await Promise.all(Array.from({ length: REQUESTS }, (_, i) => call(t, 'POST', `/api/tasks/${taskId}/api?async=true`, { runId: `load-${i}` })));
    const accepted = replies.filter((r) => r.status === 202);
    const refused = replies.filter((r) => r.status === 429);
    expect({ accepted: accepted.length, refused: refused.length }).toEqual({ accepted: ADMITTED, refused: REFUSED });
    for (const r of refused) {
      expectError(r, 429, 'QUEUE_FULL');
      expect(r.body.details).toEqual({ running: MAX_CONCURRENT, queued: MAX_QUEUED, maxConcurrent: MAX_CONCURRENT, maxQueued: MAX_QUEUED });
      expect(Number(r.headers.get('retry-after'))).toBe(30);
    }
    // the held runs have been handed to the runner; the rest wait
    await waitFor(async () => t.fake.running === MAX_CONCURRENT);
    const ready = (await (await fetch(`${t.url}/api/health/ready`)).json()) as { queue: unknown };
    expect(ready.queue).toEqual({ running: MAX_CONCURRENT, queued: MAX_QUEUED, maxConcurrent: MAX_CONCURRENT, maxQueued: MAX_QUEUED });

    t.fake.release();
    const ids = new Set(accepted.map((r) => r.body.executionId as string));
    const finished = await waitFor(
      async () => {
        const list = (await call<{ executions: Summary[] }>(t, 'GET', `/api/executions?taskId=${taskId}&limit=500`)).body.executions;
        return list.length === ADMITTED && list.every((e) => e.phase === 'finished') ? list : undefined;
      },
      30_000,
      'every admitted run to finish',
    );
    expect(new Set(finished.map((e) => e.id))).toEqual(ids);
    expect(finished.every((e) => e.outcome === 'success')).toBe(true);
    expect(t.fake.maxRunning).toBe(MAX_CONCURRENT);
    expect(t.fake.calls.filter((c) => c.taskId === taskId)).toHaveLength(ADMITTED);
    const after = (await (await fetch(`${t.url}/api/health/ready`)).json()) as { queue: unknown };
    expect(after.queue).toEqual({ running: 0, queued: 0, maxConcurrent: MAX_CONCURRENT, maxQueued: MAX_QUEUED });
  });
});
