/** `drag_and_drop`: RUNNER §7 (pointer down on the source, stepped or glided move, pointer up). */
import { sleep } from '../interpreter/abort.js';
import { cryptoRandom } from '../human/random.js';
import { ELEMENT_TIMEOUT_MS, type ActionHandler } from './action-handler.js';
import { actionPoint, requireElement, waitForElement } from './elements.js';

export const dragAndDropAction: ActionHandler = {
  type: 'drag_and_drop',
  defaultTimeoutMs: ELEMENT_TIMEOUT_MS,
  describe: (ctx) => `Drag ${ctx.text('selector')} to ${ctx.text('targetSelector')}`,
  async run(ctx) {
    const source = requireElement(ctx, 'selector');
    const target = requireElement(ctx, 'targetSelector');
    await waitForElement(ctx, source.locator, source.label);
    await waitForElement(ctx, target.locator, target.label);
    const from = await actionPoint(ctx, source.locator, source.label);
    await ctx.human.moveTo(from.point, ctx.pacing);
    const mouse = ctx.page.mouse;
    // Playwright's mouse presses where it last moved: bring it to the source first.
    await mouse.move(from.point.x, from.point.y);
    await mouse.down();
    try {
      await sleep(cryptoRandom.int(40, 90), ctx.signal);
      // A first small move starts the drag gesture before the path to the target.
      await mouse.move(from.point.x + 5, from.point.y + 5, { steps: 2 });
      const box = await target.locator.boundingBox({ timeout: ctx.remainingMs() });
      const to = box ? { x: box.x + box.width / 2, y: box.y + box.height / 2 } : (await actionPoint(ctx, target.locator, target.label)).point;
      await ctx.human.dragMoveTo(to, ctx.pacing);
      await sleep(cryptoRandom.int(40, 90), ctx.signal);
    } finally {
      await mouse.up().catch(() => undefined);
    }
    const message = `Dragged ${source.label} to ${target.label}`;
    ctx.info(message);
    return { output: true, message };
  },
};
