import { describe, expect, it } from '@jest/globals';
import {
  GLIDE_MAX_MS,
  GLIDE_MAX_STEP_MS,
  GLIDE_MAX_STEPS,
  GLIDE_MIN_STEP_MS,
  GLIDE_MIN_STEPS,
  HOP_MAX_STEPS,
  HOP_MIN_STEPS,
  HOP_RADIUS,
  glidePath,
  glideSteps,
  hopStart,
  hopSteps,
  linePath,
  randomInnerPoint,
  type Point,
} from './pointer-path.js';
import type { RandomSource } from './random.js';
import { extremes, seeded } from '../../../test/runner/support/scripted-random.js';

const SOURCES: ReadonlyArray<[string, () => RandomSource]> = [
  ['min', () => extremes('min')],
  ['max', () => extremes('max')],
  ['seed 1', () => seeded(1)],
  ['seed 42', () => seeded(42)],
  ['seed 2024', () => seeded(2024)],
];

/** (from, to) pairs: edge cases plus a seeded spread over a 1920×1080 viewport and beyond. */
function movePairs(): Array<[Point, Point]> {
  const pairs: Array<[Point, Point]> = [
    [{ x: 0, y: 0 }, { x: 0, y: 0 }],
    [{ x: 100, y: 100 }, { x: 100, y: 100 }],
    [{ x: 0, y: 0 }, { x: 1, y: 0 }],
    [{ x: 10, y: 10 }, { x: 10, y: 12 }],
    [{ x: 0, y: 0 }, { x: 1919, y: 1079 }],
    [{ x: 1919, y: 1079 }, { x: 0, y: 0 }],
    [{ x: 5, y: 500 }, { x: 1900, y: 500 }],
    [{ x: 700, y: 5 }, { x: 700, y: 1075 }],
    [{ x: 0, y: 0 }, { x: 5000, y: 4000 }],
    [{ x: 12.25, y: 33.5 }, { x: 640.5, y: 360.75 }],
  ];
  const r = seeded(7);
  for (let i = 0; i < 150; i++) {
    pairs.push([
      { x: r.int(0, 1919), y: r.int(0, 1079) },
      { x: r.int(0, 1919), y: r.int(0, 1079) },
    ]);
  }
  return pairs;
}

const PAIRS = movePairs();

describe('glideSteps (RUNNER §12 cursorGlide: 25–60 steps)', () => {
  const DISTANCES = [0, 0.5, 1, 2, 10, 50, 100, 199, 200, 333, 500, 750, 999, 1000, 1001, 2203, 5000, 1e6];

  it('gives 25 steps for a zero-length move and 60 for a long one at the extremes', () => {
    expect(glideSteps(0, extremes('min'))).toBe(25);
    expect(glideSteps(0, extremes('max'))).toBe(30);
    expect(glideSteps(500, extremes('min'))).toBe(40);
    expect(glideSteps(1000, extremes('min'))).toBe(55);
    expect(glideSteps(1000, extremes('max'))).toBe(60);
    expect(glideSteps(1e6, extremes('max'))).toBe(60);
  });

  it.each(SOURCES)('stays within 25–60 for every distance (%s)', (_name, source) => {
    const random = source();
    for (const d of DISTANCES) {
      for (let i = 0; i < 20; i++) {
        const steps = glideSteps(d, random);
        expect(Number.isInteger(steps)).toBe(true);
        expect(steps).toBeGreaterThanOrEqual(GLIDE_MIN_STEPS);
        expect(steps).toBeLessThanOrEqual(GLIDE_MAX_STEPS);
      }
    }
  });

  it('never takes fewer steps for a longer move with the same random draw', () => {
    for (const end of ['min', 'max'] as const) {
      const counts = DISTANCES.map((d) => glideSteps(d, extremes(end)));
      for (let i = 1; i < counts.length; i++) expect(counts[i]).toBeGreaterThanOrEqual(counts[i - 1]);
    }
  });

  it('never takes fewer steps for a move of 200 px or more than for a 1 px move, whatever the draws', () => {
    const shortMost = Math.max(...[0, 0.5, 1].map((d) => glideSteps(d, extremes('max'))));
    for (const d of [200, 333, 500, 1000, 5000]) expect(glideSteps(d, extremes('min'))).toBeGreaterThanOrEqual(shortMost);
  });
});

describe('glidePath (RUNNER §12 cursorGlide)', () => {
  it.each(SOURCES)('has 25–60 steps of 8–16 ms, at most 800 ms in all, ending exactly on the target (%s)', (_name, source) => {
    const random = source();
    const violations: string[] = [];
    for (const [from, to] of PAIRS) {
      const glide = glidePath(from, to, random);
      const steps = glide.points.length;
      const last = glide.points[steps - 1];
      const where = `${JSON.stringify(from)} → ${JSON.stringify(to)}`;
      if (steps < GLIDE_MIN_STEPS || steps > GLIDE_MAX_STEPS) violations.push(`${where}: ${steps} steps`);
      if (!Number.isInteger(glide.stepMs) || glide.stepMs < GLIDE_MIN_STEP_MS || glide.stepMs > GLIDE_MAX_STEP_MS) violations.push(`${where}: stepMs ${glide.stepMs}`);
      if (steps * glide.stepMs > GLIDE_MAX_MS) violations.push(`${where}: ${steps} × ${glide.stepMs} ms > ${GLIDE_MAX_MS} ms`);
      if (last.x !== to.x || last.y !== to.y) violations.push(`${where}: ends at ${JSON.stringify(last)}`);
      if (glide.points.some((p) => !Number.isFinite(p.x) || !Number.isFinite(p.y))) violations.push(`${where}: non-finite point`);
    }
    expect(violations).toEqual([]);
  });

  it('shortens the step pause so that 60 steps still fit in 800 ms', () => {
    const glide = glidePath({ x: 0, y: 0 }, { x: 1800, y: 900 }, extremes('max'));
    expect(glide.points).toHaveLength(60);
    expect(glide.stepMs).toBe(13);
    const short = glidePath({ x: 0, y: 0 }, { x: 3, y: 4 }, extremes('max'));
    expect(short.points).toHaveLength(30);
    expect(short.stepMs).toBe(16);
    expect(glidePath({ x: 0, y: 0 }, { x: 3, y: 4 }, extremes('min')).stepMs).toBe(8);
  });

  it.each(SOURCES)('bends at most 30 % of the distance (≤ 200 px) sideways, plus ±1 px jitter (%s)', (_name, source) => {
    const random = source();
    const violations: string[] = [];
    for (const [from, to] of PAIRS) {
      const distance = Math.hypot(to.x - from.x, to.y - from.y);
      const glide = glidePath(from, to, random);
      // A quadratic Bézier strays at most half its control point's offset from the chord.
      const limit = (0.3 * Math.min(distance, 666)) / 2 + Math.SQRT2 + 1e-9;
      for (const p of glide.points) {
        const side = distance === 0 ? Math.hypot(p.x - to.x, p.y - to.y) : Math.abs((to.x - from.x) * (p.y - from.y) - (to.y - from.y) * (p.x - from.x)) / distance;
        if (side > limit) violations.push(`${JSON.stringify(from)} → ${JSON.stringify(to)}: ${JSON.stringify(p)} is ${side} px off the line (limit ${limit})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('starts next to the start point and makes progress towards the target', () => {
    const from = { x: 100, y: 100 };
    const to = { x: 1100, y: 100 };
    const glide = glidePath(from, to, extremes('min'));
    expect(glide.points).toHaveLength(55);
    expect(Math.hypot(glide.points[0].x - from.x, glide.points[0].y - from.y)).toBeLessThan(10);
    // Eased: the first and last steps are short, the middle ones long.
    const stepLength = (i: number) => Math.hypot(glide.points[i].x - glide.points[i - 1].x, glide.points[i].y - glide.points[i - 1].y);
    expect(stepLength(27)).toBeGreaterThan(stepLength(1) * 3);
    expect(stepLength(27)).toBeGreaterThan(stepLength(54) * 3);
  });

  it('is deterministic for a given random source', () => {
    const from = { x: 10, y: 20 };
    const to = { x: 900, y: 700 };
    expect(glidePath(from, to, seeded(99))).toEqual(glidePath(from, to, seeded(99)));
  });
});

describe('hopStart / hopSteps (RUNNER §12 without cursorGlide)', () => {
  const TARGETS: Point[] = [
    { x: 0, y: 0 },
    { x: 3, y: 1 },
    { x: 59, y: 0 },
    { x: 0, y: 59 },
    { x: 640, y: 360 },
    { x: 1919, y: 1079 },
    { x: 100.5, y: 200.25 },
  ];
  const r = seeded(11);
  for (let i = 0; i < 100; i++) TARGETS.push({ x: r.int(0, 1919), y: r.int(0, 1079) });

  it.each(SOURCES)('starts within 60 px of the target, never at negative coordinates (%s)', (_name, source) => {
    const random = source();
    const violations: string[] = [];
    for (const to of TARGETS) {
      for (let i = 0; i < 10; i++) {
        const start = hopStart(to, random);
        const away = Math.hypot(start.x - to.x, start.y - to.y);
        const where = `${JSON.stringify(to)} ← ${JSON.stringify(start)}`;
        if (away > HOP_RADIUS + 1e-9) violations.push(`${where}: ${away} px away`);
        if (start.x < 0 || start.y < 0) violations.push(`${where}: negative coordinate`);
        // Away from the top-left edge, the start is at least 10 px out (a visible hop).
        if (to.x >= HOP_RADIUS && to.y >= HOP_RADIUS && away < 10 - 1e-9) violations.push(`${where}: only ${away} px away`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('uses angle and radius draws: 10 px to the right at the minimum, 60 px at the maximum', () => {
    expect(hopStart({ x: 500, y: 300 }, extremes('min'))).toEqual({ x: 510, y: 300 });
    const far = hopStart({ x: 500, y: 300 }, extremes('max'));
    expect(Math.hypot(far.x - 500, far.y - 300)).toBeCloseTo(60, 9);
    expect(far.x).toBeCloseTo(500 + 60 * Math.cos((359 * Math.PI) / 180), 9);
    expect(far.y).toBeCloseTo(300 + 60 * Math.sin((359 * Math.PI) / 180), 9);
    // Clamped at the viewport's top edge.
    expect(far.y).toBeGreaterThan(0);
    expect(hopStart({ x: 0, y: 0 }, extremes('max')).y).toBe(0);
  });

  it('takes 8–13 steps', () => {
    expect(hopSteps(extremes('min'))).toBe(HOP_MIN_STEPS);
    expect(hopSteps(extremes('max'))).toBe(HOP_MAX_STEPS);
    const random = seeded(5);
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) {
      const steps = hopSteps(random);
      expect(steps).toBeGreaterThanOrEqual(8);
      expect(steps).toBeLessThanOrEqual(13);
      seen.add(steps);
    }
    expect([...seen].sort((a, b) => a - b)).toEqual([8, 9, 10, 11, 12, 13]);
  });
});

describe('randomInnerPoint (RUNNER §12 randomizeClicks)', () => {
  type Box = { x: number; y: number; width: number; height: number };
  const BOXES: Box[] = [
    { x: 0, y: 0, width: 0, height: 0 },
    { x: 7, y: 9, width: 0, height: 0 },
    { x: 5, y: 5, width: 1, height: 1 },
    { x: 5, y: 5, width: 3, height: 3 },
    { x: 5, y: 5, width: 4, height: 4 },
    { x: 0, y: 0, width: 10, height: 10 },
    { x: 10, y: 20, width: 100, height: 50 },
    { x: 0, y: 0, width: 1, height: 300 },
    { x: 300, y: 40, width: 1200, height: 6 },
    { x: 12.5, y: 7.25, width: 33.75, height: 18.5 },
  ];
  const r = seeded(3);
  for (let i = 0; i < 60; i++) BOXES.push({ x: r.int(0, 1800), y: r.int(0, 1000), width: r.int(0, 400), height: r.int(0, 300) });

  /** The allowed area: the box shrunk by max(2 px, 20 %) per side, collapsing to the centre. */
  function innerBox(box: Box): { left: number; right: number; top: number; bottom: number } {
    const ix = Math.min(Math.max(2, box.width * 0.2), box.width / 2);
    const iy = Math.min(Math.max(2, box.height * 0.2), box.height / 2);
    return { left: box.x + ix, right: box.x + box.width - ix, top: box.y + iy, bottom: box.y + box.height - iy };
  }

  it.each(SOURCES)('lands inside the box shrunk by 20 % per side (at least 2 px) (%s)', (_name, source) => {
    const random = source();
    const violations: string[] = [];
    for (const box of BOXES) {
      const inner = innerBox(box);
      for (let i = 0; i < 10; i++) {
        const p = randomInnerPoint(box, random);
        const where = `${JSON.stringify(box)}: ${JSON.stringify(p)}`;
        if (p.x < inner.left - 1e-9 || p.x > inner.right + 1e-9 || p.y < inner.top - 1e-9 || p.y > inner.bottom + 1e-9) violations.push(`${where} outside ${JSON.stringify(inner)}`);
        // Strictly inside any box with an area.
        if (box.width > 0 && !(p.x > box.x && p.x < box.x + box.width)) violations.push(`${where}: x on or past an edge`);
        if (box.height > 0 && !(p.y > box.y && p.y < box.y + box.height)) violations.push(`${where}: y on or past an edge`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('reaches the corners of the shrunk box at the extremes', () => {
    const box = { x: 10, y: 20, width: 100, height: 50 };
    expect(randomInnerPoint(box, extremes('min'))).toEqual({ x: 30, y: 30 });
    expect(randomInnerPoint(box, extremes('max'))).toEqual({ x: 90, y: 60 });
    // 20 % of 10 px is below the 2 px minimum.
    expect(randomInnerPoint({ x: 0, y: 0, width: 10, height: 10 }, extremes('min'))).toEqual({ x: 2, y: 2 });
    expect(randomInnerPoint({ x: 0, y: 0, width: 10, height: 10 }, extremes('max'))).toEqual({ x: 8, y: 8 });
  });

  it('uses the centre of boxes too small for the 2 px inset (3×3, 1×1) and the corner of a 0×0 box', () => {
    for (const source of [extremes('min'), extremes('max'), seeded(8)]) {
      expect(randomInnerPoint({ x: 5, y: 5, width: 3, height: 3 }, source)).toEqual({ x: 6.5, y: 6.5 });
      expect(randomInnerPoint({ x: 5, y: 5, width: 1, height: 1 }, source)).toEqual({ x: 5.5, y: 5.5 });
      expect(randomInnerPoint({ x: 5, y: 5, width: 4, height: 4 }, source)).toEqual({ x: 7, y: 7 });
      expect(randomInnerPoint({ x: 7, y: 9, width: 0, height: 0 }, source)).toEqual({ x: 7, y: 9 });
    }
  });
});

describe('linePath', () => {
  it('has `steps` evenly spaced points ending exactly on whole-pixel and half-pixel targets', () => {
    const random = seeded(21);
    for (let i = 0; i < 300; i++) {
      const half = i % 2 === 0 ? 0 : 0.5;
      const from = { x: random.int(0, 1919) + half, y: random.int(0, 1079) };
      const to = { x: random.int(0, 1919), y: random.int(0, 1079) + half };
      const steps = random.int(1, 20);
      const points = linePath(from, to, steps);
      expect(points).toHaveLength(steps);
      expect(points[steps - 1]).toEqual(to);
      const dx = (to.x - from.x) / steps;
      const dy = (to.y - from.y) / steps;
      points.forEach((p, k) => {
        expect(p.x).toBeCloseTo(from.x + dx * (k + 1), 9);
        expect(p.y).toBeCloseTo(from.y + dy * (k + 1), 9);
      });
    }
  });

  it('gives the exact points of a simple line', () => {
    expect(linePath({ x: 0, y: 0 }, { x: 10, y: -20 }, 4)).toEqual([
      { x: 2.5, y: -5 },
      { x: 5, y: -10 },
      { x: 7.5, y: -15 },
      { x: 10, y: -20 },
    ]);
    expect(linePath({ x: 3, y: 3 }, { x: 3, y: 3 }, 2)).toEqual([
      { x: 3, y: 3 },
      { x: 3, y: 3 },
    ]);
    expect(linePath({ x: 0, y: 0 }, { x: 1, y: 1 }, 0)).toEqual([]);
  });

  // (d × n) / n is not always exact in floating point: the last point is the target itself.
  it('ends exactly on an arbitrary fractional target (e.g. a hop from hopStart)', () => {
    expect(linePath({ x: 0.1, y: 0 }, { x: 0.3, y: 0.05 }, 12).at(-1)).toEqual({ x: 0.3, y: 0.05 });
    const random = seeded(33);
    for (let i = 0; i < 300; i++) {
      const to = { x: random.int(0, 1919000) / 1000, y: random.int(0, 1079000) / 1000 };
      const from = hopStart(to, random);
      const steps = hopSteps(random);
      expect(linePath(from, to, steps)[steps - 1]).toEqual(to);
    }
  });
});
