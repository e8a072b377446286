/**
 * RUNNER §13 step 3: scroll down in 400 px steps every 100 ms to trigger lazy content, at most
 * 50 steps or 10 s, then back to the top. At the bottom it waits a few ticks for the page to
 * grow (infinite scroll) before calling it done; those ticks count as steps.
 */
import type { Page } from 'playwright';
import { raceAbort, sleep } from '../interpreter/abort.js';

export const SCROLL_STEP_PX = 400;
export const SCROLL_INTERVAL_MS = 100;
export const MAX_SCROLL_STEPS = 50;
export const MAX_SCROLL_MS = 10_000;
/** Ticks at the bottom without the page growing before scrolling stops. */
const BOTTOM_SETTLE_TICKS = 3;

interface ScrollState {
  atBottom: boolean;
  height: number;
}

export interface AutoScrollReport {
  steps: number;
  reachedBottom: boolean;
}

function scrollStepInPage(dy: number): ScrollState {
  const root = document.scrollingElement ?? document.documentElement;
  window.scrollBy({ top: dy, left: 0, behavior: 'instant' });
  const height = root ? root.scrollHeight : 0;
  return { atBottom: Math.ceil(window.scrollY + window.innerHeight) >= height - 1, height };
}

/** Throws the abort reason when `signal` aborts; page errors propagate. */
export async function autoScroll(page: Page, signal: AbortSignal, now: () => number = Date.now): Promise<AutoScrollReport> {
  const started = now();
  let steps = 0;
  let settled = 0;
  let lastHeight = -1;
  let reachedBottom = false;
  while (steps < MAX_SCROLL_STEPS && now() - started < MAX_SCROLL_MS) {
    const state = await raceAbort(page.evaluate(scrollStepInPage, SCROLL_STEP_PX), signal);
    steps++;
    reachedBottom = state.atBottom;
    if (state.atBottom) {
      settled = state.height === lastHeight ? settled + 1 : 0;
      if (settled >= BOTTOM_SETTLE_TICKS) break;
    } else {
      settled = 0;
    }
    lastHeight = state.height;
    await sleep(SCROLL_INTERVAL_MS, signal);
  }
  await raceAbort(
    page.evaluate(() => window.scrollTo({ top: 0, left: 0, behavior: 'instant' })),
    signal,
  );
  return { steps, reachedBottom };
}
