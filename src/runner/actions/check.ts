/** `check` / `uncheck`: RUNNER §7. */
import { cleanErrorMessage, isTimeoutError } from '../interpreter/failure.js';
import { RunError } from '../run-error.js';
import { ELEMENT_TIMEOUT_MS, type ActionHandler } from './action-handler.js';
import { actionPoint, requireElement, waitForElement } from './elements.js';

function checkHandler(checked: boolean): ActionHandler {
  const verb = checked ? 'Check' : 'Uncheck';
  return {
    type: checked ? 'check' : 'uncheck',
    defaultTimeoutMs: ELEMENT_TIMEOUT_MS,
    describe: (ctx) => `${verb} ${ctx.text('selector')}`,
    async run(ctx) {
      const { locator, label } = requireElement(ctx);
      await waitForElement(ctx, locator, label);
      const already = await locator.isChecked({ timeout: ctx.remainingMs() }).catch((error: unknown) => {
        if (isTimeoutError(error)) throw new RunError('SELECTOR_NOT_FOUND', `Element '${label}' disappeared`, { cause: error });
        throw new RunError('ACTION_FAILED', `'${label}' is not checkable: ${cleanErrorMessage(error)}`, { cause: error });
      });
      if (already !== checked) {
        const { point, position } = await actionPoint(ctx, locator, label);
        await ctx.human.moveTo(point, ctx.pacing);
        try {
          await locator.setChecked(checked, { position, timeout: ctx.remainingMs() });
        } catch (error) {
          if (isTimeoutError(error)) throw new RunError('ACTION_TIMEOUT', `${verb}ing '${label}' timed out`, { cause: error });
          throw new RunError('ACTION_FAILED', `${verb}ing '${label}' failed: ${cleanErrorMessage(error)}`, { cause: error });
        }
      }
      const message = already === checked ? `${label} was already ${checked ? 'checked' : 'unchecked'}` : `${verb}ed ${label}`;
      ctx.info(message);
      return { output: true, message };
    },
  };
}

export const checkAction = checkHandler(true);
export const uncheckAction = checkHandler(false);
