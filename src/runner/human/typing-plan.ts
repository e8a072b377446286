/**
 * Keystroke plan for `humanTyping`, `naturalTyping` and `allowTypos` (RUNNER §12). Pure: the
 * executor in human-input.ts sends it to the page.
 */
import type { RandomSource } from './random.js';

/** Only the first 300 characters are typed key by key; the rest is inserted at once. */
export const HUMAN_TYPED_CHARS = 300;

export interface TypingOptions {
  naturalTyping: boolean;
  /** Typos allowed (never for secret or password fields: the caller passes false then). */
  allowTypos: boolean;
}

export type TypingStep =
  | { kind: 'key'; text: string; delayBefore: number }
  | { kind: 'backspace'; delayBefore: number }
  | { kind: 'insert'; text: string };

const PUNCTUATION = /[.,;:!?]/;
const LETTER = /^[A-Za-z]$/;

const KEYBOARD_ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'];

/** Letters next to `ch` on a QWERTY keyboard, same case. */
export function keyboardNeighbours(ch: string): string[] {
  const lower = ch.toLowerCase();
  const out: string[] = [];
  KEYBOARD_ROWS.forEach((row, r) => {
    const c = row.indexOf(lower);
    if (c < 0) return;
    for (const [dr, dc] of [[0, -1], [0, 1], [-1, 0], [-1, 1], [1, -1], [1, 0]]) {
      const key = KEYBOARD_ROWS[r + dr]?.[c + dc];
      if (key) out.push(key);
    }
  });
  return ch === lower ? out : out.map((k) => k.toUpperCase());
}

export function typingPlan(text: string, options: TypingOptions, random: RandomSource): TypingStep[] {
  const chars = Array.from(text);
  const typed = chars.slice(0, HUMAN_TYPED_CHARS);
  const rest = chars.slice(HUMAN_TYPED_CHARS).join('');
  const steps: TypingStep[] = [];
  const typoChance = options.naturalTyping ? 0.1 : 0.04;
  let burstLeft = options.naturalTyping ? random.int(6, 16) : Infinity;
  let pendingExtra = 0;
  typed.forEach((ch, i) => {
    let delay = i === 0 ? 0 : options.naturalTyping ? random.int(12, 55) : random.int(25, 80);
    delay += pendingExtra;
    pendingExtra = 0;
    if (options.naturalTyping && i > 0 && burstLeft <= 0) {
      delay += random.int(150, 400);
      burstLeft = random.int(6, 16);
    }
    burstLeft--;
    if (options.allowTypos && LETTER.test(ch) && random.chance(typoChance)) {
      const neighbours = keyboardNeighbours(ch);
      if (neighbours.length > 0) {
        steps.push({ kind: 'key', text: neighbours[random.int(0, neighbours.length - 1)], delayBefore: delay });
        steps.push({ kind: 'backspace', delayBefore: random.int(80, 200) });
        delay = random.int(25, 80);
      }
    }
    steps.push({ kind: 'key', text: ch, delayBefore: delay });
    if (PUNCTUATION.test(ch)) pendingExtra = random.int(40, 120);
  });
  if (rest !== '') steps.push({ kind: 'insert', text: rest });
  return steps;
}
