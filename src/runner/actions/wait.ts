/** `wait`: RUNNER §7 (≤ 3600 s, never past the run deadline, `idleMovements` drifts). */
import { RunError } from '../run-error.js';
import type { ActionHandler } from './action-handler.js';

export const MAX_WAIT_SECONDS = 3600;
const DEFAULT_WAIT_SECONDS = 2;
const DEADLINE_MARGIN_MS = 50;

export function waitSeconds(text: string): number {
  const trimmed = text.trim();
  if (trimmed === '') return DEFAULT_WAIT_SECONDS;
  const seconds = Number(trimmed);
  if (!Number.isFinite(seconds)) throw new RunError('ACTION_FAILED', `Wait time '${trimmed}' is not a number of seconds`);
  return Math.max(0, seconds);
}

export const waitAction: ActionHandler = {
  type: 'wait',
  defaultTimeoutMs: null,
  describe: (ctx) => `Wait ${waitSeconds(ctx.text('value'))} s`,
  async run(ctx) {
    let seconds = waitSeconds(ctx.text('value'));
    if (seconds > MAX_WAIT_SECONDS) {
      ctx.warn(`Wait of ${seconds} s capped at ${MAX_WAIT_SECONDS} s`);
      seconds = MAX_WAIT_SECONDS;
    }
    const started = Date.now();
    const requested = Math.round(seconds * 1000);
    const left = ctx.deadline - started;
    // A wait cut short by the run deadline must end in RUN_TIMEOUT, not in success: outlast the
    // deadline by a hair so the run-timeout abort always lands first (timers fire in due order).
    const ms = requested < left ? requested : Math.max(0, left) + DEADLINE_MARGIN_MS;
    await ctx.human.idle(ms, ctx.signal);
    const waited = Date.now() - started;
    ctx.info(`Waited ${(waited / 1000).toFixed(waited % 1000 === 0 ? 0 : 1)} s`);
    return { output: waited, message: `Waited ${waited} ms` };
  },
};
