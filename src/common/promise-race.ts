/**
 * The two races the server needs everywhere a call may outlive its caller: against an abort
 * signal and against a timer. The losing promise keeps running; its rejection is swallowed.
 */

/** Settles like `promise`, or rejects with `reasonOf(signal)` as soon as `signal` aborts. */
export function raceSignal<T>(promise: Promise<T>, signal: AbortSignal, reasonOf: (signal: AbortSignal) => unknown = (s) => s.reason): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(reasonOf(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      promise.catch(() => undefined);
      reject(reasonOf(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Settles like `promise`, or after `ms` with what `onTimeout` returns (or rejects with what it throws). */
export function settleWithin<T, U>(promise: Promise<T>, ms: number, onTimeout: () => U): Promise<T | U> {
  return new Promise<T | U>((resolve, reject) => {
    const timer = setTimeout(() => {
      promise.catch(() => undefined);
      try {
        resolve(onTimeout());
      } catch (error) {
        reject(error);
      }
    }, Math.max(0, ms));
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
