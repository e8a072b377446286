/** `press`: RUNNER §7 (Playwright key syntax, 30–90 ms hold). */
import { cleanErrorMessage } from '../interpreter/failure.js';
import { RunError } from '../run-error.js';
import { ELEMENT_TIMEOUT_MS, type ActionContext, type ActionHandler } from './action-handler.js';
import { mapTimeout, requireElement, waitForElement } from './elements.js';

function keyOf(ctx: ActionContext): string {
  const key = ctx.text('key');
  return key !== '' ? key : ctx.text('value');
}

export const pressAction: ActionHandler = {
  type: 'press',
  defaultTimeoutMs: ELEMENT_TIMEOUT_MS,
  describe: (ctx) => `Press ${keyOf(ctx)}${ctx.text('selector') ? ` in ${ctx.text('selector')}` : ''}`,
  async run(ctx) {
    const key = keyOf(ctx);
    if (key.trim() === '') throw new RunError('ACTION_FAILED', 'No key given (key and value are empty)');
    if (ctx.text('selector').trim() !== '') {
      const { locator, label } = requireElement(ctx);
      await waitForElement(ctx, locator, label);
      await mapTimeout(locator.focus({ timeout: ctx.remainingMs() }), 'SELECTOR_NOT_FOUND', `Focusing '${label}'`);
    }
    try {
      await ctx.human.pressKey(key, ctx.pacing);
    } catch (error) {
      if (ctx.signal.aborted || error instanceof RunError) throw error;
      throw new RunError('ACTION_FAILED', `Key '${key}' could not be pressed: ${cleanErrorMessage(error)}`, { cause: error });
    }
    const message = `Pressed ${key}`;
    ctx.info(message);
    return { output: key, message };
  },
};
