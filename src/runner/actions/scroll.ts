/** `scroll`: RUNNER §7 (eased relative scroll; `overscroll` of §12). */
import type { Locator } from 'playwright';
import { scrollPlan } from '../human/scroll-plan.js';
import { cryptoRandom } from '../human/random.js';
import { sleep } from '../interpreter/abort.js';
import { RunError } from '../run-error.js';
import { ELEMENT_TIMEOUT_MS, type ActionContext, type ActionHandler } from './action-handler.js';
import { requireElement, waitForElement } from './elements.js';

const DEFAULT_DURATION_MS = 500;
const MAX_DURATION_MS = 60_000;

type ScrollMode = { kind: 'top' } | { kind: 'bottom' } | { kind: 'by'; pixels: number };

interface ScrollPosition {
  top: number;
  max: number;
}

export function scrollModeOf(value: string): ScrollMode | null {
  const text = value.trim().toLowerCase();
  if (text === '') return null;
  if (text === 'top') return { kind: 'top' };
  if (text === 'bottom') return { kind: 'bottom' };
  const pixels = Number(text);
  if (!Number.isFinite(pixels)) throw new RunError('ACTION_FAILED', `Scroll value '${value.trim()}' is not a number of pixels, top or bottom`);
  return { kind: 'by', pixels: Math.trunc(pixels) };
}

/** `duration` ms; a numeric legacy `key` is read as the duration. */
export function scrollDurationOf(ctx: ActionContext): number {
  const { duration, key } = ctx.action;
  let ms = DEFAULT_DURATION_MS;
  if (typeof duration === 'number' && Number.isFinite(duration)) ms = duration;
  else if (typeof key === 'string' && key.trim() !== '' && Number.isFinite(Number(key))) ms = Number(key);
  return Math.max(0, Math.min(ms, MAX_DURATION_MS));
}

function windowPosition(): ScrollPosition {
  const el = document.scrollingElement ?? document.documentElement;
  return { top: window.scrollY, max: Math.max(0, el.scrollHeight - window.innerHeight) };
}

function setWindowTop(top: number): void {
  window.scrollTo({ top, behavior: 'instant' });
}

function elementPosition(el: Element): ScrollPosition {
  return { top: el.scrollTop, max: Math.max(0, el.scrollHeight - el.clientHeight) };
}

function setElementTop(el: Element, top: number): void {
  el.scrollTo({ top, behavior: 'instant' });
}

export const scrollAction: ActionHandler = {
  type: 'scroll',
  defaultTimeoutMs: ELEMENT_TIMEOUT_MS,
  describe: (ctx) => `Scroll ${ctx.text('value') || 'down'}${ctx.text('selector') ? ` in ${ctx.text('selector')}` : ''}`,
  async run(ctx) {
    const mode = scrollModeOf(ctx.text('value')) ?? { kind: 'by', pixels: cryptoRandom.int(400, 800) };
    const duration = scrollDurationOf(ctx);
    let element: Locator | null = null;
    let label = 'the page';
    if (ctx.text('selector').trim() !== '') {
      const target = requireElement(ctx);
      await waitForElement(ctx, target.locator, target.label);
      element = target.locator;
      label = target.label;
    }
    const read = (): Promise<ScrollPosition> => (element ? element.evaluate(elementPosition) : ctx.page.evaluate(windowPosition));
    const write = (top: number): Promise<void> => (element ? element.evaluate(setElementTop, top) : ctx.page.evaluate(setWindowTop, top));

    const start = await read();
    const distance = mode.kind === 'top' ? -start.top : mode.kind === 'bottom' ? start.max - start.top : mode.pixels;
    for (const frame of scrollPlan(distance, duration, ctx.human.options.overscroll, cryptoRandom)) {
      if (frame.delayBefore > 0) await sleep(frame.delayBefore, ctx.signal);
      await write(start.top + frame.offset);
    }
    const end = await read();
    const moved = Math.round(end.top - start.top);
    const output = mode.kind === 'by' ? moved : mode.kind;
    const message = mode.kind === 'by' ? `Scrolled ${label} by ${moved} px` : `Scrolled ${label} to the ${mode.kind}`;
    ctx.info(message);
    return { output, message };
  },
};
