// Helpers for the TaskRunner end-to-end suites: the real app (real Chromium, real captures and
// cookie jar), runs started directly through `app.get(TaskRunner)`.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { TaskRunner, type RunEvent, type RunOutcome, type RunRequest } from '../../src/runner/runner.types.js';
import type { RunMode } from '../../src/storage/ports/index.js';
import type { NormalisedTask } from '../../src/tasks/model/task.types.js';
import { validateTask } from '../../src/tasks/model/validate-task.js';
import { startFixtureServer } from '../fixtures/fixture-server.js';
import { startTestApp, type TestApp } from '../support/app-harness.js';
import type { StorageProvider } from '../support/storage-matrix.js';
import { browserEnv } from './browser-session-kit.js';

export type FixtureSite = Awaited<ReturnType<typeof startFixtureServer>>;

export async function startRunnerApp(env: Record<string, string> = {}, storage: StorageProvider = 'json'): Promise<TestApp> {
  return startTestApp({ storage, env: browserEnv({ ALLOW_PRIVATE_NETWORKS: 'true', ...env }) });
}

/** A task as the API would store it: validated and normalised. */
export function task(raw: Record<string, unknown>, credentialIds: string[] = []): NormalisedTask {
  const result = validateTask(
    { name: 'runner test', ...raw },
    { maxTaskBytes: 5 * 1024 * 1024, maxRunTimeoutSeconds: 3600, credentialExists: (id: string) => credentialIds.includes(id), newActionId: () => `act_${Math.random().toString(36).slice(2, 10)}` },
  );
  if (!('task' in result)) throw new Error(`test task invalid: ${JSON.stringify(result.errors)}`);
  return result.task;
}

export interface RunOptions {
  inputs?: Record<string, unknown>;
  secrets?: string[];
  mode?: RunMode;
  signal?: AbortSignal;
  startedAt?: number;
  deadline?: number;
  runId?: string;
  /** Sees every event as it is emitted (e.g. to stop the run at a given point). */
  onEvent?: (event: RunEvent) => void;
}

export interface FinishedRun {
  result: RunOutcome;
  events: RunEvent[];
  runId: string;
  ms: number;
  logs(level?: 'info' | 'warn' | 'error'): string[];
}

let counter = 0;

/** Runs `t` through the app's TaskRunner, collecting events. */
export async function run(app: TestApp, t: NormalisedTask, options: RunOptions = {}): Promise<FinishedRun> {
  const runner = app.app.get(TaskRunner);
  const events: RunEvent[] = [];
  const runId = options.runId ?? `run_e2e${Date.now()}${++counter}`;
  const inputs: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(t.variables)) inputs[name] = def.value;
  Object.assign(inputs, options.inputs);
  const request: RunRequest = {
    executionId: `exec_${runId}`,
    runId,
    taskId: t.id ?? null,
    task: t,
    mode: options.mode ?? (t.mode === 'scrape' ? 'scrape' : 'agent'),
    inputs,
    secrets: options.secrets ?? [],
    signal: options.signal ?? new AbortController().signal,
    events: {
      emit: (e) => {
        events.push(e);
        options.onEvent?.(e);
      },
    },
    startedAt: options.startedAt ?? Date.now(),
    deadline: options.deadline,
    depth: 0,
    chain: [],
  };
  const started = Date.now();
  const result = await runner.run(request);
  return {
    result,
    events,
    runId,
    ms: Date.now() - started,
    logs: (level) => events.flatMap((e) => (e.event === 'log' && (level === undefined || e.level === level) ? [e.message] : [])),
  };
}

/** The file behind a `/captures/<name>` URL in the app's captures dir. */
export function captureFile(app: TestApp, url: string | null): string {
  if (!url) throw new Error('no capture url');
  return path.join(app.config.capturesDir, url.replace(/^\/captures\//, ''));
}

export function captureExists(app: TestApp, url: string | null): boolean {
  return url !== null && existsSync(captureFile(app, url));
}

export { startFixtureServer };
