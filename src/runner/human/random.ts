/** Random choices for human-like input (RUNNER §12): always `crypto.randomInt`. */
import { randomInt } from 'node:crypto';

export interface RandomSource {
  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number;
  /** True with probability `p` (0–1). */
  chance(p: number): boolean;
}

const CHANCE_SCALE = 1_000_000;

export const cryptoRandom: RandomSource = {
  int(min: number, max: number): number {
    const lo = Math.ceil(Math.min(min, max));
    const hi = Math.floor(Math.max(min, max));
    return hi <= lo ? lo : randomInt(lo, hi + 1);
  },
  chance(p: number): boolean {
    if (p <= 0) return false;
    if (p >= 1) return true;
    return randomInt(0, CHANCE_SCALE) < Math.round(p * CHANCE_SCALE);
  },
};
