/**
 * Runs one prepared script in the page (RUNNER §7.1) under a time limit, capturing its console.
 * Failures are RunErrors: SCRIPT_ERROR, SCRIPT_TIMEOUT, RESULT_NOT_SERIALIZABLE,
 * RESULT_TOO_LARGE, or BROWSER_CRASHED when the page stops answering.
 */
import type { Page } from 'playwright';
import { raceAbort } from '../interpreter/abort.js';
import { isCrashError } from '../interpreter/failure.js';
import { RunError } from '../run-error.js';
import type { PreparedScript } from '../script/prepare-script.js';
import type { PageEnvelope } from './page-env.js';
import { buildPageExpression, MAX_RESULT_BYTES } from './page-expression.js';
import { PageScriptHost, type ConsoleLevel } from './page-script-host.js';

export const MAX_CONSOLE_LINES = 100;
/** How long a page may take to answer after its script was terminated (RUNNER §7.1). */
export const UNRESPONSIVE_AFTER_TERMINATE_MS = 5000;

export interface ConsoleLine {
  level: ConsoleLevel;
  text: string;
}

export interface PageScriptRequest {
  page: Page;
  script: PreparedScript;
  vars: Record<string, unknown>;
  includeShadowDom: boolean;
  timeoutMs: number;
  /** The run signal: on abort the call is abandoned at once. */
  signal: AbortSignal;
  /** Each captured console line as it arrives (at most 100, then one truncation notice). */
  onConsole?: (line: ConsoleLine) => void;
  maxResultBytes?: number;
}

export interface PageScriptResult {
  value: unknown;
  /** The code returned `undefined` (the value is then `null`). */
  returnedUndefined: boolean;
  consoleLines: ConsoleLine[];
}

let callCounter = 0;

function nextSourceUrl(): string {
  callCounter = (callCounter + 1) % Number.MAX_SAFE_INTEGER;
  return `figranium-script-${process.pid}-${callCounter}.js`;
}

function envelopeError(envelope: Exclude<PageEnvelope, { ok: true }>): RunError {
  switch (envelope.kind) {
    case 'not_serializable':
      return new RunError('RESULT_NOT_SERIALIZABLE', `Result could not be JSON-encoded: ${envelope.message}`);
    case 'too_large':
      return new RunError('RESULT_TOO_LARGE', envelope.message);
    default:
      return new RunError('SCRIPT_ERROR', envelope.message);
  }
}

function isEnvelope(value: unknown): value is PageEnvelope {
  return typeof value === 'object' && value !== null && typeof (value as { ok?: unknown }).ok === 'boolean';
}

function evaluationFailure(error: unknown): RunError {
  const message = error instanceof Error ? error.message : String(error);
  if (isCrashError(error)) return new RunError('BROWSER_CRASHED', message, { cause: error });
  if (/context was destroyed|navigated or closed|Cannot find context/i.test(message)) {
    return new RunError('SCRIPT_ERROR', 'The page navigated away while the script was running', { cause: error });
  }
  return new RunError('SCRIPT_ERROR', message.replace(/^[A-Za-z]+\.[A-Za-z]+: /, ''), { cause: error });
}

export async function runPageScript(request: PageScriptRequest): Promise<PageScriptResult> {
  const { signal } = request;
  const host = await raceAbort(PageScriptHost.for(request.page), signal).catch((error: unknown) => {
    if (signal.aborted) throw error;
    throw evaluationFailure(error);
  });
  const sourceUrl = nextSourceUrl();
  const consoleLines: ConsoleLine[] = [];
  let dropped = false;
  const stopListening = host.listen(sourceUrl, (level, text) => {
    if (consoleLines.length >= MAX_CONSOLE_LINES) {
      if (!dropped) request.onConsole?.({ level: 'warn', text: `Console output truncated after ${MAX_CONSOLE_LINES} lines` });
      dropped = true;
      return;
    }
    const line = { level, text };
    consoleLines.push(line);
    request.onConsole?.(line);
  });
  const expression = buildPageExpression({
    script: request.script,
    vars: request.vars,
    includeShadowDom: request.includeShadowDom,
    sourceUrl,
    maxResultBytes: request.maxResultBytes ?? MAX_RESULT_BYTES,
  });

  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), Math.max(0, request.timeoutMs));
  });
  const evaluation = host.evaluate(expression);
  try {
    const outcome = await raceAbort(Promise.race([evaluation, timedOut]), signal).catch((error: unknown) => {
      if (signal.aborted) void host.terminate(); // don't leave a busy loop behind a stopped run
      throw error;
    });
    if (outcome === 'timeout') {
      evaluation.catch(() => undefined);
      await host.terminate();
      const answered = await raceAbort(host.responsive(UNRESPONSIVE_AFTER_TERMINATE_MS), signal);
      if (!answered) {
        throw new RunError('BROWSER_CRASHED', `The page did not respond within ${UNRESPONSIVE_AFTER_TERMINATE_MS / 1000} s after its script was terminated`);
      }
      throw new RunError('SCRIPT_TIMEOUT', `Script did not finish within ${formatMs(request.timeoutMs)}`);
    }
    if (outcome.exception !== undefined) throw new RunError('SCRIPT_ERROR', outcome.exception);
    if (!isEnvelope(outcome.value)) throw new RunError('SCRIPT_ERROR', 'The script did not return a result');
    const envelope = outcome.value;
    if (!envelope.ok) throw envelopeError(envelope);
    return { value: JSON.parse(envelope.json) as unknown, returnedUndefined: envelope.undefined, consoleLines };
  } catch (error) {
    if (error instanceof RunError || signal.aborted) throw error;
    throw evaluationFailure(error);
  } finally {
    clearTimeout(timer);
    stopListening();
  }
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
