// Human-like input (RUNNER §12): a task with every stealth option and humanTyping does exactly
// what it does without them. The time bound (100 actions within 3× the plain run) is a figure of
// `npm run bench`, not an assertion here: timings on a shared machine are not behaviour.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { STEALTH_KEYS, type StealthOptions } from '../../src/tasks/model/task.types.js';
import { runActions, startHarness, type ActionInput, type Harness, type RunOutput } from './support/interpreter-harness.js';

const VISITS = 4;
const ALL_STEALTH = Object.fromEntries(STEALTH_KEYS.map((k) => [k, true])) as StealthOptions;

/** One visit of the form page: load, read, fill, move around, scroll, pause (10 actions). */
function visit(siteUrl: string, i: number): ActionInput[] {
  return [
    { type: 'navigate', value: `${siteUrl}/form.html?visit=${i}` },
    { type: 'wait_selector', selector: '#email' },
    { type: 'get_content', selector: 'h1', varName: 'title' },
    { type: 'click', selector: '#email' },
    { type: 'type', selector: '#email', value: `u${i}@x.io` },
    { type: 'press', key: 'Tab' },
    { type: 'hover', selector: '#submit' },
    { type: 'click', selector: '#newsletter' },
    { type: 'scroll', value: '200' },
    { type: 'wait', value: '0.5' },
  ];
}

/** Reads what the last visit left on the page. */
const READ_BACK: ActionInput = {
  type: 'javascript',
  varName: 'state',
  value: 'return { email: document.querySelector("#email").value, newsletter: document.querySelector("#newsletter").checked, focused: document.activeElement && document.activeElement.id }',
};

describe('human-like input pacing (RUNNER §12)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('every stealth option + humanTyping has the same effect as the plain run, past the fatigue cap', async () => {
    // 40 actions: fatigue reaches its 1.5 cap after 25.
    const actions = Array.from({ length: VISITS }, (_, i) => visit(h.site.url, i)).flat();
    expect(actions).toHaveLength(10 * VISITS);
    const withReadBack = [...actions, READ_BACK];

    const plain = await runActions(h, { actions: withReadBack });
    const human = await runActions(h, { actions: withReadBack, stealth: ALL_STEALTH, task: { humanTyping: true } });

    for (const out of [plain, human]) {
      expect(out.result.end).toBe('completed');
      // The last visit typed its address, ticked the box and tabbed away from the field.
      expect(out.result.state.vars.state).toEqual({ email: `u${VISITS - 1}@x.io`, newsletter: true, focused: expect.not.stringMatching(/^email$/) });
      expect(out.result.state.vars.title).toBe('Form fixture');
    }
    const perType = (out: RunOutput) => {
      const sums: Record<string, number> = {};
      for (const e of out.actionEvents()) if (e.durationMs !== undefined) sums[e.type] = (sums[e.type] ?? 0) + e.durationMs;
      return sums;
    };
    const ratio = human.durationMs / plain.durationMs;
    // Printed so a regression can be traced to an action type.
    console.log(`human pacing: plain ${plain.durationMs} ms, human ${human.durationMs} ms, ratio ${ratio.toFixed(2)}`, JSON.stringify({ plain: perType(plain), human: perType(human) }));
    // Stealth really ran: key-by-key typing and glides add seconds, far above any timing noise.
    expect(human.durationMs).toBeGreaterThan(plain.durationMs);
  }, 240_000);
});
