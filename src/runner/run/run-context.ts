/**
 * The state of one run as the orchestrator sees it: the request, its masker and masked event
 * sink, the verdict so far, the signals (stop/timeout, browser crash, finalisation grace) and
 * the browser session once opened.
 */
import type { Page } from 'playwright';
import type { BrowserSession } from '../browser/browser-session.js';
import { createRunSignal, runDeadline, type RunSignal } from '../interpreter/run-signal.js';
import { SecretMasker } from '../redaction/secret-masker.js';
import type { RunErrorCode } from '../run-error.js';
import type { LogLevel, RunRequest } from '../runner.types.js';
import { LogCollector } from './log-collector.js';
import { failure, VerdictTracker, type Verdict } from './verdict.js';

/** RUNNER §8.3: finalisation after a stop or run timeout gets this long before force-close. */
export const FINALIZE_GRACE_MS = 15_000;

export class RunContext {
  readonly masker: SecretMasker;
  readonly events: LogCollector;
  readonly verdict = new VerdictTracker();
  /** Epoch ms when the run times out. */
  readonly deadline: number;
  /** Aborts on stop, run timeout or browser crash: everything the run does listens to it. */
  readonly signal: AbortSignal;
  /** Aborts FINALIZE_GRACE_MS after `signal` aborted: what finalisation still does then is cut. */
  readonly graceSignal: AbortSignal;
  /** The templated start URL (`""` when the task has none). */
  startUrl = '';
  private readonly runSignal: RunSignal;
  private readonly crashController = new AbortController();
  private readonly graceController = new AbortController();
  private graceTimer: NodeJS.Timeout | undefined;
  private sessionValue: BrowserSession | null = null;
  private crashReason: Error | null = null;

  constructor(
    readonly request: RunRequest,
    now: () => number,
  ) {
    this.masker = new SecretMasker(request.secrets);
    this.events = new LogCollector(request.events, this.masker);
    this.deadline = runDeadline(request);
    this.runSignal = createRunSignal(request.signal, this.deadline, now);
    this.signal = AbortSignal.any([this.runSignal.signal, this.crashController.signal]);
    this.graceSignal = this.graceController.signal;
    const startGrace = () => {
      this.graceTimer = setTimeout(() => this.graceController.abort(new Error('finalisation grace elapsed')), FINALIZE_GRACE_MS);
    };
    if (this.signal.aborted) startGrace();
    else this.signal.addEventListener('abort', startGrace, { once: true });
  }

  get task(): RunRequest['task'] {
    return this.request.task;
  }

  get session(): BrowserSession | null {
    return this.sessionValue;
  }

  /** The main page, or null before a session is open. */
  get page(): Page | null {
    return this.sessionValue?.page ?? null;
  }

  get stateless(): boolean {
    return this.request.task.statelessExecution === true;
  }

  /** From now on a crash of the session aborts `signal`. */
  attach(session: BrowserSession): void {
    this.sessionValue = session;
    void session.crashed.then((reason) => {
      this.crashReason = reason;
      this.crashController.abort(reason);
    });
  }

  isCrashed(): boolean {
    return this.crashReason !== null || (this.sessionValue?.isCrashed() ?? false);
  }

  log(level: LogLevel, message: string, actionId: string | null = null): void {
    this.events.emit({ event: 'log', level, actionId, message });
  }

  /** Offers a failure with its code to the verdict (precedence decides). */
  fail(code: RunErrorCode, message: string): Verdict {
    return this.verdict.offer(failure(code, message));
  }

  /**
   * Offers what aborted `signal` (crash, stop, run timeout) to the verdict; returns whether the
   * run has been aborted.
   */
  noteAbort(): boolean {
    if (this.isCrashed()) this.fail('BROWSER_CRASHED', `The browser crashed: ${this.crashReason?.message ?? 'the page or browser went away'}`);
    const kind = this.runSignal.kind();
    if (kind === 'stopped') this.fail('STOPPED', 'The run was stopped');
    else if (kind === 'timeout') this.fail('RUN_TIMEOUT', this.timeoutMessage());
    return this.signal.aborted || this.isCrashed();
  }

  /** ms until the run deadline (0 when passed). */
  remainingMs(now: number): number {
    return Math.max(0, this.deadline - now);
  }

  dispose(): void {
    this.runSignal.dispose();
    if (this.graceTimer) clearTimeout(this.graceTimer);
  }

  private timeoutMessage(): string {
    const own = this.request.startedAt + this.request.task.timeoutSeconds * 1000;
    if (this.deadline < own) return 'The run reached the time limit of its parent run';
    return `The run exceeded its time limit of ${this.request.task.timeoutSeconds} s`;
  }
}
