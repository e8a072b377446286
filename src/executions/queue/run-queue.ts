import { QueueStatsSource } from '../../health/readiness-sources.js';

/** Runs one claimed job; the queue counts it as running until the promise settles. */
export type RunWorker = (executionId: string) => Promise<void>;

/** A place held in the queue between the capacity check and the enqueue (API §4.2 steps 6–7). */
export interface QueueReservation {
  /** Gives the place back (the admission failed). Idempotent. */
  release(): void;
}

/**
 * The run queue port (API §4.5, RUNNER §3.2): FIFO by admission, at most `maxConcurrent` jobs
 * handed to the worker at once, `maxQueued` waiting. The in-process implementation serves JSON
 * storage and single-instance PostgreSQL; a shared (pg-boss) queue can replace it.
 */
export abstract class RunQueue extends QueueStatsSource {
  /** Capacity check: holds a place, or null when the queue is full. */
  abstract reserve(): QueueReservation | null;
  /** Adds a job (consuming the reservation when given; recovery re-enqueues without one). */
  abstract enqueue(executionId: string, reservation?: QueueReservation): void;
  /** Removes a waiting job; false when it was not waiting. */
  abstract remove(executionId: string): boolean;
  /** Where jobs go; claiming starts once a worker is set and the queue is not paused. */
  abstract setWorker(worker: RunWorker): void;
  /** Stops handing out jobs (graceful shutdown: no new claims). Waiting jobs stay. */
  abstract pause(): void;
}
