import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { Page } from 'playwright';
import { STEALTH_KEYS, type StealthOptions } from '../../tasks/model/task.types.js';
import { ActionPacing, HumanInput, MAX_ADDED_DELAY_MS, humanOptionsFromTask, type HumanOptions } from './human-input.js';
import { extremes, seeded } from '../../../test/runner/support/scripted-random.js';

// ---- fake-timer helpers: all waits below run on Jest's fake clock, nothing is measured ----

/** Runs `pause` to completion on the fake clock and returns how long it waited (fake ms). */
async function waited(pause: () => Promise<void>): Promise<number> {
  const start = Date.now();
  const done = pause();
  await jest.runAllTimersAsync();
  await done;
  return Date.now() - start;
}

/** Advances the fake clock until `promise` settles. */
async function settle<T>(promise: Promise<T>): Promise<T> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let i = 0; i < 10_000 && !settled; i++) await jest.advanceTimersByTimeAsync(5);
  return promise;
}

const OFF: HumanOptions = {
  humanTyping: false,
  naturalTyping: false,
  allowTypos: false,
  cursorGlide: false,
  randomizeClicks: false,
  deadClicks: false,
  idleMovements: false,
  overscroll: false,
  fatigue: false,
};

function stealth(extra: Record<string, unknown> = {}): StealthOptions {
  const flags = Object.fromEntries(STEALTH_KEYS.map((k) => [k, false])) as StealthOptions;
  return { ...flags, ...extra } as StealthOptions;
}

describe('humanOptionsFromTask', () => {
  it('turns everything off for a task without human options', () => {
    expect(humanOptionsFromTask({ humanTyping: false, stealth: stealth() })).toEqual(OFF);
  });

  it('maps humanTyping and each stealth flag to its own option only', () => {
    expect(humanOptionsFromTask({ humanTyping: true, stealth: stealth() })).toEqual({ ...OFF, humanTyping: true });
    for (const key of STEALTH_KEYS) {
      expect(humanOptionsFromTask({ humanTyping: false, stealth: stealth({ [key]: true }) })).toEqual({ ...OFF, [key]: true });
    }
  });

  it('maps everything on', () => {
    const all = Object.fromEntries(STEALTH_KEYS.map((k) => [k, true]));
    expect(humanOptionsFromTask({ humanTyping: true, stealth: stealth(all) })).toEqual(
      Object.fromEntries(Object.keys(OFF).map((k) => [k, true])),
    );
  });

  it('reads the legacy `humanCursor` flag as cursorGlide', () => {
    expect(humanOptionsFromTask({ humanTyping: false, stealth: stealth({ humanCursor: true }) })).toEqual({ ...OFF, cursorGlide: true });
    expect(humanOptionsFromTask({ humanTyping: false, stealth: stealth({ humanCursor: true, cursorGlide: false }) }).cursorGlide).toBe(true);
    expect(humanOptionsFromTask({ humanTyping: false, stealth: stealth({ humanCursor: false }) }).cursorGlide).toBe(false);
  });

  it('only takes literal `true`: truthy strings and numbers stay off', () => {
    const truthy = Object.fromEntries(STEALTH_KEYS.map((k, i) => [k, i % 2 === 0 ? 'true' : 1]));
    expect(humanOptionsFromTask({ humanTyping: 'true' as unknown as boolean, stealth: stealth({ ...truthy, humanCursor: 'yes' }) })).toEqual(OFF);
  });

  it('treats a missing stealth object as all off', () => {
    expect(humanOptionsFromTask({ humanTyping: true, stealth: undefined as unknown as StealthOptions })).toEqual({ ...OFF, humanTyping: true });
  });
});

describe('ActionPacing (RUNNER §12: ≤ 2 s of added delay per action)', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  const live = (): AbortSignal => new AbortController().signal;

  it('is capped at 2000 ms', () => {
    expect(MAX_ADDED_DELAY_MS).toBe(2000);
  });

  it('waits exactly the requested stealth delay, scaled by the multiplier and rounded', async () => {
    expect(await waited(() => new ActionPacing(live(), 1).stealthDelay(300))).toBe(300);
    expect(await waited(() => new ActionPacing(live(), 1.5).stealthDelay(300))).toBe(450);
    expect(await waited(() => new ActionPacing(live(), 1.02).stealthDelay(333))).toBe(340);
    expect(await waited(() => new ActionPacing(live(), 1).stealthDelay(12.4))).toBe(12);
  });

  it('does not scale fixed delays (a glide keeps its own pace)', async () => {
    expect(await waited(() => new ActionPacing(live(), 1.5).fixedDelay(100))).toBe(100);
    expect(await waited(() => new ActionPacing(live(), 1.5).fixedDelay(12.6))).toBe(13);
  });

  it('shares one 2000 ms allowance between stealth and fixed delays, then resolves at once', async () => {
    const pacing = new ActionPacing(live(), 1);
    expect(await waited(() => pacing.stealthDelay(1500))).toBe(1500);
    expect(await waited(() => pacing.fixedDelay(800))).toBe(500);
    for (let i = 0; i < 5; i++) {
      const stealthy = pacing.stealthDelay(100);
      const fixed = pacing.fixedDelay(100);
      expect(jest.getTimerCount()).toBe(0);
      await expect(stealthy).resolves.toBeUndefined();
      await expect(fixed).resolves.toBeUndefined();
    }
  });

  it('caps a single scaled delay at the allowance', async () => {
    const pacing = new ActionPacing(live(), 1.5);
    expect(await waited(() => pacing.stealthDelay(1600))).toBe(2000);
    expect(await waited(() => pacing.stealthDelay(1))).toBe(0);
    expect(await waited(() => new ActionPacing(live(), 1).fixedDelay(Number.POSITIVE_INFINITY))).toBe(2000);
  });

  it('grants nothing for zero or negative delays and keeps the allowance for later', async () => {
    const pacing = new ActionPacing(live(), 1.5);
    const none = [pacing.stealthDelay(0), pacing.stealthDelay(-500), pacing.fixedDelay(-1), pacing.fixedDelay(0)];
    expect(jest.getTimerCount()).toBe(0);
    await Promise.all(none);
    expect(await waited(() => pacing.fixedDelay(2500))).toBe(2000);
  });

  it('gives each action its own allowance', async () => {
    const first = new ActionPacing(live(), 1);
    expect(await waited(() => first.stealthDelay(5000))).toBe(2000);
    const second = new ActionPacing(live(), 1);
    expect(await waited(() => second.stealthDelay(5000))).toBe(2000);
  });

  it.each([1, 2, 3, 4, 5, 6])('never grants more than 2000 ms in total over many mixed calls (seed %i)', async (seed) => {
    const random = seeded(seed);
    const multiplier = [1, 1.02, 1.3, 1.5][seed % 4];
    const pacing = new ActionPacing(live(), multiplier);
    let left = MAX_ADDED_DELAY_MS;
    let total = 0;
    for (let i = 0; i < 40; i++) {
      const stealthy = random.chance(0.5);
      const ms = random.int(-20, 400);
      const wanted = stealthy ? Math.round(ms * multiplier) : ms;
      const expected = Math.max(0, Math.min(wanted, left));
      const got = await waited(() => (stealthy ? pacing.stealthDelay(ms) : pacing.fixedDelay(ms)));
      expect(got).toBe(expected);
      left -= expected;
      total += got;
    }
    expect(total).toBe(MAX_ADDED_DELAY_MS);
  });

  it('rejects with the abort reason when the signal is already aborted', async () => {
    const controller = new AbortController();
    const reason = new Error('run stopped');
    controller.abort(reason);
    const pacing = new ActionPacing(controller.signal, 1);
    await expect(pacing.stealthDelay(100)).rejects.toBe(reason);
    await expect(pacing.fixedDelay(100)).rejects.toBe(reason);
  });

  it('rejects with an AbortError when the signal aborts with a non-Error reason', async () => {
    const controller = new AbortController();
    controller.abort('user');
    await expect(new ActionPacing(controller.signal, 1).stealthDelay(100)).rejects.toMatchObject({ name: 'AbortError', reason: 'user' });
  });

  it('ends a pause at once when the signal aborts mid-way', async () => {
    const controller = new AbortController();
    const pacing = new ActionPacing(controller.signal, 1);
    const start = Date.now();
    const pause = pacing.stealthDelay(1500);
    const outcome = pause.then(
      () => 'resolved',
      (e: unknown) => e,
    );
    await jest.advanceTimersByTimeAsync(300);
    const reason = new Error('timeout');
    controller.abort(reason);
    expect(await outcome).toBe(reason);
    expect(Date.now() - start).toBe(300);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('rejects once the signal has aborted, even when the allowance is used up', async () => {
    const controller = new AbortController();
    const pacing = new ActionPacing(controller.signal, 1);
    expect(await waited(() => pacing.stealthDelay(2000))).toBe(2000);
    await expect(pacing.stealthDelay(100)).resolves.toBeUndefined();
    controller.abort(new Error('late'));
    await expect(pacing.stealthDelay(100)).rejects.toThrow('late');
    await expect(pacing.fixedDelay(0)).rejects.toThrow('late');
  });
});

describe('HumanInput.beginAction (RUNNER §12 fatigue)', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  // beginAction does not touch the page.
  const page = {} as unknown as Page;
  const live = (): AbortSignal => new AbortController().signal;

  it('scales stealth delays by 1 + 0.02 × actions done, capped at 1.5', async () => {
    const random = extremes('min', false);
    const human = new HumanInput(page, { ...OFF, fatigue: true }, random);
    for (let done = 0; done < 32; done++) {
      const pacing = await settle(human.beginAction(live()));
      expect(await waited(() => pacing.stealthDelay(1000))).toBe(Math.round(1000 * Math.min(1.5, 1 + 0.02 * done)));
      // Fixed (glide) delays are never scaled.
      expect(await waited(() => pacing.fixedDelay(100))).toBe(100);
    }
    expect(random.chances).toEqual(Array.from({ length: 32 }, () => 0.05));
  });

  it('does not scale anything, nor draw a fatigue pause, without fatigue', async () => {
    const random = extremes('max', true);
    const human = new HumanInput(page, OFF, random);
    for (let done = 0; done < 30; done++) {
      let pacing: ActionPacing | undefined;
      expect(
        await waited(async () => {
          pacing = await human.beginAction(live());
        }),
      ).toBe(0);
      expect(await waited(() => pacing!.stealthDelay(1000))).toBe(1000);
    }
    expect(random.chances).toEqual([]);
  });

  it('takes the occasional 120–480 ms fatigue pause out of the same 2 s allowance', async () => {
    const low = new HumanInput(page, { ...OFF, fatigue: true }, extremes('min', true));
    let pacing: ActionPacing | undefined;
    expect(
      await waited(async () => {
        pacing = await low.beginAction(live());
      }),
    ).toBe(120);
    expect(await waited(() => pacing!.stealthDelay(5000))).toBe(1880);

    const high = new HumanInput(page, { ...OFF, fatigue: true }, extremes('max', true));
    expect(
      await waited(async () => {
        pacing = await high.beginAction(live());
      }),
    ).toBe(480);
    expect(await waited(() => pacing!.stealthDelay(5000))).toBe(1520);
    // The pause is fatigue-scaled too: the 26th action waits 480 × 1.5.
    for (let i = 1; i < 25; i++) await settle(high.beginAction(live()));
    expect(
      await waited(async () => {
        pacing = await high.beginAction(live());
      }),
    ).toBe(720);
  });

  it('rejects when the action is already aborted and a fatigue pause is due', async () => {
    const controller = new AbortController();
    const reason = new Error('stopped');
    controller.abort(reason);
    const human = new HumanInput(page, { ...OFF, fatigue: true }, extremes('min', true));
    await expect(human.beginAction(controller.signal)).rejects.toBe(reason);
  });
});

describe('HumanInput.typeText (RUNNER §12 allowTypos: never in secret or password fields)', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  function fakePage(): { page: Page; calls: string[] } {
    const calls: string[] = [];
    const keyboard = {
      type: async (text: string) => void calls.push(`type:${text}`),
      press: async (key: string) => void calls.push(`press:${key}`),
      insertText: async (text: string) => void calls.push(`insert:${text}`),
    };
    return { page: { keyboard } as unknown as Page, calls };
  }

  const typoOptions: HumanOptions = { ...OFF, humanTyping: true, allowTypos: true };

  it('makes typos (neighbour, Backspace, letter) in an ordinary field when every chance hits', async () => {
    const { page, calls } = fakePage();
    const human = new HumanInput(page, typoOptions, extremes('min', true));
    await settle(human.typeText('ab', false, new ActionPacing(new AbortController().signal, 1)));
    expect(calls).toEqual(['type:s', 'press:Backspace', 'type:a', 'type:v', 'press:Backspace', 'type:b']);
  });

  it('never makes a typo in a secret or password field, even when every chance would hit', async () => {
    const { page, calls } = fakePage();
    const random = extremes('min', true);
    const human = new HumanInput(page, typoOptions, random);
    await settle(human.typeText('hunter2Secret', true, new ActionPacing(new AbortController().signal, 1)));
    expect(calls).toEqual(Array.from('hunter2Secret').map((ch) => `type:${ch}`));
    expect(random.chances).toEqual([]);
  });

  it('inserts the text at once without humanTyping, and nothing for empty text', async () => {
    const { page, calls } = fakePage();
    const human = new HumanInput(page, { ...OFF, allowTypos: true }, extremes('min', true));
    const pacing = new ActionPacing(new AbortController().signal, 1);
    await human.typeText('hello, world', false, pacing);
    await human.typeText('', false, pacing);
    expect(calls).toEqual(['insert:hello, world']);
  });

  it('types the first 300 characters key by key and inserts the rest', async () => {
    const { page, calls } = fakePage();
    const human = new HumanInput(page, { ...OFF, humanTyping: true }, extremes('min'));
    const text = 'x'.repeat(300) + 'tail';
    await settle(human.typeText(text, false, new ActionPacing(new AbortController().signal, 1)));
    expect(calls).toHaveLength(301);
    expect(calls.slice(0, 300).every((c) => c === 'type:x')).toBe(true);
    expect(calls[300]).toBe('insert:tail');
  });
});
