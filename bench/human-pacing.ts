// RUNNER §12 / issue 4: a 100-action task with every stealth option and humanTyping should take
// at most 3× the same task without them. A figure, printed by `npm run bench`, not a test.
import type { TaskRunner } from '../src/runner/runner.types.js';
import { STEALTH_KEYS } from '../src/tasks/model/task.types.js';
import { runThroughRunner, type TimedRun } from './runner-path.js';
import { normaliseBenchTask } from './six-steps.js';
import { percentile, ratio, round } from './stats.js';

export const HUMAN_PACING_BOUND = 3;
const VISITS = 10;
const LAST_TYPED = `u${VISITS - 1}@x.io`;

/** One visit of the bench page: load, read, fill, move around, submit, scroll, pause (10 actions). */
function visit(url: string, i: number): Array<Record<string, unknown>> {
  return [
    { type: 'navigate', value: `${url}?visit=${i}` },
    { type: 'wait_selector', selector: '#q' },
    { type: 'get_content', selector: '#list', varName: 'list' },
    { type: 'click', selector: '#q' },
    { type: 'type', selector: '#q', value: `u${i}@x.io` },
    { type: 'press', key: 'Tab' },
    { type: 'hover', selector: '#go' },
    { type: 'click', selector: '#go' },
    { type: 'scroll', value: '200' },
    { type: 'wait', value: '0.5' },
  ];
}

function humanPacingBody(url: string, human: boolean): Record<string, unknown> {
  return {
    name: `bench human pacing (${human ? 'stealth' : 'plain'})`,
    url,
    disableRecording: true,
    ...(human ? { humanTyping: true, stealth: Object.fromEntries(STEALTH_KEYS.map((k) => [k, true])) } : {}),
    actions: [
      ...Array.from({ length: VISITS }, (_, i) => visit(url, i)).flat(),
      { type: 'javascript', varName: 'state', value: "return { typed: document.querySelector('#q').value, result: text('#result') }" },
    ],
  };
}

/** The last visit typed its value and its click produced the greeting. */
function checkState(data: unknown): string | null {
  const state = (data as { state?: { typed?: unknown; result?: unknown } } | null)?.state;
  if (state?.typed !== LAST_TYPED) return `typed value was ${JSON.stringify(state?.typed)}`;
  if (state?.result !== `Hello, ${LAST_TYPED}`) return `result was ${JSON.stringify(state?.result)}`;
  return null;
}

export interface HumanPacingFigures {
  /** Actions of the task, not counting the final read-back `javascript`. */
  actions: number;
  plainMs: number | null;
  stealthMs: number | null;
  ratio: number | null;
  bound: number;
  problem: string | null;
}

/** Runs the plain and the stealth task `rounds` times each (alternating) and compares medians. */
export async function measureHumanPacing(runner: TaskRunner, url: string, rounds: number): Promise<HumanPacingFigures> {
  const plainTask = normaliseBenchTask(humanPacingBody(url, false));
  const stealthTask = normaliseBenchTask(humanPacingBody(url, true));
  const plain: TimedRun[] = [];
  const stealth: TimedRun[] = [];
  for (let i = 0; i < rounds; i++) {
    plain.push(await runThroughRunner(runner, plainTask, checkState));
    stealth.push(await runThroughRunner(runner, stealthTask, checkState));
  }
  const problem = [...plain, ...stealth].find((r) => r.problem !== null)?.problem ?? null;
  const median = (runs: TimedRun[]) => {
    const ms = runs.filter((r) => r.problem === null).map((r) => r.ms);
    return ms.length === 0 ? null : round(percentile(ms, 50));
  };
  const plainMs = median(plain);
  const stealthMs = median(stealth);
  return { actions: VISITS * 10, plainMs, stealthMs, ratio: ratio(stealthMs ?? undefined, plainMs ?? undefined), bound: HUMAN_PACING_BOUND, problem };
}
