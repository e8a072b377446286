import { describe, expect, it } from '@jest/globals';
import { HUMAN_TYPED_CHARS, keyboardNeighbours, typingPlan, type TypingOptions, type TypingStep } from './typing-plan.js';
import { extremes, seeded } from '../../../test/runner/support/scripted-random.js';

const HUMAN: TypingOptions = { naturalTyping: false, allowTypos: false };
const NATURAL: TypingOptions = { naturalTyping: true, allowTypos: false };
const PUNCTUATION = new Set(['.', ',', ';', ':', '!', '?']);

type KeyStep = Extract<TypingStep, { kind: 'key' }>;
const keys = (steps: TypingStep[]): KeyStep[] => steps.filter((s): s is KeyStep => s.kind === 'key');

/** What the field holds after the plan: keys appended, Backspace removes the last character. */
function replay(steps: TypingStep[]): string {
  const out: string[] = [];
  for (const step of steps) {
    if (step.kind === 'backspace') out.pop();
    else out.push(...Array.from(step.text));
  }
  return out.join('');
}

const SAMPLE_TEXTS: readonly string[] = [
  'a',
  'hello world',
  'Hello, World! How are you? Fine; thanks: bye.',
  'user@example.com',
  'P4ssw0rd!?',
  '...,,,;;;:::!!!???',
  'The quick brown fox jumps over the lazy dog. THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG.',
  'Grüße, 世界! café — naïve 👍🏽 👨‍👩‍👧 ok',
  'tab\tnew\nline',
];

describe('keyboardNeighbours', () => {
  it('lists the QWERTY neighbours of a letter, keeping its case', () => {
    expect(keyboardNeighbours('a')).toEqual(['s', 'q', 'w', 'z']);
    expect(keyboardNeighbours('h')).toEqual(['g', 'j', 'y', 'u', 'b', 'n']);
    expect(keyboardNeighbours('p')).toEqual(['o', 'l']);
    expect(keyboardNeighbours('m')).toEqual(['n', 'j', 'k']);
    expect(keyboardNeighbours('G')).toEqual(['F', 'H', 'T', 'Y', 'V', 'B']);
  });

  it('has no neighbours for digits, punctuation, spaces or non-ASCII letters', () => {
    for (const ch of ['1', '0', '.', ' ', 'é', 'ß', '世', '👍']) expect(keyboardNeighbours(ch)).toEqual([]);
  });

  it('is symmetric and never lists the letter itself, for all 26 letters', () => {
    for (const ch of 'abcdefghijklmnopqrstuvwxyz') {
      const near = keyboardNeighbours(ch);
      expect(near.length).toBeGreaterThanOrEqual(2);
      expect(near).not.toContain(ch);
      for (const other of near) expect(keyboardNeighbours(other)).toContain(ch);
    }
  });
});

describe('typingPlan with humanTyping (RUNNER §12)', () => {
  it('waits 25 ms between keys at the minimum, plus 40 ms after punctuation; the first key at once', () => {
    const steps = typingPlan('Hi, you.', HUMAN, extremes('min'));
    expect(steps).toEqual(
      Array.from('Hi, you.').map((text, i) => ({ kind: 'key', text, delayBefore: i === 0 ? 0 : i === 3 ? 65 : 25 })),
    );
  });

  it('waits 80 ms between keys at the maximum, plus 120 ms after punctuation', () => {
    expect(keys(typingPlan('Hi, you.', HUMAN, extremes('max'))).map((s) => s.delayBefore)).toEqual([0, 80, 80, 200, 80, 80, 80, 80]);
  });

  it.each([1, 2, 3, 4, 5])('keeps every key within 25–80 ms (+40–120 ms after .,;:!?) (seed %i)', (seed) => {
    const random = seeded(seed);
    const violations: string[] = [];
    for (const text of SAMPLE_TEXTS) {
      const chars = Array.from(text);
      const steps = typingPlan(text, HUMAN, random);
      expect(steps.map((s) => s.kind === 'key' && s.text)).toEqual(chars);
      steps.forEach((step, i) => {
        const delay = (step as KeyStep).delayBefore;
        const [lo, hi] = i === 0 ? [0, 0] : PUNCTUATION.has(chars[i - 1]) ? [65, 200] : [25, 80];
        if (!Number.isInteger(delay) || delay < lo || delay > hi) violations.push(`${JSON.stringify(text)} key ${i}: ${delay} ms not in ${lo}–${hi}`);
      });
    }
    expect(violations).toEqual([]);
  });

  it('adds the punctuation pause for each of . , ; : ! ? and for nothing else', () => {
    for (const ch of '.,;:!?') expect(keys(typingPlan(`a${ch}b`, HUMAN, extremes('min')))[2].delayBefore).toBe(65);
    for (const ch of ['-', "'", '"', ' ', '\n', '(', '…', '。', '¿']) expect(keys(typingPlan(`a${ch}b`, HUMAN, extremes('min')))[2].delayBefore).toBe(25);
  });

  it('plans nothing for empty text', () => {
    expect(typingPlan('', HUMAN, extremes('min'))).toEqual([]);
    expect(typingPlan('', { naturalTyping: true, allowTypos: true }, extremes('min', true))).toEqual([]);
  });

  it('types only the first 300 characters key by key and inserts the rest in one step', () => {
    const text = Array.from({ length: 1000 }, (_, i) => String.fromCharCode(97 + (i % 26))).join('');
    const steps = typingPlan(text, HUMAN, extremes('min'));
    expect(steps).toHaveLength(HUMAN_TYPED_CHARS + 1);
    expect(keys(steps).map((s) => s.text).join('')).toBe(text.slice(0, 300));
    expect(steps[300]).toEqual({ kind: 'insert', text: text.slice(300) });
    expect(replay(steps)).toBe(text);
  });

  it('has no insert step for exactly 300 characters and a one-character insert for 301', () => {
    const exact = typingPlan('x'.repeat(300), HUMAN, extremes('min'));
    expect(exact).toHaveLength(300);
    expect(exact.every((s) => s.kind === 'key')).toBe(true);
    const over = typingPlan('x'.repeat(301), HUMAN, extremes('min'));
    expect(over).toHaveLength(301);
    expect(over[300]).toEqual({ kind: 'insert', text: 'x' });
  });

  it('counts the 300 characters in code points, so an emoji is never split', () => {
    const text = `${'a'.repeat(299)}😀👍🏽`;
    const steps = typingPlan(text, HUMAN, extremes('min'));
    expect(steps).toHaveLength(301);
    expect(steps[299]).toEqual({ kind: 'key', text: '😀', delayBefore: 25 });
    expect(steps[300]).toEqual({ kind: 'insert', text: '👍🏽' });
    expect(replay(steps)).toBe(text);
  });

  it('types non-ASCII text one code point per key and reproduces it exactly', () => {
    const text = 'Grüße, 世界! café 👍🏽 👨‍👩‍👧';
    const steps = typingPlan(text, { naturalTyping: true, allowTypos: true }, seeded(9, 0.5));
    for (const step of keys(steps)) expect(Array.from(step.text)).toHaveLength(1);
    expect(keys(steps).some((s) => s.text === '👍')).toBe(true);
    expect(keys(steps).some((s) => s.text === '\u{1F3FD}')).toBe(true);
    expect(replay(steps)).toBe(text);
  });
});

describe('typingPlan with naturalTyping (RUNNER §12)', () => {
  it('types bursts of 6 keys 12 ms apart with a 150 ms pause between them at the minimum', () => {
    const delays = keys(typingPlan('abcdefghijklmnop', NATURAL, extremes('min'))).map((s) => s.delayBefore);
    expect(delays).toEqual([0, 12, 12, 12, 12, 12, 162, 12, 12, 12, 12, 12, 162, 12, 12, 12]);
  });

  it('types bursts of 16 keys 55 ms apart with a 400 ms pause between them at the maximum', () => {
    const delays = keys(typingPlan('x'.repeat(40), NATURAL, extremes('max'))).map((s) => s.delayBefore);
    const expected = Array.from({ length: 40 }, (_, i) => (i === 0 ? 0 : i % 16 === 0 ? 455 : 55));
    expect(delays).toEqual(expected);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('keeps keys 12–55 ms apart in bursts of 6–16, separated by 150–400 ms (seed %i)', (seed) => {
    const text = 'abcdefghijklmnopqrstuvwxyz'.repeat(11); // 286 letters, no punctuation
    const delays = keys(typingPlan(text, NATURAL, seeded(seed))).map((s) => s.delayBefore);
    expect(delays).toHaveLength(286);
    expect(delays[0]).toBe(0);
    const bursts: number[] = [];
    let current = 1;
    const violations: string[] = [];
    for (const [i, delay] of delays.entries()) {
      if (i === 0) continue;
      if (delay >= 12 && delay <= 55) current++;
      else if (delay >= 162 && delay <= 455) {
        bursts.push(current);
        current = 1;
      } else violations.push(`key ${i}: ${delay} ms`);
    }
    expect(violations).toEqual([]);
    expect(bursts.length).toBeGreaterThanOrEqual(286 / 17);
    for (const burst of bursts) {
      expect(burst).toBeGreaterThanOrEqual(6);
      expect(burst).toBeLessThanOrEqual(16);
    }
    expect(current).toBeLessThanOrEqual(16);
  });

  it('adds the 40–120 ms punctuation pause on top of the 12–55 ms key gap', () => {
    expect(keys(typingPlan('a.b', NATURAL, extremes('min'))).map((s) => s.delayBefore)).toEqual([0, 12, 52]);
    expect(keys(typingPlan('a.b', NATURAL, extremes('max'))).map((s) => s.delayBefore)).toEqual([0, 55, 175]);
  });

  it.each([1, 2, 3])('keeps every key within the natural bounds on mixed text (seed %i)', (seed) => {
    const random = seeded(seed);
    const violations: string[] = [];
    for (const text of SAMPLE_TEXTS) {
      const chars = Array.from(text);
      keys(typingPlan(text, NATURAL, random)).forEach((step, i) => {
        const punct = i > 0 && PUNCTUATION.has(chars[i - 1]);
        const [lo, hi] = i === 0 ? [0, 0] : [12 + (punct ? 40 : 0), 55 + (punct ? 120 : 0) + 400];
        if (step.delayBefore < lo || step.delayBefore > hi) violations.push(`${JSON.stringify(text)} key ${i}: ${step.delayBefore} ms`);
      });
    }
    expect(violations).toEqual([]);
  });
});

describe('typingPlan with allowTypos (RUNNER §12)', () => {
  it('types a neighbour, waits 80 ms, presses Backspace, then types the right letter (minimum draws)', () => {
    expect(typingPlan('ab', { naturalTyping: false, allowTypos: true }, extremes('min', true))).toEqual([
      { kind: 'key', text: 's', delayBefore: 0 },
      { kind: 'backspace', delayBefore: 80 },
      { kind: 'key', text: 'a', delayBefore: 25 },
      { kind: 'key', text: 'v', delayBefore: 25 },
      { kind: 'backspace', delayBefore: 80 },
      { kind: 'key', text: 'b', delayBefore: 25 },
    ]);
  });

  it('waits up to 200 ms before the Backspace (maximum draws) and keeps the case of the letter', () => {
    expect(typingPlan('A', { naturalTyping: false, allowTypos: true }, extremes('max', true))).toEqual([
      { kind: 'key', text: 'Z', delayBefore: 0 },
      { kind: 'backspace', delayBefore: 200 },
      { kind: 'key', text: 'A', delayBefore: 80 },
    ]);
  });

  it('asks for a 4 % chance per letter, 10 % with naturalTyping, and never for other characters', () => {
    const plain = extremes('min');
    typingPlan('ab1 .é', { naturalTyping: false, allowTypos: true }, plain);
    expect(plain.chances).toEqual([0.04, 0.04]);
    const natural = extremes('min');
    typingPlan('ab1 .éZ', { naturalTyping: true, allowTypos: true }, natural);
    expect(natural.chances).toEqual([0.1, 0.1, 0.1]);
  });

  it.each([false, true])('makes every typo a keyboard neighbour of the letter, then corrects it (naturalTyping %s)', (naturalTyping) => {
    const text = 'The quick brown fox jumps over the lazy dog';
    const steps = typingPlan(text, { naturalTyping, allowTypos: true }, seeded(17, 1));
    const letters = Array.from(text).filter((ch) => /^[A-Za-z]$/.test(ch)).length;
    expect(steps.filter((s) => s.kind === 'backspace')).toHaveLength(letters);
    steps.forEach((step, i) => {
      if (step.kind !== 'backspace') return;
      const typo = steps[i - 1] as KeyStep;
      const right = steps[i + 1] as KeyStep;
      expect(typo.kind).toBe('key');
      expect(right.kind).toBe('key');
      expect(keyboardNeighbours(right.text)).toContain(typo.text);
      expect(step.delayBefore).toBeGreaterThanOrEqual(80);
      expect(step.delayBefore).toBeLessThanOrEqual(200);
    });
    expect(replay(steps)).toBe(text);
  });

  it('never types a typo when allowTypos is false (secret and password fields), even if every chance would hit', () => {
    for (const naturalTyping of [false, true]) {
      const random = extremes('min', true);
      for (const text of SAMPLE_TEXTS) {
        const steps = typingPlan(text, { naturalTyping, allowTypos: false }, random);
        expect(steps.some((s) => s.kind === 'backspace')).toBe(false);
        expect(keys(steps).map((s) => s.text)).toEqual(Array.from(text));
      }
      expect(random.chances).toEqual([]);
    }
  });

  it.each([1, 2, 3, 4, 5, 6])('reproduces the text exactly after the Backspaces, past the 300-character limit too (seed %i)', (seed) => {
    const long = `${SAMPLE_TEXTS.join(' ')} `.repeat(5);
    for (const text of [...SAMPLE_TEXTS, long]) {
      for (const options of [
        { naturalTyping: false, allowTypos: true },
        { naturalTyping: true, allowTypos: true },
      ]) {
        const steps = typingPlan(text, options, seeded(seed, 0.3));
        expect(replay(steps)).toBe(text);
        const typedChars = keys(steps).length - steps.filter((s) => s.kind === 'backspace').length;
        expect(typedChars).toBe(Math.min(Array.from(text).length, HUMAN_TYPED_CHARS));
      }
    }
  });
});
