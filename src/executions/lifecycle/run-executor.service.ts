import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { APP_LOGGER, type AppLogger } from '../../logging/app-logger.js';
import { SecretMasker } from '../../runner/redaction/secret-masker.js';
import { TaskRunner, type RunEvent, type RunOutcome, type RunRequest } from '../../runner/runner.types.js';
import { ExecutionRepository, type ExecutionRecord } from '../../storage/ports/index.js';
import { RunQueue } from '../queue/run-queue.js';
import { DurationStats } from '../queue/duration-stats.js';
import { ActiveRuns, type RunControl } from './active-runs.js';
import { type EventInput, ExecutionEvents, refOf } from './execution-events.service.js';
import { ExecutionFinisher, type FinishedRun, syntheticOutcome } from './execution-finisher.service.js';
import { InstanceIdentity } from './instance-identity.js';
import { LogTail } from './log-tail.js';
import { LostWorkerHandler } from './lost-worker.service.js';
import { MAX_RESULT_LOG_LINES, type RunLogs } from './result-copies.js';
import { RunMetrics } from './run-metrics.js';
import { type OpenedRun, RunSecrets } from './run-secrets.service.js';

export const HEARTBEAT_MS = 10_000;

/** Where a run sits in a `start` chain (RUNNER §7.4). */
export interface RunPlacement {
  depth: number;
  chain: string[];
  deadline?: number;
  /** Secrets of the ancestors (their values may reach a child through its inputs). */
  inheritedSecrets?: string[];
}

/**
 * Runs executions (RUNNER §3.2–3.3): claim with a guarded `queued → running` update, heartbeat
 * every 10 s, call the TaskRunner with an abort signal and an event sink, then finish. Runs
 * aborted by a shutdown are handed to the lost-worker rule instead of being finished.
 */
@Injectable()
export class RunExecutor {
  constructor(
    private readonly executions: ExecutionRepository,
    private readonly queue: RunQueue,
    private readonly events: ExecutionEvents,
    private readonly finisher: ExecutionFinisher,
    private readonly lostWorker: LostWorkerHandler,
    private readonly secrets: RunSecrets,
    private readonly active: ActiveRuns,
    private readonly identity: InstanceIdentity,
    private readonly durations: DurationStats,
    private readonly metrics: RunMetrics,
    private readonly clock: Clock,
    private readonly runner: TaskRunner,
    @Inject(APP_LOGGER) private readonly logger: AppLogger,
  ) {}

  /** The queue worker: claims and runs one queued execution. */
  async runQueued(executionId: string): Promise<void> {
    const control = this.active.register(executionId);
    try {
      const claimed = await this.claim(executionId);
      this.metrics.queue(this.queue.queueStats());
      if (!claimed) return;
      this.metrics.claimed((claimed.startedAt ?? claimed.timestamp) - claimed.timestamp);
      const done = await this.runClaimed(claimed, control, { depth: 0, chain: [] });
      if (done?.record.durationMs != null) this.durations.record(done.record.durationMs);
    } finally {
      this.active.unregister(control);
      this.metrics.queue(this.queue.queueStats());
    }
  }

  /** Guarded `queued → running`; null when the execution was stopped or claimed meanwhile. */
  claim(executionId: string): Promise<ExecutionRecord | null> {
    const now = this.clock.now();
    return this.executions.update(executionId, { phase: 'running', startedAt: now, instanceId: this.identity.instanceId, heartbeatAt: now }, ['queued']);
  }

  /** Runs a claimed execution to its end. Null when it was not finished here (shutdown, lost). */
  async runClaimed(record: ExecutionRecord, control: RunControl, placement: RunPlacement): Promise<FinishedRun | null> {
    const ref = refOf(record);
    const startedAt = record.startedAt ?? this.clock.now();
    void this.events.emit(ref, { event: 'phase', phase: 'running', attempt: record.attempt, message: 'Running' });
    const heartbeat = setInterval(() => {
      this.executions.update(record.id, { heartbeatAt: this.clock.now() }, ['running']).catch((err: unknown) => this.logger.warn({ err, executionId: record.id }, 'heartbeat failed'));
    }, HEARTBEAT_MS);
    heartbeat.unref();

    const logs = new LogTail(MAX_RESULT_LOG_LINES);
    let open = true;
    const sink = {
      emit: (event: RunEvent) => {
        if (!open) return;
        if (event.event === 'log') logs.push(event.message);
        void this.events.emit(ref, event as unknown as EventInput);
      },
    };
    let outcome: RunOutcome = syntheticOutcome('crashed', 'ENGINE_ERROR', 'The run could not be started', record.url);
    let opened: OpenedRun | null = null;
    try {
      opened = this.secrets.open(record);
    } catch (err) {
      this.logger.error({ err, executionId: record.id }, 'cannot open the secrets of an execution');
      outcome = syntheticOutcome('crashed', 'ENGINE_ERROR', 'Secret values of this run cannot be decrypted (was SECRET_KEY changed?)', record.url);
    }
    if (opened) {
      const secrets = [...new Set([...opened.secrets, ...(placement.inheritedSecrets ?? [])])];
      const request: RunRequest = {
        executionId: record.id,
        runId: record.runId,
        taskId: record.taskId,
        task: opened.task,
        mode: record.mode,
        inputs: opened.inputs,
        secrets,
        signal: control.signal,
        events: sink,
        startedAt,
        depth: placement.depth,
        chain: placement.chain,
      };
      if (placement.deadline !== undefined) request.deadline = placement.deadline;
      try {
        outcome = await this.runner.run(request);
      } catch (err) {
        this.logger.error({ err, executionId: record.id }, 'task runner threw');
        const message = new SecretMasker(secrets).mask(err instanceof Error ? err.message : String(err));
        outcome = syntheticOutcome('crashed', 'ENGINE_ERROR', `Unexpected error in the runner: ${message}`, record.url);
      }
    }
    open = false;
    clearInterval(heartbeat);
    await this.events.drain(record.id);

    if (control.cause === 'shutdown') {
      await this.lostWorker.handle(record, 'server shutdown');
      return null;
    }
    const runLogs: RunLogs = logs.count > 0 ? logs.snapshot() : { lines: outcome.logs ?? [], total: (outcome.logs ?? []).length };
    return this.finisher.finish(record, outcome, runLogs, { expectPhase: ['running'], startedAt });
  }
}
