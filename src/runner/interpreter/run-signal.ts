/**
 * The run abort signal (RUNNER §3.5, §8.3): an operator stop and the run timeout both abort it,
 * with a reason that tells which.
 */
import type { RunRequest } from '../runner.types.js';

const MAX_TIMER_MS = 2_147_483_647;

export type RunAbortKind = 'stopped' | 'timeout';

/** The abort reason of a run signal. Named `AbortError` so generic abort checks recognise it. */
export class RunAbort extends Error {
  override readonly name = 'AbortError';
  constructor(readonly kind: RunAbortKind) {
    super(kind === 'stopped' ? 'The run was stopped' : 'The run timed out');
  }
}

export function runAbortKind(signal: AbortSignal): RunAbortKind | null {
  if (!signal.aborted) return null;
  return signal.reason instanceof RunAbort ? signal.reason.kind : 'stopped';
}

/** `startedAt + timeoutSeconds`, capped by the request's own deadline (a child's parent). */
export function runDeadline(request: Pick<RunRequest, 'startedAt' | 'deadline' | 'task'>): number {
  const own = request.startedAt + request.task.timeoutSeconds * 1000;
  return request.deadline === undefined ? own : Math.min(own, request.deadline);
}

export interface RunSignal {
  signal: AbortSignal;
  /** Why it aborted, or null while it has not. */
  kind(): RunAbortKind | null;
  dispose(): void;
}

/** Aborts with `RunAbort('stopped')` when `stop` aborts, `RunAbort('timeout')` at `deadline`. */
export function createRunSignal(stop: AbortSignal, deadline: number, now: () => number = Date.now): RunSignal {
  const controller = new AbortController();
  const onStop = () => controller.abort(new RunAbort('stopped'));
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    const left = deadline - now();
    if (left <= 0) {
      controller.abort(new RunAbort('timeout'));
      return;
    }
    timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
  };
  if (stop.aborted) onStop();
  else {
    stop.addEventListener('abort', onStop, { once: true });
    arm();
  }
  return {
    signal: controller.signal,
    kind: () => runAbortKind(controller.signal),
    dispose: () => {
      if (timer) clearTimeout(timer);
      stop.removeEventListener('abort', onStop);
    },
  };
}
