import { describe, expect, it } from '@jest/globals';
import type { RandomSource } from './random.js';
import { SCROLL_FRAME_MS, scrollPlan, type ScrollFrame } from './scroll-plan.js';
import { extremes, seeded } from '../../../test/runner/support/scripted-random.js';

/** A source that must not be used. */
const untouched: RandomSource = {
  int: () => {
    throw new Error('no random draw expected');
  },
  chance: () => {
    throw new Error('no random draw expected');
  },
};

const SOURCES: ReadonlyArray<[string, () => RandomSource]> = [
  ['min', () => extremes('min')],
  ['max', () => extremes('max')],
  ['seed 1', () => seeded(1)],
  ['seed 77', () => seeded(77)],
];

const DISTANCES = [1, 7, 10, 50, 99, 100, 123.5, 333, 640, 1000, 4321, 25000];
const DURATIONS = [-10, 0, 8, 16, 24, 100, 250, 400, 500, 777, 1000, 3000];

const offsets = (frames: ScrollFrame[]): number[] => frames.map((f) => f.offset);
const totalDelay = (frames: ScrollFrame[]): number => frames.reduce((sum, f) => sum + f.delayBefore, 0);
/** Frames of one eased segment (mirrors the planner's frame rate: one per 16 ms, at least one). */
const frameCount = (durationMs: number): number => Math.max(1, Math.round(durationMs / SCROLL_FRAME_MS));

describe('scrollPlan without overscroll (RUNNER §7 scroll)', () => {
  it('eases 100 px over 160 ms in 10 frames of 16 ms', () => {
    const frames = scrollPlan(100, 160, false, untouched);
    expect(offsets(frames)).toEqual([0, 3, 11, 26, 50, 74, 89, 97, 100, 100]);
    expect(frames.map((f) => f.delayBefore)).toEqual([0, 16, 16, 16, 16, 16, 16, 16, 16, 16]);
  });

  it('ends exactly on the distance, moving monotonically, with one frame per 16 ms', () => {
    const violations: string[] = [];
    for (const magnitude of DISTANCES) {
      for (const distance of [magnitude, -magnitude]) {
        for (const duration of DURATIONS) {
          const frames = scrollPlan(distance, duration, false, untouched);
          const where = `${distance} px / ${duration} ms`;
          if (frames.length !== frameCount(Math.max(0, duration))) violations.push(`${where}: ${frames.length} frames`);
          if (frames[frames.length - 1].offset !== distance) violations.push(`${where}: ends at ${frames[frames.length - 1].offset}`);
          if (frames[0].delayBefore !== 0) violations.push(`${where}: first frame waits ${frames[0].delayBefore} ms`);
          const sign = Math.sign(distance);
          frames.forEach((f, i) => {
            const progress = f.offset * sign;
            if (progress < 0 || progress > Math.abs(distance)) violations.push(`${where}: frame ${i} at ${f.offset}, outside 0…${distance}`);
            if (i > 0 && progress < frames[i - 1].offset * sign) violations.push(`${where}: frame ${i} moves back (${frames[i - 1].offset} → ${f.offset})`);
            if (!Number.isFinite(f.delayBefore) || f.delayBefore < 0) violations.push(`${where}: frame ${i} waits ${f.delayBefore} ms`);
          });
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it('plans about durationMs of delay in all (the first frame is sent at once, so one frame less)', () => {
    for (const duration of DURATIONS) {
      const d = Math.max(0, duration);
      const frames = scrollPlan(500, duration, false, untouched);
      const total = totalDelay(frames);
      expect(total).toBeCloseTo((d * (frames.length - 1)) / frames.length, 9);
      expect(total).toBeLessThanOrEqual(d + 1e-9);
      expect(total).toBeGreaterThan(d - 1.5 * SCROLL_FRAME_MS);
    }
    // 1000 ms: 63 frames (62.5 rounded), the first at once.
    expect(totalDelay(scrollPlan(500, 1000, false, untouched))).toBeCloseTo((1000 * 62) / 63, 9);
  });

  it('scrolls nothing for distance 0, in the same number of frames, without random draws', () => {
    for (const overscroll of [false, true]) {
      const frames = scrollPlan(0, 400, overscroll, untouched);
      expect(frames).toHaveLength(25);
      expect(frames.every((f) => f.offset === 0)).toBe(true);
      expect(totalDelay(frames)).toBeCloseTo(384, 9);
    }
    expect(scrollPlan(0, 0, true, untouched)).toEqual([{ offset: 0, delayBefore: 0 }]);
  });

  it('jumps in a single frame for a zero or negative duration', () => {
    expect(scrollPlan(750, 0, false, untouched)).toEqual([{ offset: 750, delayBefore: 0 }]);
    expect(scrollPlan(-750, -100, false, untouched)).toEqual([{ offset: -750, delayBefore: 0 }]);
  });
});

describe('scrollPlan with overscroll (RUNNER §12)', () => {
  it('overshoots 1000 px by 5 % then settles back after a 60 ms pause (minimum draws)', () => {
    const frames = scrollPlan(1000, 500, true, extremes('min'));
    // 400 ms out (25 frames), 100 ms back (6 frames).
    expect(frames).toHaveLength(31);
    expect(Math.max(...offsets(frames))).toBe(1050);
    expect(frames[24].offset).toBe(1050);
    expect(frames[25].delayBefore).toBe(60);
    expect(frames[30].offset).toBe(1000);
    expect(totalDelay(frames)).toBeCloseTo(24 * 16 + 60 + 5 * (100 / 6), 9);
  });

  it('overshoots 1000 px by 15 % then settles back after a 140 ms pause (maximum draws)', () => {
    const frames = scrollPlan(1000, 500, true, extremes('max'));
    expect(Math.max(...offsets(frames))).toBe(1150);
    expect(frames[25].delayBefore).toBe(140);
    expect(frames[frames.length - 1].offset).toBe(1000);
  });

  it.each(SOURCES)('overshoots by 5–15 % past the target, then settles back exactly on it (%s)', (_name, source) => {
    const random = source();
    const violations: string[] = [];
    for (const magnitude of DISTANCES) {
      for (const distance of [magnitude, -magnitude]) {
        for (const duration of DURATIONS) {
          const frames = scrollPlan(distance, duration, true, random);
          const where = `${distance} px / ${duration} ms`;
          const sign = Math.sign(distance);
          const progress = frames.map((f) => f.offset * sign);
          const target = Math.abs(distance);
          const peak = Math.max(...progress);
          const outFrames = frameCount(Math.max(0, duration) * 0.8);
          // The way out ends on the peak; the way back starts after it.
          const peakAt = outFrames - 1;
          // Rounding of the overshoot and of the peak frame: ±1 px.
          if (peak - target < 0.05 * target - 1 || peak - target > 0.15 * target + 1) violations.push(`${where}: overshoot ${peak - target} px`);
          if (progress[peakAt] !== peak) violations.push(`${where}: frame ${peakAt} (${frames[peakAt].offset}) is not the peak`);
          if (frames[frames.length - 1].offset !== distance) violations.push(`${where}: ends at ${frames[frames.length - 1].offset}`);
          const settle = frames[outFrames].delayBefore;
          if (!Number.isInteger(settle) || settle < 60 || settle > 140) violations.push(`${where}: settle pause ${settle} ms`);
          progress.forEach((p, i) => {
            if (i === 0) return;
            if (i <= peakAt && p < progress[i - 1]) violations.push(`${where}: frame ${i} moves back before the peak`);
            if (i > peakAt && p > progress[i - 1]) violations.push(`${where}: frame ${i} moves out again after the peak`);
            if (i > peakAt && p < target) violations.push(`${where}: frame ${i} undershoots (${frames[i].offset})`);
          });
          if (progress.some((p) => p < 0)) violations.push(`${where}: moves the wrong way`);
          // Total planned delay: about the duration plus the settle pause (one frame less per segment).
          const total = totalDelay(frames);
          const d = Math.max(0, duration);
          if (total > d + settle + 1e-9 || total < d + settle - 3 * SCROLL_FRAME_MS) violations.push(`${where}: ${total} ms of delay`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it('gives the exact overshoot of the drawn percentage for whole-pixel distances', () => {
    for (const distance of [100, 200, 640, 1000, 4321]) {
      expect(Math.max(...offsets(scrollPlan(distance, 400, true, extremes('min'))))).toBe(distance + Math.round(distance * 0.05));
      expect(Math.max(...offsets(scrollPlan(distance, 400, true, extremes('max'))))).toBe(distance + Math.round(distance * 0.15));
    }
  });
});

describe('scrollPlan for negative distances', () => {
  // Math.round rounds halves up (2.5 → 3 but −2.5 → −2), so a mirrored frame may differ by 1 px.
  it.each(SOURCES)('mirrors the positive plan within 1 px per frame, with the same delays and last frame (%s)', (name, source) => {
    const violations: string[] = [];
    for (const distance of DISTANCES) {
      for (const duration of DURATIONS) {
        for (const overscroll of [false, true]) {
          // Same draws on both sides: the same source recreated.
          const up = scrollPlan(-distance, duration, overscroll, source());
          const down = scrollPlan(distance, duration, overscroll, source());
          const where = `${distance} px / ${duration} ms / overscroll ${overscroll} (${name})`;
          if (up.length !== down.length) {
            violations.push(`${where}: ${up.length} vs ${down.length} frames`);
            continue;
          }
          if (up[up.length - 1].offset !== -distance) violations.push(`${where}: ends at ${up[up.length - 1].offset}`);
          up.forEach((f, i) => {
            if (Math.abs(f.offset + down[i].offset) > 1) violations.push(`${where}: frame ${i}: ${f.offset} vs ${down[i].offset}`);
            if (f.delayBefore !== down[i].delayBefore) violations.push(`${where}: frame ${i} waits ${f.delayBefore} vs ${down[i].delayBefore} ms`);
          });
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it('scrolls up past the target and back down with overscroll', () => {
    const frames = scrollPlan(-1000, 500, true, extremes('max'));
    expect(Math.min(...offsets(frames))).toBe(-1150);
    expect(frames[frames.length - 1].offset).toBe(-1000);
    expect(Math.max(...offsets(frames))).toBeLessThanOrEqual(0);
  });
});
