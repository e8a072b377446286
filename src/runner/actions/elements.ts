/**
 * Element targeting shared by the actions (RUNNER §7): selectors (Playwright syntax, `x,y`
 * viewport points, the current `foreach` element), element waits, click points.
 */
import type { Locator } from 'playwright';
import type { Point } from '../human/pointer-path.js';
import { randomInnerPoint } from '../human/pointer-path.js';
import { cryptoRandom } from '../human/random.js';
import { sleep } from '../interpreter/abort.js';
import { cleanErrorMessage, isTimeoutError } from '../interpreter/failure.js';
import { RunError, type RunErrorCode } from '../run-error.js';
import type { ActionContext } from './action-handler.js';

const POINT = /^\s*(\d+(?:\.\d+)?)\s*,\s*(\d+(?:\.\d+)?)\s*$/;
const ENABLED_POLL_MS = 100;

export type Target = { kind: 'point'; point: Point; label: string } | { kind: 'element'; locator: Locator; label: string };

/** `x,y` (two non-negative numbers) → a viewport point. */
export function parsePoint(selector: string): Point | null {
  const m = POINT.exec(selector);
  return m ? { x: Number(m[1]), y: Number(m[2]) } : null;
}

/**
 * The target named by the action's `selector` field: a point, an element (first match), or,
 * when empty and `useCurrent`, the current `foreach` element. Null when there is none.
 */
export function resolveTarget(ctx: ActionContext, options: { field?: string; useCurrent?: boolean } = {}): Target | null {
  const selector = ctx.text(options.field ?? 'selector');
  if (selector.trim() === '') {
    if (options.useCurrent && ctx.currentElement) return { kind: 'element', locator: ctx.currentElement, label: 'the current loop element' };
    return null;
  }
  const point = parsePoint(selector);
  if (point) return { kind: 'point', point, label: `point ${point.x},${point.y}` };
  return { kind: 'element', locator: ctx.page.locator(selector).first(), label: selector };
}

/** Like resolveTarget, failing with ACTION_FAILED when the selector is empty. */
export function requireTarget(ctx: ActionContext, options: { field?: string; useCurrent?: boolean } = {}): Target {
  const target = resolveTarget(ctx, options);
  if (!target) throw new RunError('ACTION_FAILED', `${options.field ?? 'selector'} is empty`);
  return target;
}

export function requireElement(ctx: ActionContext, field = 'selector'): { locator: Locator; label: string } {
  const target = requireTarget(ctx, { field });
  if (target.kind === 'point') return { locator: ctx.page.locator(ctx.text(field)).first(), label: target.label };
  return target;
}

/** Maps a Playwright timeout to `code`, anything else to ACTION_FAILED (both with the reason). */
export async function mapTimeout<T>(promise: Promise<T>, code: RunErrorCode, what: string): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof RunError) throw error;
    if (isTimeoutError(error)) throw new RunError(code, `${what}: timed out`, { cause: error });
    throw new RunError('ACTION_FAILED', `${what}: ${cleanErrorMessage(error)}`, { cause: error });
  }
}

/** Element wait (RUNNER §7): attached, visible and enabled within the action's time limit. */
export async function waitForElement(ctx: ActionContext, locator: Locator, label: string, state: 'visible' | 'attached' = 'visible'): Promise<void> {
  const end = Date.now() + ctx.remainingMs();
  try {
    await locator.waitFor({ state, timeout: Math.max(1, end - Date.now()) });
  } catch (error) {
    if (isTimeoutError(error)) {
      throw new RunError('SELECTOR_NOT_FOUND', `Element '${label}' was not ${state === 'visible' ? 'visible' : 'found'} within ${formatMs(ctx.timeoutMs)}`, { cause: error });
    }
    throw new RunError('ACTION_FAILED', `Selector '${label}' could not be used: ${cleanErrorMessage(error)}`, { cause: error });
  }
  if (state === 'attached') return;
  for (;;) {
    const left = end - Date.now();
    const enabled = await locator.isEnabled({ timeout: Math.max(1, left) }).catch((error: unknown) => {
      if (isTimeoutError(error)) return false;
      throw new RunError('ACTION_FAILED', `Element '${label}': ${cleanErrorMessage(error)}`, { cause: error });
    });
    if (enabled) return;
    if (Date.now() + ENABLED_POLL_MS > end) {
      throw new RunError('SELECTOR_NOT_FOUND', `Element '${label}' did not become enabled within ${formatMs(ctx.timeoutMs)}`);
    }
    await sleep(ENABLED_POLL_MS, ctx.signal);
  }
}

/** In-page hit test: does the element at (x, y) belong to `el` (through shadow roots too)? */
function hitsElement(el: Element, [x, y]: [number, number]): boolean {
  const hit = el.ownerDocument.elementFromPoint(x, y);
  for (let node: Node | null = hit; node; node = node.parentNode ?? (node as ShadowRoot).host ?? null) {
    if (node === el) return true;
  }
  return false;
}

/**
 * Scrolls the element into view and picks the point to act on: its centre, or with
 * `randomizeClicks` a random inner point that the hit test confirms (else the centre).
 * Returns the viewport point and the same point relative to the element.
 */
export async function actionPoint(ctx: ActionContext, locator: Locator, label: string): Promise<{ point: Point; position: Point }> {
  await mapTimeout(locator.scrollIntoViewIfNeeded({ timeout: ctx.remainingMs() }), 'SELECTOR_NOT_FOUND', `Element '${label}'`);
  const box = await mapTimeout(locator.boundingBox({ timeout: ctx.remainingMs() }), 'SELECTOR_NOT_FOUND', `Element '${label}'`);
  if (!box) throw new RunError('SELECTOR_NOT_FOUND', `Element '${label}' is not visible`);
  const centre = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  let point = centre;
  if (ctx.human.options.randomizeClicks) {
    const candidate = randomInnerPoint(box, cryptoRandom);
    const hits = await locator.evaluate(hitsElement, [candidate.x, candidate.y] as [number, number]).catch(() => false);
    if (hits) point = candidate;
  }
  return { point, position: { x: point.x - box.x, y: point.y - box.y } };
}

export function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
