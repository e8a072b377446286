import { describe, expect, it } from '@jest/globals';
import type { Outcome } from '../../storage/ports/index.js';
import { RUN_ERROR_CODES } from '../run-error.js';
import { failure, outcomeForCode, prevail, SUCCESS, VerdictTracker, type Verdict } from './verdict.js';

const byOutcome: Record<Outcome, Verdict> = {
  success: SUCCESS,
  error: failure('ACTION_FAILED', 'click failed'),
  stopped: failure('STOPPED', 'stopped'),
  crashed: failure('BROWSER_CRASHED', 'crashed'),
  anti_bot: failure('ANTI_BOT_DETECTED', 'challenge'),
};

describe('outcome precedence (RUNNER §9.1): anti_bot > crashed > stopped > error > success', () => {
  const order: Outcome[] = ['success', 'error', 'stopped', 'crashed', 'anti_bot'];

  it.each(order.flatMap((a) => order.map((b) => [a, b] as const)))('%s then %s', (first, second) => {
    const expected = order.indexOf(second) > order.indexOf(first) ? second : first;
    expect(prevail(byOutcome[first], byOutcome[second]).outcome).toBe(expected);
  });

  it('keeps the first cause of equal rank (the first failure is the reported one)', () => {
    const tracker = new VerdictTracker();
    tracker.offer(failure('ACTION_FAILED', 'first'));
    tracker.offer(failure('EXTRACTION_FAILED', 'second'));
    expect(tracker.current).toEqual({ outcome: 'error', errorCode: 'ACTION_FAILED', error: 'first' });
  });

  it('lets a stop override a run timeout error and a crash override both, in any order of arrival', () => {
    const tracker = new VerdictTracker();
    tracker.offer(failure('RUN_TIMEOUT', 'timeout'));
    tracker.offer(failure('STOPPED', 'stop'));
    expect(tracker.outcome).toBe('stopped');
    tracker.offer(failure('BROWSER_CRASHED', 'crash'));
    tracker.offer(failure('STOPPED', 'stop again'));
    expect(tracker.current.errorCode).toBe('BROWSER_CRASHED');
    tracker.offer(failure('ANTI_BOT_DETECTED', 'bot'));
    expect(tracker.outcome).toBe('anti_bot');
  });
});

describe('outcomeForCode (API §1.8)', () => {
  it('maps every run error code to its documented outcome', () => {
    const special: Record<string, Outcome> = {
      STOPPED: 'stopped',
      BROWSER_CRASHED: 'crashed',
      BROWSER_LAUNCH_FAILED: 'crashed',
      WORKER_LOST: 'crashed',
      ENGINE_ERROR: 'crashed',
      ANTI_BOT_DETECTED: 'anti_bot',
    };
    for (const code of RUN_ERROR_CODES) expect([code, outcomeForCode(code)]).toEqual([code, special[code] ?? 'error']);
  });
});
