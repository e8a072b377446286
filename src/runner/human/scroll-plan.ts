/** Eased relative scrolling, with the optional `overscroll` overshoot (RUNNER §7 `scroll`, §12). Pure. */
import type { RandomSource } from './random.js';

export const SCROLL_FRAME_MS = 16;

export interface ScrollFrame {
  /** Offset from the start position after this frame (pixels). */
  offset: number;
  /** Pause before this frame (ms). */
  delayBefore: number;
}

function easeInOutCubic(t: number): number {
  return t < 0.5 ? 4 * t * t * t : 1 - (-2 * t + 2) ** 3 / 2;
}

function segment(from: number, to: number, durationMs: number, out: ScrollFrame[]): void {
  const frames = Math.max(1, Math.round(durationMs / SCROLL_FRAME_MS));
  const delay = durationMs / frames;
  for (let i = 1; i <= frames; i++) {
    out.push({ offset: Math.round(from + (to - from) * easeInOutCubic(i / frames)), delayBefore: i === 1 ? 0 : delay });
  }
}

/** Frames that move by `distance` over `durationMs`; the last frame is exactly `distance`. */
export function scrollPlan(distance: number, durationMs: number, overscroll: boolean, random: RandomSource): ScrollFrame[] {
  const frames: ScrollFrame[] = [];
  const duration = Math.max(0, durationMs);
  if (overscroll && distance !== 0) {
    const overshoot = Math.round((distance * random.int(5, 15)) / 100);
    segment(0, distance + overshoot, duration * 0.8, frames);
    const back: ScrollFrame[] = [];
    segment(distance + overshoot, distance, Math.max(SCROLL_FRAME_MS, duration * 0.2), back);
    back[0] = { ...back[0], delayBefore: random.int(60, 140) };
    frames.push(...back);
  } else {
    segment(0, distance, duration, frames);
  }
  frames[frames.length - 1] = { ...frames[frames.length - 1], offset: distance };
  return frames;
}
