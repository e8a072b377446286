/** `get_content`: RUNNER §7 (innerText of the first match after an attachment wait). */
import { ELEMENT_TIMEOUT_MS, type ActionHandler } from './action-handler.js';
import { mapTimeout, waitForElement } from './elements.js';

export const getContentAction: ActionHandler = {
  type: 'get_content',
  defaultTimeoutMs: ELEMENT_TIMEOUT_MS,
  storesResult: true,
  describe: (ctx) => `Get the text of ${ctx.text('selector') || 'body'}`,
  async run(ctx) {
    const selector = ctx.text('selector').trim() === '' ? 'body' : ctx.text('selector');
    const locator = ctx.page.locator(selector).first();
    await waitForElement(ctx, locator, selector, 'attached');
    const text = await mapTimeout(locator.innerText({ timeout: ctx.remainingMs() }), 'SELECTOR_NOT_FOUND', `Reading '${selector}'`);
    const message = `Read ${text.length} character(s) from ${selector}`;
    ctx.info(message);
    return { output: text, message };
  },
};
