/** `screenshot`: RUNNER §7 (viewport, full page or element; saved as a `shot` capture). */
import { screenshotName } from '../../captures/capture-name.js';
import { CaptureExistsError } from '../../captures/store/capture-store.js';
import { cleanErrorMessage, isTimeoutError } from '../interpreter/failure.js';
import { RunError } from '../run-error.js';
import { ELEMENT_TIMEOUT_MS, type ActionContext, type ActionHandler } from './action-handler.js';
import { requireElement, waitForElement } from './elements.js';

async function takeScreenshot(ctx: ActionContext): Promise<Buffer> {
  if (ctx.text('selector').trim() !== '') {
    const { locator, label } = requireElement(ctx);
    await waitForElement(ctx, locator, label);
    return locator.screenshot({ timeout: ctx.remainingMs(), animations: 'disabled' });
  }
  return ctx.page.screenshot({ fullPage: ctx.action.fullPage === true, timeout: ctx.remainingMs() });
}

export const screenshotAction: ActionHandler = {
  type: 'screenshot',
  defaultTimeoutMs: ELEMENT_TIMEOUT_MS,
  describe: (ctx) => `Screenshot${ctx.text('selector') ? ` of ${ctx.text('selector')}` : ctx.action.fullPage ? ' of the full page' : ''}`,
  async run(ctx) {
    const label = ctx.text('label') || ctx.text('value');
    let data: Buffer;
    try {
      data = await takeScreenshot(ctx);
    } catch (error) {
      if (error instanceof RunError) throw error;
      const reason = isTimeoutError(error) ? 'timed out' : cleanErrorMessage(error);
      throw new RunError('ACTION_FAILED', `Screenshot failed: ${reason}`, { cause: error });
    }
    let ms = Date.now();
    for (let attempt = 0; ; attempt++) {
      const name = screenshotName(ctx.request.runId, ms, label);
      try {
        const info = await ctx.services.captures.writeBuffer(name, data);
        const url = `/captures/${info.name}`;
        ctx.capture({ name: info.name, url, type: 'screenshot', size: info.size }, `Screenshot saved: ${info.name}`);
        return { output: url, message: `Screenshot saved: ${info.name}` };
      } catch (error) {
        // Two screenshots in the same millisecond: take the next one.
        if (error instanceof CaptureExistsError && attempt < 50) {
          ms++;
          continue;
        }
        throw new RunError('ACTION_FAILED', `Screenshot could not be saved: ${cleanErrorMessage(error)}`, { cause: error });
      }
    }
  },
};
