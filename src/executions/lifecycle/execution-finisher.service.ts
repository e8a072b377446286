import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { newId } from '../../common/ids.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.service.js';
import { APP_LOGGER, type AppLogger } from '../../logging/app-logger.js';
import type { RunOutcome } from '../../runner/runner.types.js';
import { ExecutionRepository, type ExecutionPatch, type ExecutionRecord, type JsonObject, type Phase } from '../../storage/ports/index.js';
import { buildWebhookBody } from '../webhooks/webhook-body.js';
import { WebhookDispatcher } from '../webhooks/webhook-dispatcher.js';
import { runSpecOf } from '../runs/run-record.js';
import { type EventInput, ExecutionEvents, refOf } from './execution-events.service.js';
import { baseResult, buildResultCopies, type RunLogs } from './result-copies.js';
import { RunCompletion } from './run-completion.service.js';
import { RunMetrics } from './run-metrics.js';

export interface FinishOptions {
  /** Guard of the final update (RUNNER §3.4: a finished record is never overwritten). */
  expectPhase: Phase[];
  /** When the run entered `running`; null = never ran (durationMs 0). */
  startedAt: number | null;
  /** Extra fields for the same update (e.g. `stopRequestedAt`). */
  extra?: ExecutionPatch;
  /** Events emitted after the update and before `phase: finished` (e.g. `stop_requested`). */
  eventsBefore?: EventInput[];
}

export interface FinishedRun {
  record: ExecutionRecord;
  /** The full result copy (API §4.7). */
  full: JsonObject;
}

/**
 * Persists the end of a run (RUNNER §3.3 step 6–7): the full copy (when it differs from the
 * compact one), then one guarded update with the compact result, outcome, timing, status and the
 * webhook outbox entry; then `phase: finished` and `finished`, sync waiters, the webhook.
 */
@Injectable()
export class ExecutionFinisher {
  constructor(
    private readonly executions: ExecutionRepository,
    private readonly events: ExecutionEvents,
    private readonly completion: RunCompletion,
    private readonly webhooks: WebhookDispatcher,
    private readonly metrics: RunMetrics,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: AppLogger,
  ) {}

  async finish(record: ExecutionRecord, outcome: RunOutcome, logs: RunLogs, options: FinishOptions): Promise<FinishedRun | null> {
    const now = this.clock.now();
    const durationMs = options.startedAt === null ? 0 : Math.max(0, now - options.startedAt);
    const copies = buildResultCopies(baseResult(record.id, record.runId, outcome, logs), logs, this.config.maxResultBytes);
    if (copies.separateFull) {
      const current = await this.executions.get(record.id);
      if (!current || !options.expectPhase.includes(current.phase)) return null;
      await this.executions.saveFullResult(record.id, copies.full);
    }
    const success = outcome.outcome === 'success';
    const patch: ExecutionPatch = {
      ...options.extra,
      phase: 'finished',
      outcome: outcome.outcome,
      finishedAt: now,
      durationMs,
      status: record.status === 202 ? 202 : 200,
      result: copies.compact,
      heartbeatAt: null,
    };
    if (!success) {
      patch.error = outcome.error ?? `The run ended with outcome ${outcome.outcome}`;
      patch.errorCode = outcome.errorCode ?? defaultErrorCode(outcome.outcome);
    }
    const spec = runSpecOf(record);
    if (spec.webhookUrl !== null && record.source !== 'agent_block') {
      const deliveryId = newId('dlv');
      const body = buildWebhookBody({ ...record, ...patch } as ExecutionRecord, deliveryId);
      patch.webhook = { url: spec.webhookUrl, deliveryId, state: 'pending', attempts: [], body, nextAttemptAt: now };
    }
    const updated = await this.executions.update(record.id, patch, options.expectPhase);
    if (!updated) return null;

    const ref = refOf(updated);
    for (const event of options.eventsBefore ?? []) void this.events.emit(ref, event);
    void this.events.emit(ref, { event: 'phase', phase: 'finished', attempt: updated.attempt, message: `Finished: ${outcome.outcome}` });
    const finished: EventInput = { event: 'finished', outcome: outcome.outcome, success, durationMs, hasFullResult: copies.full.hasFullResult === true, message: `Run finished: ${outcome.outcome}` };
    if (!success) {
      finished.error = patch.error ?? null;
      finished.errorCode = patch.errorCode ?? null;
    }
    await this.events.emit(ref, finished);
    this.events.forget(updated.id);
    this.metrics.finished(updated);
    this.completion.notify(updated, copies.full);
    if (patch.webhook) {
      try {
        this.webhooks.dispatch(updated.id);
      } catch (err) {
        this.logger.error({ err, executionId: updated.id }, 'webhook dispatch failed');
      }
    }
    return { record: updated, full: copies.full };
  }
}

function defaultErrorCode(outcome: RunOutcome['outcome']): string {
  switch (outcome) {
    case 'stopped':
      return 'STOPPED';
    case 'anti_bot':
      return 'ANTI_BOT_DETECTED';
    case 'crashed':
      return 'ENGINE_ERROR';
    default:
      return 'ACTION_FAILED';
  }
}

/** A result for a run that produced none of its own (stopped while queued, lost worker, engine failure). */
export function syntheticOutcome(outcome: RunOutcome['outcome'], errorCode: NonNullable<RunOutcome['errorCode']>, error: string, finalUrl: string | null): RunOutcome {
  return {
    outcome,
    success: false,
    error,
    errorCode,
    final_url: finalUrl ?? '',
    data: null,
    logs: [],
    screenshot_url: null,
    recording_url: null,
    downloads: [],
  };
}
