/** `click`: RUNNER §7 (selector, `x,y` point or the current `foreach` element; §12 pointer behaviour). */
import type { ClickType } from '../../tasks/model/task.types.js';
import { RunError } from '../run-error.js';
import { ELEMENT_TIMEOUT_MS, type ActionContext, type ActionHandler } from './action-handler.js';
import { actionPoint, mapTimeout, requireTarget, waitForElement } from './elements.js';

function clickTypeOf(ctx: ActionContext): ClickType {
  const value = ctx.action.clickType;
  if (value === undefined || value === '') return 'single';
  if (value === 'single' || value === 'double' || value === 'right') return value;
  throw new RunError('ACTION_FAILED', `Unknown clickType '${String(value)}'`);
}

const VERB: Record<ClickType, string> = { single: 'Clicked', double: 'Double-clicked', right: 'Right-clicked' };

export const clickAction: ActionHandler = {
  type: 'click',
  defaultTimeoutMs: ELEMENT_TIMEOUT_MS,
  describe: (ctx) => `Click ${ctx.text('selector') || 'the current loop element'}`,
  async run(ctx) {
    const clickType = clickTypeOf(ctx);
    const target = requireTarget(ctx, { useCurrent: true });
    const button = clickType === 'right' ? 'right' : 'left';
    if (target.kind === 'point') {
      await ctx.human.maybeDeadClick(ctx.pacing);
      await ctx.human.moveTo(target.point, ctx.pacing);
      const { x, y } = target.point;
      if (clickType === 'double') await ctx.page.mouse.dblclick(x, y);
      else await ctx.page.mouse.click(x, y, { button });
    } else {
      const { locator, label } = target;
      await waitForElement(ctx, locator, label);
      await ctx.human.maybeDeadClick(ctx.pacing);
      const { point, position } = await actionPoint(ctx, locator, label);
      await ctx.human.moveTo(point, ctx.pacing);
      const options = { position, timeout: ctx.remainingMs() };
      const clicking = clickType === 'double' ? locator.dblclick(options) : locator.click({ ...options, button });
      await mapTimeout(clicking, 'ACTION_TIMEOUT', `Clicking '${label}'`);
    }
    const message = `${VERB[clickType]} ${target.label}`;
    ctx.info(message);
    return { output: true, message };
  },
};
