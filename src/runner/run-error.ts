/** Run error codes (API.md §1.8): they appear inside results, never as HTTP errors. */
export const RUN_ERROR_CODES = [
  'ACTION_FAILED',
  'SELECTOR_NOT_FOUND',
  'ACTION_TIMEOUT',
  'NAVIGATION_FAILED',
  'PRIVATE_NETWORK_BLOCKED',
  'INVALID_URL',
  'CONDITION_FAILED',
  'SCRIPT_ERROR',
  'SCRIPT_TIMEOUT',
  'RESULT_NOT_SERIALIZABLE',
  'RESULT_TOO_LARGE',
  'HTTP_REQUEST_FAILED',
  'SUBTASK_NOT_FOUND',
  'SUBTASK_FAILED',
  'SUBTASK_DEPTH_EXCEEDED',
  'SUBTASK_CYCLE',
  'STEP_BUDGET_EXCEEDED',
  'RUN_TIMEOUT',
  'STOP_ACTION',
  'EXTRACTION_FAILED',
  'OUTPUT_FAILED',
  'STOPPED',
  'BROWSER_CRASHED',
  'BROWSER_LAUNCH_FAILED',
  'WORKER_LOST',
  'ENGINE_ERROR',
  'ANTI_BOT_DETECTED',
] as const;

export type RunErrorCode = (typeof RUN_ERROR_CODES)[number];

/** A failure inside a run, carrying the run error code that ends up in the result. */
export class RunError extends Error {
  override readonly name = 'RunError';

  constructor(
    readonly code: RunErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isRunError(error: unknown): error is RunError {
  return error instanceof RunError;
}
