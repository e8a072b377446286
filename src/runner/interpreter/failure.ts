/**
 * Turning whatever an action threw into a RunError with the right code (RUNNER §8.1), and the
 * run's error message format.
 */
import { RunError, type RunErrorCode } from '../run-error.js';

const CRASH_PATTERNS = [
  /Target crashed/i,
  /Page crashed/i,
  /Target page, context or browser has been closed/i,
  /Browser has been closed/i,
  /browser has disconnected/i,
  /Session closed/i,
  /Target closed/i,
];

/** Codes that end the run whatever the failure policy says (RUNNER §5.10 rule 2). */
export const UNHANDLEABLE_CODES: ReadonlySet<RunErrorCode> = new Set(['BROWSER_CRASHED', 'STEP_BUDGET_EXCEEDED', 'RUN_TIMEOUT', 'STOPPED', 'ENGINE_ERROR']);

/** Playwright's message without the method prefix and the call log. */
export function cleanErrorMessage(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  const withoutLog = raw.split(/\n\s*Call log:/)[0];
  const firstBlock = withoutLog.replace(/^[A-Za-z]+\.[A-Za-z]+: /, '').trim();
  return firstBlock.replace(/\s*=+\s*logs\s*=+[\s\S]*$/i, '').trim() || (error instanceof Error ? error.name : 'Unknown error');
}

export function isTimeoutError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'TimeoutError';
}

export function isCrashError(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return CRASH_PATTERNS.some((pattern) => pattern.test(message));
}

/** Any thrown value as a RunError: RunErrors pass through, crashes become BROWSER_CRASHED. */
export function toRunError(error: unknown, fallback: RunErrorCode = 'ACTION_FAILED'): RunError {
  if (error instanceof RunError) return error;
  if (isCrashError(error)) return new RunError('BROWSER_CRASHED', cleanErrorMessage(error), { cause: error });
  return new RunError(fallback, cleanErrorMessage(error), { cause: error });
}

/** RUNNER §8.1: `"<type> action '<id>' (#<index>) failed: <reason>"`. */
export function failureMessage(type: string, id: string, index: number, reason: string): string {
  return `${type} action '${id}' (#${index}) failed: ${reason}`;
}
