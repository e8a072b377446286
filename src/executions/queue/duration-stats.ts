import { Injectable } from '@nestjs/common';

const WINDOW = 20;
const UNKNOWN_SECONDS = 30;

/** Recent run durations, for the QUEUE_FULL `Retry-After` estimate (API §4.5). */
@Injectable()
export class DurationStats {
  private readonly samples: number[] = [];

  record(durationMs: number): void {
    if (!Number.isFinite(durationMs) || durationMs < 0) return;
    this.samples.push(durationMs);
    if (this.samples.length > WINDOW) this.samples.shift();
  }

  /** Average recent duration × queued ÷ concurrency, in whole seconds, clamped to 5–300; 30 when unknown. */
  retryAfterSeconds(queued: number, concurrency: number): number {
    if (this.samples.length === 0) return UNKNOWN_SECONDS;
    const averageMs = this.samples.reduce((a, b) => a + b, 0) / this.samples.length;
    const seconds = Math.ceil((averageMs * queued) / Math.max(1, concurrency) / 1000);
    return Math.min(300, Math.max(5, seconds));
  }
}
