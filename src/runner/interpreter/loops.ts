/** `repeat` / `foreach` iteration (RUNNER §5.7–5.9). */
import type { Page } from 'playwright';
import { RunError } from '../run-error.js';
import { isPlainObject } from '../values/plain-object.js';
import { cleanErrorMessage } from './failure.js';
import type { LoopValue } from './run-state.js';

export const MAX_REPEAT_COUNT = 100_000;
export const MAX_FOREACH_ITEMS = 10_000;

export interface LoopFrame {
  kind: 'repeat' | 'foreach';
  opener: number;
  count: number;
  index: number;
  /** foreach items (repeat: none). */
  items: unknown[];
  /** Selector of a selector foreach: the current element is `locator(selector).nth(index)`. */
  selector: string | null;
  /** `loop` before the loop was entered (restored when it is left). */
  saved: LoopValue | undefined;
}

/** RUNNER §5.7: `floor(Number(text))`; NaN or negative → 0; more than 100000 fails. */
export function repeatCount(text: string): number {
  const n = Math.floor(Number(text.trim()));
  if (!Number.isFinite(n) || n < 0 || text.trim() === '') return 0;
  if (n > MAX_REPEAT_COUNT) throw new RunError('ACTION_FAILED', `Repeat count ${n} exceeds ${MAX_REPEAT_COUNT}`);
  return n;
}

/** The loop value and block output of iteration `frame.index`. */
export function iterationValue(frame: LoopFrame): { loop: LoopValue; output: unknown } {
  const { index, count } = frame;
  if (frame.kind === 'repeat') return { loop: { index, count, item: index, text: String(index), html: '' }, output: index };
  const item = frame.items[index];
  let text = '';
  let html = '';
  if (isPlainObject(item)) {
    text = typeof item.text === 'string' ? item.text : '';
    html = typeof item.html === 'string' ? item.html : '';
  } else if (!Array.isArray(item)) {
    text = item === null || item === undefined ? '' : String(item);
  }
  return { loop: { index, count, item, text, html }, output: item };
}

/** Items of a value foreach: an array as is, a string holding a JSON array parsed, else none. */
export function valueItems(source: unknown): unknown[] | null {
  if (Array.isArray(source)) return source as unknown[];
  if (typeof source === 'string') {
    const trimmed = source.trim();
    if (trimmed.startsWith('[')) {
      try {
        const parsed = JSON.parse(trimmed) as unknown;
        if (Array.isArray(parsed)) return parsed as unknown[];
      } catch {
        // not JSON
      }
    }
  }
  return null;
}

/** In-page: one `{text, html}` per matching element (collected once on entry). */
function describeElements(elements: Element[], max: number): { total: number; items: Array<{ text: string; html: string }> } {
  return {
    total: elements.length,
    items: elements.slice(0, max).map((el) => ({ text: (el.textContent ?? '').trim(), html: el.innerHTML })),
  };
}

export async function selectorItems(page: Page, selector: string): Promise<{ total: number; items: Array<{ text: string; html: string }> }> {
  try {
    return await page.locator(selector).evaluateAll(describeElements, MAX_FOREACH_ITEMS);
  } catch (error) {
    throw new RunError('ACTION_FAILED', `Selector '${selector}' could not be used: ${cleanErrorMessage(error)}`, { cause: error });
  }
}
