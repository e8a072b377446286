/**
 * Regular-expression matching that cannot stall the server (RUNNER.md §6.1 `matches`):
 * JavaScript RegExp runs in a worker thread that is terminated when a match takes longer
 * than the time limit. One warm worker serves matches one at a time; a killed worker is
 * replaced at once.
 */
import { Worker } from 'node:worker_threads';
import { RunError } from '../run-error.js';

export const MAX_PATTERN_LENGTH = 1000;
export const DEFAULT_MATCH_TIMEOUT_MS = 100;
const ALLOWED_FLAGS = /^[ims]*$/;

// Inline source (`eval: true`) so the worker needs no file path under ts-jest or from dist/.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (job) => {
  let reply;
  try {
    reply = { id: job.id, ok: true, matched: new RegExp(job.pattern, job.flags).test(job.subject) };
  } catch (error) {
    reply = { id: job.id, ok: false, error: String((error && error.message) || error) };
  }
  parentPort.postMessage(reply);
});
parentPort.postMessage({ ready: true });
`;

export interface RegexTester {
  /** Resolves with the match result; rejects with a RunError `CONDITION_FAILED`. */
  test(pattern: string, flags: string, subject: string): Promise<boolean>;
}

interface Job {
  id: number;
  pattern: string;
  flags: string;
  subject: string;
  resolve: (matched: boolean) => void;
  reject: (error: RunError) => void;
}

type WorkerReply = { ready: true } | { id: number; ok: true; matched: boolean } | { id: number; ok: false; error: string };

function conditionFailed(message: string): RunError {
  return new RunError('CONDITION_FAILED', message);
}

/** Checks pattern length, flags and syntax in the calling thread (compiling is cheap; matching is not). */
export function validatePattern(pattern: string, flags: string): void {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw conditionFailed(`Regular expression is longer than ${MAX_PATTERN_LENGTH} characters`);
  }
  if (!ALLOWED_FLAGS.test(flags)) throw conditionFailed(`Regular expression flags '${flags}' are not allowed (use i, m, s)`);
  try {
    new RegExp(pattern, flags);
  } catch (error) {
    throw conditionFailed(`Invalid regular expression: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export class SafeRegexMatcher implements RegexTester {
  private worker: Worker | undefined;
  private ready = false;
  private current: (Job & { timer: NodeJS.Timeout }) | undefined;
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly timeoutMs = DEFAULT_MATCH_TIMEOUT_MS) {}

  test(pattern: string, flags: string, subject: string): Promise<boolean> {
    if (this.closed) return Promise.reject(conditionFailed('Regular expression matcher is closed'));
    try {
      validatePattern(pattern, flags);
    } catch (error) {
      return Promise.reject(error as RunError);
    }
    return new Promise<boolean>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, pattern, flags, subject, resolve, reject });
      this.pump();
    });
  }

  /** Starts the worker ahead of the first match. */
  warmUp(): void {
    if (!this.closed && !this.worker) this.spawn();
  }

  async close(): Promise<void> {
    this.closed = true;
    const pending = [...this.queue.splice(0), ...(this.current ? [this.current] : [])];
    if (this.current) clearTimeout(this.current.timer);
    this.current = undefined;
    for (const job of pending) job.reject(conditionFailed('Regular expression matcher is closed'));
    const worker = this.discardWorker();
    if (worker) await worker.terminate();
  }

  private spawn(): void {
    const worker = new Worker(WORKER_SOURCE, { eval: true, resourceLimits: { maxOldGenerationSizeMb: 128 } });
    this.worker = worker;
    this.ready = false;
    worker.unref();
    worker.on('message', (reply: WorkerReply) => {
      if (worker === this.worker) this.onReply(reply);
    });
    worker.on('error', (error) => {
      if (worker === this.worker) this.onWorkerFailure(`Regular expression worker failed: ${error.message}`);
    });
    worker.on('exit', (code) => {
      if (worker === this.worker) this.onWorkerFailure(`Regular expression worker exited (code ${code})`);
    });
  }

  private discardWorker(): Worker | undefined {
    const worker = this.worker;
    this.worker = undefined;
    this.ready = false;
    return worker;
  }

  private pump(): void {
    if (this.closed || this.current || this.queue.length === 0) {
      if (!this.current && this.queue.length === 0) this.worker?.unref();
      return;
    }
    if (!this.worker) this.spawn();
    const worker = this.worker as Worker;
    worker.ref(); // keep the process alive while a match is pending
    if (!this.ready) return;
    const job = this.queue.shift() as Job;
    const timer = setTimeout(() => this.onTimeout(), this.timeoutMs);
    this.current = { ...job, timer };
    worker.postMessage({ id: job.id, pattern: job.pattern, flags: job.flags, subject: job.subject });
  }

  private onReply(reply: WorkerReply): void {
    if ('ready' in reply) {
      this.ready = true;
      this.pump();
      return;
    }
    const job = this.current;
    if (!job || job.id !== reply.id) return;
    clearTimeout(job.timer);
    this.current = undefined;
    if (reply.ok) job.resolve(reply.matched);
    else job.reject(conditionFailed(`Invalid regular expression: ${reply.error}`));
    this.pump();
  }

  private onTimeout(): void {
    const job = this.current;
    this.current = undefined;
    void this.discardWorker()?.terminate();
    job?.reject(conditionFailed(`Regular expression took longer than ${this.timeoutMs} ms`));
    if (this.closed) return;
    this.spawn(); // replace the killed worker right away
    this.pump();
  }

  private onWorkerFailure(message: string): void {
    const wasReady = this.ready;
    this.discardWorker();
    const failed: Job[] = this.current ? [this.current] : [];
    if (this.current) clearTimeout(this.current.timer);
    this.current = undefined;
    // A worker that never came up fails every waiting job instead of being respawned in a loop.
    if (!wasReady) failed.push(...this.queue.splice(0));
    for (const job of failed) job.reject(conditionFailed(message));
    this.pump();
  }
}

let shared: SafeRegexMatcher | undefined;

/** The process-wide matcher. */
export function sharedRegexMatcher(): SafeRegexMatcher {
  shared ??= new SafeRegexMatcher();
  return shared;
}
