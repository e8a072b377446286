/**
 * The extraction script (RUNNER §10.3), for the finaliser: templated per §4.5, run in the page
 * environment of §7.1 with a 30 s limit. Returns `data`.
 */
import type { Page } from 'playwright';
import { RunError } from '../run-error.js';
import { prepareScript } from '../script/prepare-script.js';
import type { VariableLookup } from '../templating/lookup.js';
import { runPageScript, type ConsoleLine } from './run-page-script.js';

export const EXTRACTION_TIMEOUT_MS = 30_000;

export interface ExtractionRequest {
  page: Page;
  /** The task's `extractionScript` (not blank). */
  script: string;
  /** Lookup over the final runtime map (for `{$…}` tokens). */
  lookup: VariableLookup;
  /** The `vars` binding: e.g. `RuntimeState.pageVars(now)` after the actions. */
  vars: Record<string, unknown>;
  includeShadowDom: boolean;
  signal: AbortSignal;
  timeoutMs?: number;
  /** Console lines, to be written as `log` events. */
  onConsole?: (line: ConsoleLine) => void;
}

/**
 * The returned value (awaited) is `data`; `undefined` with console output gives the lines
 * joined with `\n` (legacy), `undefined` without gives `null`. Failures are RunErrors with code
 * EXTRACTION_FAILED, except BROWSER_CRASHED (page unresponsive) and aborts, which pass through.
 */
export async function runExtractionScript(request: ExtractionRequest): Promise<unknown> {
  const script = prepareScript(request.script, request.lookup, { errorCode: 'EXTRACTION_FAILED' });
  try {
    const result = await runPageScript({
      page: request.page,
      script,
      vars: request.vars,
      includeShadowDom: request.includeShadowDom,
      timeoutMs: request.timeoutMs ?? EXTRACTION_TIMEOUT_MS,
      signal: request.signal,
      onConsole: request.onConsole,
    });
    if (result.returnedUndefined) {
      return result.consoleLines.length > 0 ? result.consoleLines.map((line) => line.text).join('\n') : null;
    }
    return result.value;
  } catch (error) {
    if (request.signal.aborted || !(error instanceof RunError) || error.code === 'BROWSER_CRASHED') throw error;
    throw new RunError('EXTRACTION_FAILED', `Extraction script failed (${error.code}): ${error.message}`, { cause: error });
  }
}
