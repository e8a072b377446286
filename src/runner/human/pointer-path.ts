/** Pointer paths for `cursorGlide` and the default short hops (RUNNER §12). Pure. */
import type { RandomSource } from './random.js';

export interface Point {
  x: number;
  y: number;
}

export const GLIDE_MIN_STEPS = 25;
export const GLIDE_MAX_STEPS = 60;
export const GLIDE_MIN_STEP_MS = 8;
export const GLIDE_MAX_STEP_MS = 16;
export const GLIDE_MAX_MS = 800;
export const HOP_MIN_STEPS = 8;
export const HOP_MAX_STEPS = 13;
export const HOP_RADIUS = 60;

export interface Glide {
  points: Point[];
  /** Pause after each point (ms); the total is at most 800 ms. */
  stepMs: number;
}

function easeInOut(t: number): number {
  return t < 0.5 ? 2 * t * t : 1 - (-2 * t + 2) ** 2 / 2;
}

/** Longer moves take more steps: 25 for a short move, up to 60 from about 1000 px. */
export function glideSteps(distance: number, random: RandomSource): number {
  const base = GLIDE_MIN_STEPS + Math.round((GLIDE_MAX_STEPS - GLIDE_MIN_STEPS - 5) * Math.min(1, distance / 1000));
  return Math.min(GLIDE_MAX_STEPS, base + random.int(0, 5));
}

/** An eased quadratic Bézier from `from` to `to` with a random bend and ±1 px jitter; ends exactly on `to`. */
export function glidePath(from: Point, to: Point, random: RandomSource): Glide {
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  const distance = Math.hypot(dx, dy);
  const steps = glideSteps(distance, random);
  const stepMs = Math.min(random.int(GLIDE_MIN_STEP_MS, GLIDE_MAX_STEP_MS), Math.floor(GLIDE_MAX_MS / steps));
  // Control point: the midpoint pushed sideways by up to 30 % of the distance (≤ 200 px).
  const bend = (random.int(-300, 300) / 1000) * Math.min(distance, 666);
  const nx = distance === 0 ? 0 : -dy / distance;
  const ny = distance === 0 ? 0 : dx / distance;
  const control = { x: (from.x + to.x) / 2 + nx * bend, y: (from.y + to.y) / 2 + ny * bend };
  const points: Point[] = [];
  for (let i = 1; i <= steps; i++) {
    const t = easeInOut(i / steps);
    const u = 1 - t;
    const x = u * u * from.x + 2 * u * t * control.x + t * t * to.x;
    const y = u * u * from.y + 2 * u * t * control.y + t * t * to.y;
    const jitter = i === steps ? 0 : 1;
    points.push({ x: x + random.int(-jitter, jitter), y: y + random.int(-jitter, jitter) });
  }
  return { points, stepMs };
}

/** Start point of a default hop: within 60 px of the target. */
export function hopStart(to: Point, random: RandomSource): Point {
  const angle = (random.int(0, 359) * Math.PI) / 180;
  const radius = random.int(10, HOP_RADIUS);
  return { x: Math.max(0, to.x + Math.cos(angle) * radius), y: Math.max(0, to.y + Math.sin(angle) * radius) };
}

export function hopSteps(random: RandomSource): number {
  return random.int(HOP_MIN_STEPS, HOP_MAX_STEPS);
}

/** A random point inside `box` shrunk by 20 % per side (at least 2 px), for `randomizeClicks`. */
export function randomInnerPoint(box: { x: number; y: number; width: number; height: number }, random: RandomSource): Point {
  const insetX = Math.max(2, box.width * 0.2);
  const insetY = Math.max(2, box.height * 0.2);
  const left = box.x + Math.min(insetX, box.width / 2);
  const right = box.x + box.width - Math.min(insetX, box.width / 2);
  const top = box.y + Math.min(insetY, box.height / 2);
  const bottom = box.y + box.height - Math.min(insetY, box.height / 2);
  return {
    x: left + (random.int(0, 1000) / 1000) * Math.max(0, right - left),
    y: top + (random.int(0, 1000) / 1000) * Math.max(0, bottom - top),
  };
}

/** `steps` evenly spaced points from `from` to `to`, ending exactly on `to`. */
export function linePath(from: Point, to: Point, steps: number): Point[] {
  const points: Point[] = [];
  for (let i = 1; i < steps; i++) points.push({ x: from.x + ((to.x - from.x) * i) / steps, y: from.y + ((to.y - from.y) * i) / steps });
  if (steps > 0) points.push({ x: to.x, y: to.y });
  return points;
}
