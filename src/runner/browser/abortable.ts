import { raceSignal, settleWithin } from '../../common/promise-race.js';
import { RunError } from '../run-error.js';

/** The abort reason as an Error (a plain `abort()` gives a RunError STOPPED). */
export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new RunError('STOPPED', 'Run stopped');
}

/** Settles with `promise`, or rejects with the abort reason as soon as `signal` aborts. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  return signal ? raceSignal(promise, signal, abortError) : promise;
}

/** Resolves `'timeout'` after `ms` unless `promise` settles first (its result is then returned). */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  return settleWithin(promise, ms, () => 'timeout' as const);
}

/** Sleeps `ms`; resolves early (false) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
