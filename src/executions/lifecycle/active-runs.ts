import { Injectable } from '@nestjs/common';

/** Why a run's signal was aborted: an operator stop, or the server shutting down (lost worker). */
export type AbortCause = 'stop' | 'shutdown';

/** The abort reason given to the runner. Named `AbortError` so generic abort checks recognise it. */
export class ExecutionAbort extends Error {
  override readonly name = 'AbortError';
  constructor(readonly abortCause: AbortCause) {
    super(abortCause === 'stop' ? 'The run was stopped' : 'The server is shutting down');
  }
}

/** Any abort that is not a shutdown counts as a stop (e.g. a parent's run timeout reaching its child). */
export function abortCauseOf(reason: unknown): AbortCause {
  return reason instanceof ExecutionAbort ? reason.abortCause : 'stop';
}

/** The in-process handle of a run executing on this instance. */
export class RunControl {
  readonly controller = new AbortController();
  private abortCause: AbortCause | null = null;

  constructor(readonly executionId: string) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The first abort wins; later ones are ignored. */
  get cause(): AbortCause | null {
    return this.abortCause;
  }

  abort(cause: AbortCause): void {
    if (this.abortCause !== null) return;
    this.abortCause = cause;
    this.controller.abort(new ExecutionAbort(cause));
  }
}

/** Runs (and `start` children) executing in this process, by execution id. */
@Injectable()
export class ActiveRuns {
  private readonly runs = new Map<string, RunControl>();
  private idleWaiters: Array<() => void> = [];

  register(executionId: string): RunControl {
    const control = new RunControl(executionId);
    this.runs.set(executionId, control);
    return control;
  }

  unregister(control: RunControl): void {
    if (this.runs.get(control.executionId) === control) this.runs.delete(control.executionId);
    if (this.runs.size === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  get(executionId: string): RunControl | undefined {
    return this.runs.get(executionId);
  }

  has(executionId: string): boolean {
    return this.runs.has(executionId);
  }

  get size(): number {
    return this.runs.size;
  }

  list(): RunControl[] {
    return [...this.runs.values()];
  }

  /** Resolves once no run is active. */
  whenIdle(): Promise<void> {
    if (this.runs.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
