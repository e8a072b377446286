/** What /api/health/ready reports about parts that other modules own (runner pool, run queue). */
export type BrowserAvailability = 'ok' | 'unavailable' | 'unknown';

export interface QueueStats {
  running: number;
  queued: number;
  maxConcurrent: number;
  maxQueued: number;
}

export abstract class BrowserStatusSource {
  abstract browserStatus(): BrowserAvailability;
}

export abstract class QueueStatsSource {
  abstract queueStats(): QueueStats;
}
