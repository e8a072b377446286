/**
 * A run's outcome so far (RUNNER §9.1) and the precedence rule when several causes apply:
 * `anti_bot > crashed > stopped > error > success`.
 */
import type { Outcome } from '../../storage/ports/index.js';
import type { RunErrorCode } from '../run-error.js';

export interface Verdict {
  outcome: Outcome;
  errorCode?: RunErrorCode;
  /** Human message (masked when the result is assembled). */
  error?: string;
}

const RANK: Readonly<Record<Outcome, number>> = { success: 0, error: 1, stopped: 2, crashed: 3, anti_bot: 4 };

export const SUCCESS: Verdict = Object.freeze({ outcome: 'success' });

/** The outcome each error code belongs to (API §1.8). */
export function outcomeForCode(code: RunErrorCode): Outcome {
  switch (code) {
    case 'STOPPED':
      return 'stopped';
    case 'BROWSER_CRASHED':
    case 'BROWSER_LAUNCH_FAILED':
    case 'WORKER_LOST':
    case 'ENGINE_ERROR':
      return 'crashed';
    case 'ANTI_BOT_DETECTED':
      return 'anti_bot';
    default:
      return 'error';
  }
}

export function failure(code: RunErrorCode, error: string): Verdict {
  return { outcome: outcomeForCode(code), errorCode: code, error };
}

/** The verdict that wins by precedence; on a tie the current one stays (the first cause is kept). */
export function prevail(current: Verdict, candidate: Verdict): Verdict {
  return RANK[candidate.outcome] > RANK[current.outcome] ? candidate : current;
}

/** Tracks the verdict of one run; every cause is offered and precedence decides. */
export class VerdictTracker {
  private value: Verdict = SUCCESS;

  get current(): Verdict {
    return this.value;
  }

  get outcome(): Outcome {
    return this.value.outcome;
  }

  offer(candidate: Verdict): Verdict {
    this.value = prevail(this.value, candidate);
    return this.value;
  }
}
