/** `wait`: RUNNER §7 (≤ 3600 s, never past the run deadline, `idleMovements` drifts). */
import { RunError } from '../run-error.js';
import type { ActionHandler } from './action-handler.js';

export const MAX_WAIT_SECONDS = 3600;
const DEFAULT_WAIT_SECONDS = 2;

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
    const ms = Math.max(0, Math.min(Math.round(seconds * 1000), ctx.deadline - started));
    await ctx.human.idle(ms, ctx.signal);
    const waited = Date.now() - started;
    ctx.info(`Waited ${(waited / 1000).toFixed(waited % 1000 === 0 ? 0 : 1)} s`);
    return { output: waited, message: `Waited ${waited} ms` };
  },
};
