import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { DomainError } from '../../common/errors.js';
import { APP_LOGGER, type AppLogger } from '../../logging/app-logger.js';
import { ExecutionRepository, type ExecutionRecord, type Phase } from '../../storage/ports/index.js';
import { RunQueue } from '../queue/run-queue.js';
import { ActiveRuns } from './active-runs.js';
import { ExecutionEvents, refOf } from './execution-events.service.js';
import { ExecutionFinisher, syntheticOutcome } from './execution-finisher.service.js';

export interface StopTarget {
  executionId?: string;
  runId?: string;
}

export interface StopResponse {
  success: true;
  executionId: string;
  runId: string;
  /** The phase before the stop took effect. */
  phase: Phase;
}

const STOP_REQUESTED = { event: 'stop_requested', message: 'Stop requested' } as const;

/**
 * `POST /api/executions/stop` (API §5.2, RUNNER §3.5). A queued run is finished `stopped` at once
 * (no browser); a running one gets `stopRequestedAt`, a `stop_requested` event and its signal
 * aborted (a `start` child follows its parent's signal).
 */
@Injectable()
export class StopService {
  constructor(
    private readonly executions: ExecutionRepository,
    private readonly queue: RunQueue,
    private readonly events: ExecutionEvents,
    private readonly finisher: ExecutionFinisher,
    private readonly active: ActiveRuns,
    private readonly clock: Clock,
    @Inject(APP_LOGGER) private readonly logger: AppLogger,
  ) {}

  async stop(target: StopTarget): Promise<StopResponse> {
    const record = target.executionId !== undefined ? await this.executions.get(target.executionId) : await this.executions.findByRunId(target.runId ?? '');
    if (!record) {
      const details = target.executionId !== undefined ? { id: target.executionId } : { runId: target.runId };
      const what = target.executionId !== undefined ? `id '${target.executionId}'` : `runId '${target.runId}'`;
      throw new DomainError('EXECUTION_NOT_FOUND', `No execution with ${what}`, details);
    }
    return this.stopRecord(record);
  }

  private async stopRecord(record: ExecutionRecord): Promise<StopResponse> {
    // A claim or a finish can race with the stop; each guarded update tells which state won.
    for (let i = 0; i < 5; i++) {
      if (record.phase === 'finished') {
        throw new DomainError('EXECUTION_ALREADY_FINISHED', `Execution '${record.id}' has already finished (${record.outcome})`, {
          executionId: record.id,
          outcome: record.outcome,
        });
      }
      const done = record.phase === 'queued' ? await this.stopQueued(record) : await this.stopRunning(record);
      if (done) return { success: true, executionId: record.id, runId: record.runId, phase: record.phase };
      const current = await this.executions.get(record.id);
      if (!current) throw new DomainError('EXECUTION_NOT_FOUND', `No execution with id '${record.id}'`, { id: record.id });
      record = current;
    }
    throw new DomainError('INTERNAL_ERROR', 'The execution changed state repeatedly while being stopped');
  }

  private async stopQueued(record: ExecutionRecord): Promise<boolean> {
    this.queue.remove(record.id);
    const now = this.clock.now();
    const outcome = syntheticOutcome('stopped', 'STOPPED', 'Stopped before it started', record.url);
    const done = await this.finisher.finish(record, outcome, { lines: [], total: 0 }, {
      expectPhase: ['queued'],
      startedAt: null,
      extra: { startedAt: null, stopRequestedAt: now },
      eventsBefore: [{ ...STOP_REQUESTED }],
    });
    return done !== null;
  }

  private async stopRunning(record: ExecutionRecord): Promise<boolean> {
    const updated = await this.executions.update(record.id, { stopRequestedAt: this.clock.now() }, ['running']);
    if (!updated) return false;
    await this.events.emit(refOf(updated), { ...STOP_REQUESTED });
    const control = this.active.get(record.id);
    if (control) control.abort('stop');
    else this.logger.warn({ executionId: record.id, instanceId: record.instanceId }, 'stop requested for a run this instance does not execute');
    return true;
  }

  /** A parent's stop reached a running child (RUNNER §3.5): record it on the child too. */
  async markChildStopped(record: ExecutionRecord): Promise<void> {
    const updated = await this.executions.update(record.id, { stopRequestedAt: this.clock.now() }, ['running']);
    if (updated) await this.events.emit(refOf(updated), { ...STOP_REQUESTED });
  }
}
