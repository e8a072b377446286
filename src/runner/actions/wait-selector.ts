/** `wait_selector`: RUNNER §7. */
import { WAIT_STATES, type WaitState } from '../../tasks/model/task.types.js';
import { cleanErrorMessage, isTimeoutError } from '../interpreter/failure.js';
import { RunError } from '../run-error.js';
import type { ActionContext, ActionHandler } from './action-handler.js';
import { formatMs } from './elements.js';

const DEFAULT_SECONDS = 10;
const MAX_SECONDS = 600;

function stateOf(ctx: ActionContext): WaitState {
  const state = ctx.action.state;
  if (state === undefined || state === '') return 'visible';
  if ((WAIT_STATES as readonly string[]).includes(state)) return state;
  throw new RunError('ACTION_FAILED', `Unknown state '${String(state)}'`);
}

/** `value` seconds wins over `timeout` ms; default 10 s, at most 600 s. */
export function waitSelectorTimeoutMs(ctx: ActionContext): number {
  const value = ctx.text('value').trim();
  let ms: number;
  if (value !== '' && Number.isFinite(Number(value))) ms = Number(value) * 1000;
  else if (typeof ctx.action.timeout === 'number') ms = ctx.action.timeout;
  else ms = DEFAULT_SECONDS * 1000;
  return Math.round(Math.max(0, Math.min(ms, MAX_SECONDS * 1000)));
}

export const waitSelectorAction: ActionHandler = {
  type: 'wait_selector',
  defaultTimeoutMs: null,
  describe: (ctx) => `Wait for ${ctx.text('selector')} to be ${stateOf(ctx)}`,
  async run(ctx) {
    const selector = ctx.text('selector');
    if (selector.trim() === '') throw new RunError('ACTION_FAILED', 'selector is empty');
    const state = stateOf(ctx);
    const timeout = Math.max(1, Math.min(waitSelectorTimeoutMs(ctx), ctx.deadline - Date.now()));
    try {
      await ctx.page.locator(selector).first().waitFor({ state, timeout });
    } catch (error) {
      if (isTimeoutError(error)) {
        const code = state === 'hidden' || state === 'detached' ? 'ACTION_TIMEOUT' : 'SELECTOR_NOT_FOUND';
        throw new RunError(code, `'${selector}' was not ${state} within ${formatMs(timeout)}`, { cause: error });
      }
      throw new RunError('ACTION_FAILED', `Selector '${selector}' could not be used: ${cleanErrorMessage(error)}`, { cause: error });
    }
    const message = `'${selector}' is ${state}`;
    ctx.info(message);
    return { output: true, message };
  },
};
