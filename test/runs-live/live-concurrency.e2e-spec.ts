// Issue 5: queue admission and the concurrency limit (API §4.5) with the REAL runner: 30 async
// runs at once, each holding a fixture request ~800 ms while its page loads.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectError } from '../executions/runs-kit.js';
import { STORAGE_PROVIDERS } from '../support/storage-matrix.js';
import { call, createTask, startLive, waitFor, type LiveEnv } from './live-kit.js';

const MAX_CONCURRENT = 2;
const MAX_QUEUED = 20;
const REQUESTS = 30;
/**
 * Every slot plus every queue place. Nothing finishes while the burst is admitted: the browser is
 * cold (first launch) and each run holds its page load ≥ 800 ms (the burst itself takes ~0.3-0.6 s).
 */
const ADMITTED = MAX_CONCURRENT + MAX_QUEUED;
const REFUSED = REQUESTS - ADMITTED;

interface Summary {
  id: string;
  phase: string;
  outcome: string | null;
}

describe.each(STORAGE_PROVIDERS)('%s storage: live concurrency', (storage) => {
  let live: LiveEnv;
  let taskId: string;
  const tag = `live-conc-${storage}`;

  beforeAll(async () => {
    live = await startLive(storage, { MAX_CONCURRENT_EXECUTIONS: String(MAX_CONCURRENT), MAX_QUEUED_EXECUTIONS: String(MAX_QUEUED) });
    // The start page is `/slow`: held 800 ms, in-flight requests counted per tag by the fixture site.
    taskId = await createTask(live.t, { name: 'Live slow page', url: `${live.site.url}/slow?ms=800&tag=${tag}`, disableRecording: true, extractionScript: 'return url()' });
  });
  afterAll(async () => {
    await live?.close();
  });

  it(`${REQUESTS} async runs at once: exactly ${REFUSED} get 429, the site never sees more than ${MAX_CONCURRENT} at once, every admitted run finishes`, async () => {
    live.site.requests.clear();
    const replies = await Promise.all(Array.from({ length: REQUESTS }, (_, i) => call(live.t, 'POST', `/api/tasks/${taskId}/api?async=true`, { runId: `conc-${storage}-${i}` })));
    const accepted = replies.filter((r) => r.status === 202);
    const refused = replies.filter((r) => r.status === 429);
    expect({ accepted: accepted.length, refused: refused.length }).toEqual({ accepted: ADMITTED, refused: REFUSED });
    for (const r of refused) {
      expectError(r, 429, 'QUEUE_FULL');
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(5);
    }

    const ids = new Set(accepted.map((r) => r.body.executionId as string));
    const finished = await waitFor(
      async () => {
        const list = (await call<{ executions: Summary[] }>(live.t, 'GET', `/api/executions?taskId=${taskId}&limit=500`)).body.executions;
        return list.length === ADMITTED && list.every((e) => e.phase === 'finished') ? list : undefined;
      },
      60_000,
      'every admitted run to finish',
    );
    // None lost, none duplicated: each admitted run finished with an outcome and loaded the page once.
    expect(new Set(finished.map((e) => e.id))).toEqual(ids);
    expect(finished.map((e) => e.outcome)).toEqual(Array(ADMITTED).fill('success'));
    expect(live.site.requests.forPath('/slow').filter((r) => r.tag === tag)).toHaveLength(ADMITTED);
    expect(live.site.requests.maxConcurrentByTag(tag)).toBe(MAX_CONCURRENT);
    expect(live.site.requests.inFlightByTag(tag)).toBe(0);
  });
});
