// Deterministic RandomSources for the human-input unit tests (RUNNER §12): the planners draw
// through RandomSource, so these make every plan reproducible.
import type { RandomSource } from '../../../src/runner/human/random.js';

export interface RecordingRandom extends RandomSource {
  /** The probability asked in each `chance` call, in order. */
  chances: number[];
}

function checkedRange(min: number, max: number): void {
  if (min > max) throw new Error(`int(${min}, ${max}): empty range`);
}

/** Always the lowest or the highest value of every draw; `chance` answers `chance`. */
export function extremes(end: 'min' | 'max', chance = false): RecordingRandom {
  const chances: number[] = [];
  return {
    chances,
    int(min, max) {
      checkedRange(min, max);
      return end === 'min' ? min : max;
    },
    chance(p) {
      chances.push(p);
      return chance;
    },
  };
}

/**
 * A seeded linear congruential generator: the same seed gives the same draws. `chanceRate`
 * replaces the asked probability (e.g. 1 to force every typo).
 */
export function seeded(seed: number, chanceRate?: number): RandomSource {
  let state = seed >>> 0;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  return {
    int(min, max) {
      checkedRange(min, max);
      return min + Math.floor(next() * (max - min + 1));
    },
    chance: (p) => next() < (chanceRate ?? p),
  };
}
