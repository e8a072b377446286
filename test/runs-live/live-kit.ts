// Shared pieces of the live run suites: the real app (real TaskRunner, real Chromium) plus the
// fixture site, and the saved tasks they run through HTTP.
import { expect } from '@jest/globals';
import { call, createTask, getExecution, waitFor, type ExecutionView, type Reply } from '../executions/runs-kit.js';
import { startFixtureServer, startRunnerApp, type FixtureSite } from '../runner/runner-kit.js';
import type { TestApp } from '../support/app-harness.js';
import type { StorageProvider } from '../support/storage-matrix.js';

export interface LiveEnv {
  t: TestApp;
  site: FixtureSite;
  close(): Promise<void>;
}

/** One app (real runner, private networks allowed for the loopback site) and one fixture site. */
export async function startLive(storage: StorageProvider, env: Record<string, string>): Promise<LiveEnv> {
  const [t, site] = await Promise.all([startRunnerApp({ SHUTDOWN_GRACE_SECONDS: '1', ...env }, storage), startFixtureServer()]);
  return {
    t,
    site,
    close: async () => {
      await t.close();
      await site.close();
    },
  };
}

/** What the form task's extraction returns: the values the fixture's `/form-submit` page echoed. */
export interface FormData {
  name: string;
  method: string;
  marker: string;
  count: number;
}

/**
 * Opens `/form.html?marker=<marker>`, types `{$who}` into `#name`, submits, waits for the result
 * page and extracts what the server echoed (so `data.name` proves the variable reached the page).
 */
export function formTask(site: FixtureSite): Record<string, unknown> {
  return {
    name: 'Live form',
    url: `${site.url}/form.html?marker={$marker}`,
    disableRecording: true,
    variables: {
      who: { type: 'string', value: 'Nobody' },
      marker: { type: 'string', value: 'none' },
      count: { type: 'number', value: 1 },
    },
    actions: [
      { type: 'type', selector: '#name', value: '{$who}' },
      { type: 'click', selector: '#submit' },
      { type: 'wait_selector', selector: '#submitted', value: '10' },
    ],
    extractionScript: 'return { name: text(\'dd[data-field="name"]\'), method: text("#method"), marker: vars.marker, count: vars.count };',
  };
}

/** Opens `/form.html?marker=<marker>` and then sleeps `{$seconds}` (default 30) in a `wait` action. */
export function waitTask(site: FixtureSite): Record<string, unknown> {
  return {
    name: 'Live wait',
    url: `${site.url}/form.html?marker={$marker}`,
    disableRecording: true,
    variables: { marker: { type: 'string', value: 'none' }, seconds: { type: 'number', value: 30 } },
    actions: [{ id: 'act_long_wait', type: 'wait', value: '{$seconds}' }],
  };
}

export { call, createTask, getExecution, waitFor, type ExecutionView, type Reply };

export type Execution = ExecutionView & { events: Array<Record<string, unknown>>; result: Record<string, unknown> | null };

/** Polls the record until it is finished and its `finished` event is stored (RUNNER §3.3 step 7). */
export async function waitDone(t: TestApp, id: string, timeoutMs = 30_000): Promise<Execution> {
  return waitFor(
    async () => {
      const e = (await getExecution(t, id)) as Execution;
      return e.phase === 'finished' && e.events.at(-1)?.event === 'finished' ? e : undefined;
    },
    timeoutMs,
    `execution ${id} to finish`,
  );
}

/** Event names of a stored event log, phases spelled `phase:<phase>`. */
export const eventNames = (e: { events: Array<Record<string, unknown>> }): string[] =>
  e.events.map((ev) => (ev.event === 'phase' ? `phase:${String(ev.phase)}` : String(ev.event)));

/** Fixture requests made for one run (the tasks put `marker` in the start URL's query). */
export const requestsFor = (site: FixtureSite, marker: string) => site.requests.all().filter((r) => r.query.marker === marker);

/** Starts an async run and returns its execution id (asserting the 202). */
export async function startAsync(t: TestApp, taskId: string, body: Record<string, unknown> = {}): Promise<string> {
  const res = await call<{ executionId: string }>(t, 'POST', `/api/tasks/${taskId}/api?async=true`, body);
  expect(res.status).toBe(202);
  return res.body.executionId;
}

/** Waits until the run is inside the named action (its `action … running` event is stored). */
export function waitInAction(t: TestApp, id: string, actionId: string, timeoutMs = 20_000): Promise<Execution> {
  return waitFor(
    async () => {
      const e = (await getExecution(t, id)) as Execution;
      return e.events.some((ev) => ev.event === 'action' && ev.actionId === actionId && ev.status === 'running') ? e : undefined;
    },
    timeoutMs,
    `execution ${id} to enter ${actionId}`,
  );
}
