import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/config.service.js';
import type { QueueStats } from '../../health/readiness-sources.js';
import { APP_LOGGER, type AppLogger } from '../../logging/app-logger.js';
import { RunQueue, type QueueReservation, type RunWorker } from './run-queue.js';

/**
 * One FIFO per process. Capacity: running + waiting + reserved < maxConcurrent + maxQueued, so
 * with every slot busy exactly `maxQueued` runs can wait; a freed slot takes the next job
 * synchronously, so "waiting" never counts a job that could already run.
 */
@Injectable()
export class InProcessRunQueue extends RunQueue {
  /** Insertion-ordered: FIFO with O(1) removal. */
  private readonly waiting = new Map<string, true>();
  private running = 0;
  private reserved = 0;
  private paused = false;
  private worker: RunWorker | null = null;
  private readonly maxConcurrent: number;
  private readonly maxQueued: number;

  constructor(
    @Inject(APP_CONFIG) config: Pick<AppConfig, 'maxConcurrentExecutions' | 'maxQueuedExecutions'>,
    @Inject(APP_LOGGER) private readonly logger: Pick<AppLogger, 'error'>,
  ) {
    super();
    this.maxConcurrent = config.maxConcurrentExecutions;
    this.maxQueued = config.maxQueuedExecutions;
  }

  /** Reserved places that a free slot will take at once are reported as running, not queued. */
  queueStats(): QueueStats {
    const pending = this.waiting.size + this.reserved;
    const freeSlots = this.paused || !this.worker ? 0 : Math.max(0, this.maxConcurrent - this.running);
    const starting = Math.min(pending, freeSlots);
    return { running: this.running + starting, queued: pending - starting, maxConcurrent: this.maxConcurrent, maxQueued: this.maxQueued };
  }

  reserve(): QueueReservation | null {
    if (this.running + this.waiting.size + this.reserved >= this.maxConcurrent + this.maxQueued) return null;
    this.reserved++;
    let held = true;
    return {
      release: () => {
        if (!held) return;
        held = false;
        this.reserved--;
      },
    };
  }

  enqueue(executionId: string, reservation?: QueueReservation): void {
    reservation?.release();
    if (!this.waiting.has(executionId)) this.waiting.set(executionId, true);
    this.pump();
  }

  remove(executionId: string): boolean {
    return this.waiting.delete(executionId);
  }

  setWorker(worker: RunWorker): void {
    this.worker = worker;
    this.pump();
  }

  pause(): void {
    this.paused = true;
  }

  private pump(): void {
    while (!this.paused && this.worker && this.running < this.maxConcurrent && this.waiting.size > 0) {
      const executionId = this.waiting.keys().next().value as string;
      this.waiting.delete(executionId);
      this.running++;
      let job: Promise<void>;
      try {
        job = this.worker(executionId);
      } catch (err) {
        job = Promise.reject(err);
      }
      job
        .catch((err: unknown) => this.logger.error({ err, executionId }, 'run job failed'))
        .finally(() => {
          this.running--;
          this.pump();
        });
    }
  }
}
