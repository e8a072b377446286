import { Injectable, Optional } from '@nestjs/common';
import type { QueueStats } from '../../health/readiness-sources.js';
import { MetricsService } from '../../metrics/metrics.service.js';
import type { ExecutionRecord } from '../../storage/ports/index.js';

/** The run side's Prometheus metrics (API §10); a no-op when metrics are not installed. */
@Injectable()
export class RunMetrics {
  constructor(@Optional() private readonly metrics?: MetricsService) {}

  finished(record: ExecutionRecord): void {
    if (!this.metrics || record.outcome === null) return;
    this.metrics.executionsTotal.inc({ outcome: record.outcome, mode: record.mode, source: record.source });
    if (record.durationMs !== null) this.metrics.executionDuration.observe({ outcome: record.outcome, mode: record.mode }, record.durationMs / 1000);
  }

  claimed(queueWaitMs: number): void {
    this.metrics?.queueWait.observe(Math.max(0, queueWaitMs) / 1000);
  }

  rejected(): void {
    this.metrics?.queueRejections.inc();
  }

  queue(stats: QueueStats): void {
    this.metrics?.executionsRunning.set(stats.running);
    this.metrics?.executionsQueued.set(stats.queued);
  }
}
