/**
 * Abort helpers for the run signal (RUNNER §3.5, §8.3): every wait ends at once when the signal
 * fires, and a call that is still in flight is simply no longer awaited.
 */

import { raceSignal } from '../../common/promise-race.js';

/** setTimeout fires at once for delays beyond 2^31-1 ms. */
const MAX_TIMER_MS = 2_147_483_647;

export class AbortedError extends Error {
  override readonly name = 'AbortError';
  constructor(readonly reason: unknown) {
    super('The run was aborted');
  }
}

// By name: abort errors may come from another realm (DOMException) or from Playwright.
export function isAbortError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason instanceof Error ? signal.reason : new AbortedError(signal.reason);
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(abortError(signal));
  const delay = Math.max(0, Math.min(ms, MAX_TIMER_MS));
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, delay);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Settles like `promise`, or rejects with the signal's reason when it aborts first. The
 * abandoned promise keeps running; its eventual rejection is swallowed.
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return raceSignal(promise, signal, abortError);
}

/** A signal that aborts when `parent` aborts or after `ms` (with `timeoutReason`). Call `dispose` when done. */
export function childSignal(parent: AbortSignal, ms: number | null, timeoutReason: () => unknown): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onParent = () => controller.abort(parent.reason);
  if (parent.aborted) onParent();
  else parent.addEventListener('abort', onParent, { once: true });
  const timer = ms === null ? undefined : setTimeout(() => controller.abort(timeoutReason()), Math.max(0, Math.min(ms, MAX_TIMER_MS)));
  return {
    signal: controller.signal,
    dispose: () => {
      if (timer) clearTimeout(timer);
      parent.removeEventListener('abort', onParent);
    },
  };
}

/**
 * A signal that aborts `graceMs` after `parent` aborts, with the parent's reason: a bounded wait
 * for work that ends by itself once the run aborts (e.g. a `start` waiting for its stopped child).
 */
export function lateSignal(parent: AbortSignal, graceMs: number): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onParent = () => {
    timer = setTimeout(() => controller.abort(parent.reason), Math.max(0, Math.min(graceMs, MAX_TIMER_MS)));
  };
  if (parent.aborted) onParent();
  else parent.addEventListener('abort', onParent, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      if (timer) clearTimeout(timer);
      parent.removeEventListener('abort', onParent);
    },
  };
}
