/**
 * The first steps of agent and scrape runs (RUNNER §3.3 steps 2–3, §13 steps 2 and 4): the start
 * URL, the start selector and the start wait. Failures are offered to the run's verdict.
 */
import { isAbortError, sleep } from '../interpreter/abort.js';
import { isRunError } from '../run-error.js';
import { createLookup, oncePerName } from '../templating/lookup.js';
import { renderText } from '../templating/render.js';
import { bounded, whyNot } from './bounded.js';
import type { RunContext } from './run-context.js';

export const START_NAVIGATION_TIMEOUT_MS = 30_000;
export const START_SELECTOR_TIMEOUT_MS = 10_000;
export const LOAD_EVENT_TIMEOUT_MS = 10_000;

/** The task's `url` (or `selector`) rendered with the run's inputs (§4.4). */
export function renderWithInputs(ctx: RunContext, template: string, now: () => number): string {
  const warn = oncePerName((name) => ctx.log('warn', `Unknown variable {$${name}} renders as empty`));
  const lookup = createLookup({ vars: ctx.request.inputs, now: () => new Date(now()).toISOString(), onUnknown: warn });
  return renderText(template, lookup);
}

/** Only absolute http(s) URLs may start a run (API §1.9, RUNNER §3.3). */
function startUrlProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `The start URL '${url}' is not a valid URL`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `The start URL must be http or https (got ${parsed.protocol})`;
  return null;
}

/**
 * Navigates the main page to `ctx.startUrl` (`domcontentloaded`, 30 s, network guard). Returns
 * false when the run must not go on (navigation failed, stopped, timed out or crashed).
 */
export async function openStartUrl(ctx: RunContext): Promise<boolean> {
  const session = ctx.session!;
  const url = ctx.startUrl.trim();
  const problem = startUrlProblem(url);
  if (problem !== null) {
    ctx.log('error', problem);
    ctx.fail('INVALID_URL', problem);
    return false;
  }
  ctx.log('info', `Opening ${url}`);
  try {
    const nav = await session.navigate(url, { timeoutMs: START_NAVIGATION_TIMEOUT_MS, signal: ctx.signal });
    ctx.log('info', `Navigated to ${nav.finalUrl}${nav.status !== null && nav.status >= 400 ? ` (HTTP ${nav.status})` : ''}`);
    return true;
  } catch (error) {
    if (ctx.noteAbort()) return false;
    if (isRunError(error)) {
      ctx.log('error', error.message);
      ctx.fail(error.code, error.message);
      return false;
    }
    throw error;
  }
}

/** Scrape: after `domcontentloaded`, wait for `load` up to 10 s (not a failure when it does not come). */
export async function waitForLoadEvent(ctx: RunContext): Promise<void> {
  const loaded = await bounded(ctx.session!.page.waitForLoadState('load', { timeout: LOAD_EVENT_TIMEOUT_MS }), LOAD_EVENT_TIMEOUT_MS + 1000, ctx.signal);
  if (!loaded.ok && loaded.reason !== 'aborted') ctx.log('warn', `The page did not finish loading within ${LOAD_EVENT_TIMEOUT_MS / 1000} s; continuing`);
}

/** Agent: wait up to 10 s for the task's `selector` to be visible; a timeout is only a warning. */
export async function waitForStartSelector(ctx: RunContext, selector: string): Promise<void> {
  ctx.log('info', `Waiting for ${selector}`);
  const page = ctx.session!.page;
  const found = await bounded(page.locator(selector).first().waitFor({ state: 'visible', timeout: START_SELECTOR_TIMEOUT_MS }), START_SELECTOR_TIMEOUT_MS + 1000, ctx.signal);
  if (found.ok || found.reason === 'aborted') return;
  if (found.reason === 'timeout' || ('error' in found && isTimeout(found.error))) {
    ctx.log('warn', `${selector} did not become visible within ${START_SELECTOR_TIMEOUT_MS / 1000} s; continuing`);
  } else {
    ctx.log('warn', `Could not wait for ${selector}: ${whyNot(found)}; continuing`);
  }
}

/** The task's `wait` seconds; ends at once on stop, timeout or crash. Returns false when aborted. */
export async function startWait(ctx: RunContext, seconds: number): Promise<boolean> {
  if (!(seconds > 0)) return true;
  ctx.log('info', `Waiting ${seconds} s`);
  try {
    await sleep(seconds * 1000, ctx.signal);
    return true;
  } catch (error) {
    if (isAbortError(error) || ctx.signal.aborted) return false;
    throw error;
  }
}

function isTimeout(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'TimeoutError';
}
