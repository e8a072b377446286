/** `hover`: RUNNER §7. */
import { cryptoRandom } from '../human/random.js';
import { sleep } from '../interpreter/abort.js';
import { ELEMENT_TIMEOUT_MS, type ActionHandler } from './action-handler.js';
import { actionPoint, mapTimeout, requireTarget, waitForElement } from './elements.js';

export const hoverAction: ActionHandler = {
  type: 'hover',
  defaultTimeoutMs: ELEMENT_TIMEOUT_MS,
  describe: (ctx) => `Hover ${ctx.text('selector') || 'the current loop element'}`,
  async run(ctx) {
    const target = requireTarget(ctx, { useCurrent: true });
    if (target.kind === 'point') {
      await ctx.human.moveTo(target.point, ctx.pacing);
    } else {
      await waitForElement(ctx, target.locator, target.label);
      const { point, position } = await actionPoint(ctx, target.locator, target.label);
      await ctx.human.moveTo(point, ctx.pacing);
      await mapTimeout(target.locator.hover({ position, timeout: ctx.remainingMs() }), 'SELECTOR_NOT_FOUND', `Hovering '${target.label}'`);
    }
    await sleep(cryptoRandom.int(100, 200), ctx.signal);
    const message = `Hovered ${target.label}`;
    ctx.info(message);
    return { output: true, message };
  },
};
