/** A step that must not hold up the run: bounded in time and cut when a signal aborts. */

export type Bounded<T> = { ok: true; value: T } | { ok: false; reason: 'timeout' | 'aborted' } | { ok: false; reason: 'error'; error: unknown };

export function bounded<T>(work: Promise<T>, ms: number, signal: AbortSignal): Promise<Bounded<T>> {
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.resolve({ ok: false, reason: 'aborted' });
  }
  return new Promise((resolve) => {
    const settle = (result: Bounded<T>) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const onAbort = () => settle({ ok: false, reason: 'aborted' });
    const timer = setTimeout(() => settle({ ok: false, reason: 'timeout' }), Math.max(0, ms));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => settle({ ok: true, value }),
      (error: unknown) => settle({ ok: false, reason: 'error', error }),
    );
  });
}

/** First line of an error's message, for log lines. */
export function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0].replace(/^[A-Za-z]+\.[A-Za-z]+: /, '');
}

/** Why a bounded step did not complete, for log lines. */
export function whyNot(step: Exclude<Bounded<unknown>, { ok: true }>, timeoutText = 'timed out'): string {
  if ('error' in step) return errorText(step.error);
  return step.reason === 'timeout' ? timeoutText : 'cut short';
}
