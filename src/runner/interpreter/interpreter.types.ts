import type { Page } from 'playwright';
import type { ActionServices } from '../actions/action-handler.js';
import type { RegexTester } from '../conditions/regex-matcher.js';
import type { HumanInput } from '../human/human-input.js';
import type { SecretMasker } from '../redaction/secret-masker.js';
import type { RunErrorCode } from '../run-error.js';
import type { RunRequest } from '../runner.types.js';
import type { RunLog } from './run-log.js';
import type { RuntimeState } from './run-state.js';
import type { RunAbortKind } from './run-signal.js';

export interface InterpreterOptions {
  request: RunRequest;
  /** The main page: every action targets it. */
  page: Page;
  /** The run signal: aborted by a stop request and by the run timeout (see createRunSignal). */
  signal: AbortSignal;
  /** The run deadline (epoch ms): no wait goes past it. */
  deadline: number;
  services: ActionServices;
  /** Shared with the finaliser: `type` actions add typed secrets to it. */
  masker: SecretMasker;
  /** Event emitter; by default one over `request.events` and `masker`. */
  log?: RunLog;
  /** `MAX_STEPS_PER_RUN` (config.maxStepsPerRun) when set. */
  maxStepsPerRun?: number;
  /** Resolves when the page or browser crashes (BrowserSession.crashed). */
  crashed?: Promise<Error>;
  /** Regex engine for `matches` (default: the shared worker-backed matcher). */
  regex?: RegexTester;
  /** Human-like input (default: from the task's options). */
  human?: HumanInput;
}

/**
 * How interpretation ended:
 * - `completed`: fell off the end of the list;
 * - `stop_success` / `stop_error`: a `stop` action (`STOP_ACTION` for error);
 * - `failed`: an unhandled action failure, a finished error handler, or the step budget;
 * - `aborted`: the run signal fired (`abort` says stop request or run timeout);
 * - `crashed`: the page or browser crashed or stopped answering (`BROWSER_CRASHED`), or the
 *   interpreter itself threw (`ENGINE_ERROR`).
 */
export type InterpretEnd = 'completed' | 'stop_success' | 'stop_error' | 'failed' | 'aborted' | 'crashed';

export interface InterpretResult {
  end: InterpretEnd;
  /** The run's `error` message (masked): set for `stop_error`, `failed`, `crashed`. */
  error?: string;
  errorCode?: RunErrorCode;
  /** The run is about to end with `error` because of an action failure (anti-bot rule, §9.2). */
  actionFailure: boolean;
  /** For `aborted`: a stop request or the run timeout. */
  abort?: RunAbortKind;
  /** The final runtime map (for the extraction script's `vars`). */
  state: RuntimeState;
  /** `data` without an extraction script (RUNNER §10.4). */
  data: Record<string, unknown> | null;
  steps: number;
}
