import { newId } from '../src/common/ids.js';
import type { RunRequest, TaskRunner } from '../src/runner/runner.types.js';
import type { NormalisedTask } from '../src/tasks/model/task.types.js';
import { checkRunData } from './six-steps.js';

/** One timed attempt: elapsed ms and null, or the reason the run did not do the six steps. */
export interface TimedRun {
  ms: number;
  problem: string | null;
}

/** Runs the task straight through `TaskRunner.run` (no queue, no execution record). */
export async function runThroughRunner(runner: TaskRunner, task: NormalisedTask, check: (data: unknown) => string | null = checkRunData): Promise<TimedRun> {
  const runId = newId('run');
  const inputs: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(task.variables)) inputs[name] = def.value;
  const request: RunRequest = {
    executionId: newId('exec'),
    runId,
    taskId: null,
    task,
    mode: 'agent',
    inputs,
    secrets: [],
    signal: new AbortController().signal,
    events: { emit: () => undefined },
    startedAt: Date.now(),
    depth: 0,
    chain: [],
  };
  const started = performance.now();
  const result = await runner.run(request);
  const ms = performance.now() - started;
  if (result.outcome !== 'success') return { ms, problem: `outcome ${result.outcome} (${result.errorCode ?? '-'}: ${result.error ?? ''})` };
  return { ms, problem: check(result.data) };
}
