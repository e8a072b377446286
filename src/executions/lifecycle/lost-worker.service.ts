import { Inject, Injectable } from '@nestjs/common';
import { ShutdownState } from '../../common/shutdown-state.js';
import { APP_LOGGER, type AppLogger } from '../../logging/app-logger.js';
import { ExecutionRepository, type ExecutionRecord } from '../../storage/ports/index.js';
import { RunQueue } from '../queue/run-queue.js';
import { ExecutionEvents, refOf } from './execution-events.service.js';
import { ExecutionFinisher, syntheticOutcome } from './execution-finisher.service.js';
import { MAX_RESULT_LOG_LINES, type RunLogs } from './result-copies.js';

/**
 * A `running` execution whose worker is gone (previous process, stale heartbeat, shutdown):
 * re-queued once when the task allows it, else finished `crashed` / `WORKER_LOST` with the logs
 * recorded so far (RUNNER §3.4). Every transition is a guarded update on phase `running`.
 */
@Injectable()
export class LostWorkerHandler {
  constructor(
    private readonly executions: ExecutionRepository,
    private readonly events: ExecutionEvents,
    private readonly finisher: ExecutionFinisher,
    private readonly queue: RunQueue,
    private readonly shutdown: ShutdownState,
    @Inject(APP_LOGGER) private readonly logger: AppLogger,
  ) {}

  static canRetry(record: ExecutionRecord): boolean {
    return record.source !== 'agent_block' && record.attempt === 1 && record.taskSnapshot?.retryOnCrash === true;
  }

  async handle(record: ExecutionRecord, why: string): Promise<void> {
    if (LostWorkerHandler.canRetry(record)) return this.requeue(record, why);
    const logs = await this.storedLogs(record.id);
    const outcome = syntheticOutcome('crashed', 'WORKER_LOST', `The server instance running this execution stopped (${why})`, record.url);
    const done = await this.finisher.finish(record, outcome, logs, { expectPhase: ['running'], startedAt: record.startedAt });
    if (done) this.logger.warn({ executionId: record.id, why }, 'execution lost its worker: finished as crashed');
  }

  private async requeue(record: ExecutionRecord, why: string): Promise<void> {
    const updated = await this.executions.update(record.id, { phase: 'queued', attempt: 2, startedAt: null, instanceId: null, heartbeatAt: null }, ['running']);
    if (!updated) return;
    this.logger.warn({ executionId: record.id, why }, 'execution lost its worker: re-queued for a second attempt (retryOnCrash)');
    const ref = refOf(updated);
    void this.events.emit(ref, { event: 'log', level: 'warn', actionId: null, message: `The worker running this execution was lost (${why}); retrying from scratch (attempt 2)` });
    await this.events.emit(ref, { event: 'phase', phase: 'queued', attempt: 2, message: 'Queued again after a crash (attempt 2)' });
    // During shutdown it stays queued and resumes at the next start.
    if (!this.shutdown.isShuttingDown) this.queue.enqueue(updated.id);
  }

  private async storedLogs(executionId: string): Promise<RunLogs> {
    try {
      const lines = (await this.executions.listEvents(executionId)).filter((e) => e.event === 'log').map((e) => e.message);
      return { lines: lines.slice(-MAX_RESULT_LOG_LINES), total: lines.length };
    } catch {
      return { lines: [], total: 0 };
    }
  }
}
