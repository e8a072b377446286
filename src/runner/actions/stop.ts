/** `stop`: RUNNER §7 (ends interpretation with success, or error STOP_ACTION). */
import { RunError } from '../run-error.js';
import type { ActionHandler } from './action-handler.js';

export function stopKind(value: string): 'success' | 'error' {
  const text = value.trim().toLowerCase();
  if (text === '' || text === 'success') return 'success';
  if (text === 'error' || text === 'failure') return 'error';
  throw new RunError('ACTION_FAILED', `Unknown stop value '${value.trim()}' (use success or error)`);
}

export const stopAction: ActionHandler = {
  type: 'stop',
  defaultTimeoutMs: null,
  describe: (ctx) => `Stop (${ctx.text('value').trim() || 'success'})`,
  async run(ctx) {
    const value = ctx.text('value');
    const kind = stopKind(value);
    const message = `Stop action: ending the run with ${kind}`;
    ctx.info(message);
    return { output: value.trim() === '' ? 'success' : value.trim(), message, stop: kind };
  },
};
