// Shared helpers for the run-side e2e suites: a controllable fake TaskRunner and HTTP helpers.
import { expect } from '@jest/globals';
import { SubtaskLauncher, TaskRunner, type RunOutcome, type RunRequest } from '../../src/runner/runner.types.js';
import { startTestApp, type TestApp, type TestAppOptions } from '../support/app-harness.js';
import { waitFor } from '../support/wait.js';

export { sleep, waitFor } from '../support/wait.js';

/** A public IP literal: passes the SSRF guard without DNS (nothing is ever fetched from it). */
export const PUBLIC_URL = 'https://93.184.215.14/';

export interface FakeCall {
  executionId: string;
  runId: string;
  taskId: string | null;
  inputs: Record<string, unknown>;
  task: RunRequest['task'];
  secrets: string[];
  depth: number;
  chain: string[];
  deadline?: number;
  aborted: boolean;
}

const num = (v: unknown, def: number) => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : def);

/**
 * A TaskRunner driven by the run's inputs:
 * - `delayMs` (default 20): run time; `hold()` makes runs wait until `release()` instead;
 * - `outcome` (default success), `logLines` (default 2), `htmlBytes`, `dataBytes`, `links`;
 * - `child`: a task id started through the SubtaskLauncher (its report becomes `data`).
 * Honours the abort signal (→ `stopped`), emits action and log events, tracks concurrency.
 */
export class FakeTaskRunner extends TaskRunner {
  running = 0;
  maxRunning = 0;
  readonly calls: FakeCall[] = [];
  launcher: SubtaskLauncher | null = null;
  private held: Array<() => void> | null = null;

  hold(): void {
    this.held ??= [];
  }

  release(): void {
    const waiting = this.held ?? [];
    this.held = null;
    for (const resolve of waiting) resolve();
  }

  async run(req: RunRequest): Promise<RunOutcome> {
    const call: FakeCall = { executionId: req.executionId, runId: req.runId, taskId: req.taskId, inputs: req.inputs, task: req.task, secrets: req.secrets, depth: req.depth, chain: req.chain, aborted: false, ...(req.deadline !== undefined ? { deadline: req.deadline } : {}) };
    this.calls.push(call);
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      req.events.emit({ event: 'action', actionId: 'act_fake', actionIndex: 0, type: 'wait', status: 'running', message: 'Fake action' });
      const logLines = num(req.inputs.logLines, 2);
      for (let i = 0; i < logLines; i++) req.events.emit({ event: 'log', level: 'info', actionId: null, message: `line ${i + 1}` });
      let data: unknown = req.inputs.dataBytes !== undefined ? { blob: 'd'.repeat(num(req.inputs.dataBytes, 0)) } : { echo: req.inputs.q ?? null };
      await this.wait(num(req.inputs.delayMs, 20), req.signal);
      if (!req.signal.aborted && typeof req.inputs.child === 'string') {
        if (!this.launcher) throw new Error('no launcher');
        const report = await this.launcher.launch(req, req.inputs.child, { ...req.inputs, child: undefined, delayMs: req.inputs.childDelayMs }, req.signal, req.startedAt + 60_000);
        data = report;
      }
      if (req.signal.aborted) {
        call.aborted = true;
        return this.outcome('stopped', req, null, 'The run was stopped', 'STOPPED');
      }
      req.events.emit({ event: 'action', actionId: 'act_fake', actionIndex: 0, type: 'wait', status: 'success', durationMs: 1, message: 'Fake action done' });
      const outcome = (typeof req.inputs.outcome === 'string' ? req.inputs.outcome : 'success') as RunOutcome['outcome'];
      const result = this.outcome(outcome, req, data, outcome === 'success' ? undefined : `fake ${outcome}`, outcome === 'success' ? undefined : 'ACTION_FAILED');
      if (req.inputs.htmlBytes !== undefined) result.html = 'h'.repeat(num(req.inputs.htmlBytes, 0));
      if (req.inputs.links !== undefined) result.links = Array.from({ length: num(req.inputs.links, 0) }, (_, i) => `https://example.com/${i}`);
      return result;
    } finally {
      this.running--;
    }
  }

  private outcome(outcome: RunOutcome['outcome'], req: RunRequest, data: unknown, error?: string, errorCode?: RunOutcome['errorCode']): RunOutcome {
    const r: RunOutcome = { outcome, success: outcome === 'success', final_url: req.task.url, data, logs: ['runner-side log'], screenshot_url: null, recording_url: null, downloads: [] };
    if (error !== undefined) r.error = error;
    if (errorCode !== undefined) r.errorCode = errorCode;
    return r;
  }

  private wait(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = this.held ? undefined : setTimeout(done, ms);
      if (this.held) this.held.push(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

export interface RunApp extends TestApp {
  fake: FakeTaskRunner;
}

/** The real app with the fake runner in place of TaskRunner. */
export async function startRunApp(options: TestAppOptions & { fake?: FakeTaskRunner } = {}): Promise<RunApp> {
  const fake = options.fake ?? new FakeTaskRunner();
  const t = await startTestApp({ ...options, env: { SHUTDOWN_GRACE_SECONDS: '1', ...options.env }, overrides: [...(options.overrides ?? []), { provide: TaskRunner, useValue: fake }] });
  fake.launcher = t.app.get(SubtaskLauncher, { strict: false });
  return Object.assign(t, { fake });
}

export interface Reply<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

export async function call<T = Record<string, unknown>>(t: TestApp, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply<T>> {
  const init: RequestInit = { method, headers: { 'x-api-key': t.apiKey, ...headers } };
  if (body !== undefined) {
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  const res = await fetch(`${t.url}${path}`, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text === '' ? undefined : JSON.parse(text)) as T };
}

export async function createTask(t: TestApp, task: Record<string, unknown>): Promise<string> {
  const res = await call<{ id: string }>(t, 'POST', '/api/tasks', { name: 'Run me', url: PUBLIC_URL, ...task });
  expect(res.status).toBe(200);
  return res.body.id;
}

export interface ExecutionView {
  id: string;
  runId: string;
  phase: string;
  outcome: string | null;
  status: number | null;
  [k: string]: unknown;
}

export async function getExecution(t: TestApp, id: string): Promise<ExecutionView & { events: Array<Record<string, unknown>> }> {
  const res = await call<{ execution: ExecutionView & { events: Array<Record<string, unknown>> } }>(t, 'GET', `/api/executions/${id}`);
  expect(res.status).toBe(200);
  return res.body.execution;
}

export function waitFinished(t: TestApp, id: string, timeoutMs = 10_000) {
  return waitFor(
    async () => {
      const e = await getExecution(t, id);
      // The record is finished first; its `finished` event is stored right after (RUNNER §3.3).
      return e.phase === 'finished' && e.events.at(-1)?.event === 'finished' ? e : undefined;
    },
    timeoutMs,
    `execution ${id} to finish`,
  );
}

export function expectError(res: Reply<unknown>, status: number, code: string): Record<string, unknown> {
  const body = res.body as { error: string; message: string; details?: unknown };
  expect({ status: res.status, error: body?.error }).toEqual({ status, error: code });
  expect(typeof body.message).toBe('string');
  return body as unknown as Record<string, unknown>;
}
