import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { DomainError, type FieldError, notFound, ValidationFailedError } from '../../common/errors.js';
import { newId } from '../../common/ids.js';
import { ShutdownState } from '../../common/shutdown-state.js';
import { UrlGuard } from '../../network/url-guard.service.js';
import { createLookup } from '../../runner/templating/lookup.js';
import { renderText } from '../../runner/templating/render.js';
import { ExecutionRepository, TaskRepository, UniqueConflictError, type ExecutionRecord, type ExecutionSource } from '../../storage/ports/index.js';
import { isPlainObject, setOwn } from '../../tasks/model/coerce.js';
import type { NormalisedTask } from '../../tasks/model/task.types.js';
import { taskIdProblem } from '../../tasks/model/validate-task.js';
import { TaskInputValidator } from '../../tasks/task-input.validator.js';
import { SecretDecryptionError, TaskSecrets } from '../../tasks/task-secrets.js';
import { ExecutionEventBus } from '../events/execution-event-bus.js';
import { ExecutionEvents, refOf } from '../lifecycle/execution-events.service.js';
import { RunMetrics } from '../lifecycle/run-metrics.js';
import { maskWith, RunSecrets, secretValues } from '../lifecycle/run-secrets.service.js';
import { shuttingDownError } from '../lifecycle/run-shutdown.service.js';
import { DurationStats } from '../queue/duration-stats.js';
import { RunQueue, type QueueReservation } from '../queue/run-queue.js';
import { HeadfulAvailability } from './headful-availability.js';
import { IDEMPOTENCY_WINDOW_MS, parseIdempotencyKey, requestFingerprint } from './idempotency.js';
import { adhocTaskDefinition, parseRunOptions, type RunOptions, type SuppliedVariables } from './run-body.js';
import { resolveInputs, type InputLayer } from './run-inputs.js';
import { newRunRecord } from './run-record.js';

export type RunTarget = { kind: 'saved'; taskId: string } | { kind: 'adhoc'; mode: 'agent' | 'scrape' };

export interface RunAdmissionRequest {
  target: RunTarget;
  body: unknown;
  method: string;
  /** Request path without the query (part of the idempotency fingerprint and the record). */
  path: string;
  idempotencyKey: string | string[] | undefined;
  async: boolean;
}

export interface Admitted {
  record: ExecutionRecord;
  /** An Idempotency-Key replay: no new run was created. */
  replayed: boolean;
}

interface PreparedRun {
  task: NormalisedTask;
  options: RunOptions;
  inputs: Record<string, unknown>;
  secretNames: string[];
}

/** How long a concurrent duplicate waits for the winner's record to become readable. */
const ATTACH_WAIT_MS = 5000;

/**
 * Admission of a run (API §4.2, in exactly this order): shutting down → task exists and valid →
 * Idempotency-Key → start URL and webhook URL → runId unique → queue capacity → create the
 * record (phase `queued`), emit `phase: queued` (seq 1), enqueue. Nothing is created when a
 * check fails.
 */
@Injectable()
export class RunAdmission {
  constructor(
    private readonly shutdown: ShutdownState,
    private readonly tasks: TaskRepository,
    private readonly taskSecrets: TaskSecrets,
    private readonly validator: TaskInputValidator,
    private readonly executions: ExecutionRepository,
    private readonly urlGuard: UrlGuard,
    private readonly queue: RunQueue,
    private readonly durations: DurationStats,
    private readonly secrets: RunSecrets,
    private readonly events: ExecutionEvents,
    private readonly bus: ExecutionEventBus,
    private readonly headful: HeadfulAvailability,
    private readonly metrics: RunMetrics,
    private readonly clock: Clock,
  ) {}

  async admit(req: RunAdmissionRequest): Promise<Admitted> {
    // 1. shutting down
    if (this.shutdown.isShuttingDown) throw shuttingDownError();
    // 2. task exists, stored task and body valid (headful tasks leave here)
    const run = req.target.kind === 'saved' ? await this.prepareSaved(req.target.taskId, req.body) : await this.prepareAdhoc(req.target.mode, req.body);
    // 3. Idempotency-Key
    const key = parseIdempotencyKey(req.idempotencyKey);
    const fingerprint = key === null ? null : requestFingerprint(req.path, req.body);
    if (key !== null && fingerprint !== null) {
      const replay = await this.findReplay(key, fingerprint);
      if (replay) return { record: replay, replayed: true };
    }
    // 4. start URL and webhook URL
    const secrets = secretValues(run.inputs, run.secretNames);
    const startUrl = await this.checkStartUrl(run.task, run.inputs);
    if (run.options.webhookUrl !== null) await this.urlGuard.checkWebhookUrl(run.options.webhookUrl);
    // 5. runId unique
    const runId = run.options.runId ?? newId('run');
    const holder = await this.executions.findByRunId(runId);
    if (holder) throw runIdConflict(runId, holder.id);
    // 6. queue capacity
    const reservation = this.queue.reserve();
    if (!reservation) throw this.queueFull();
    // 7. create, emit `phase: queued`, enqueue
    try {
      const record = newRunRecord({
        id: newId('exec'),
        runId,
        taskId: req.target.kind === 'saved' ? req.target.taskId : null,
        taskName: run.task.name,
        mode: run.task.mode === 'scrape' ? 'scrape' : 'agent',
        source: (req.target.kind === 'saved' ? 'api' : 'adhoc') satisfies ExecutionSource,
        method: req.method,
        path: req.path,
        status: req.async ? 202 : null,
        timestamp: this.clock.now(),
        url: startUrl === null ? null : maskWith(secrets, startUrl),
        taskSnapshot: this.secrets.sealTask(run.task),
        variables: this.secrets.sealInputs(run.inputs, run.secretNames),
        parentExecutionId: null,
        idempotencyKey: key,
        idempotencyFingerprint: fingerprint,
        runSpec: { webhookUrl: run.options.webhookUrl, statelessExecution: run.options.statelessExecution, secretNames: run.secretNames },
      });
      const created = await this.create(record, key, fingerprint, reservation);
      if (created.replayed) return created;
      this.bus.publishCreated({ executionId: record.id, runId: record.runId });
      this.events.open(refOf(record));
      await this.events.emit(refOf(record), { event: 'phase', phase: 'queued', attempt: 1, message: 'Queued' });
      this.queue.enqueue(record.id, reservation);
      this.metrics.queue(this.queue.queueStats());
      return created;
    } finally {
      reservation.release();
    }
  }

  private async prepareSaved(taskId: string, body: unknown): Promise<PreparedRun> {
    const stored = taskIdProblem(taskId) === null ? await this.tasks.get(taskId) : null;
    if (!stored) throw notFound('TASK_NOT_FOUND', 'task', taskId);
    const errors: FieldError[] = [];
    let task: NormalisedTask | null = null;
    try {
      // A JSON copy: the task model only accepts plain objects of this realm.
      task = await this.validator.validate(this.taskSecrets.decryptTask(JSON.parse(JSON.stringify(stored)) as object));
      setOwn(task as unknown as Record<string, unknown>, 'createdAt', stored.createdAt);
      setOwn(task as unknown as Record<string, unknown>, 'updatedAt', stored.updatedAt);
    } catch (err) {
      if (err instanceof ValidationFailedError) errors.push(...err.fieldErrors.map((e) => ({ ...e, field: `task.${e.field}` })));
      else if (err instanceof SecretDecryptionError) errors.push({ field: `task.variables.${err.variable}.value`, message: 'is a secret that cannot be decrypted (was SECRET_KEY changed?)' });
      else throw err;
    }
    const parsed = parseRunOptions(body, false);
    if ('errors' in parsed) errors.push(...parsed.errors);
    if (errors.length > 0 || !task || !('options' in parsed)) throw new ValidationFailedError(errors);
    if (task.mode === 'headful') this.headful.refuse();
    const layers: InputLayer[] = [
      { field: 'taskVariables', values: parsed.options.taskVariables },
      { field: 'variables', values: parsed.options.variables },
    ];
    return this.withInputs(task, parsed.options, layers);
  }

  private async prepareAdhoc(mode: 'agent' | 'scrape', body: unknown): Promise<PreparedRun> {
    if (!isPlainObject(body)) throw new ValidationFailedError([{ field: 'body', message: 'must be a JSON object' }]);
    const errors: FieldError[] = [];
    const parsed = parseRunOptions(body, true);
    if ('errors' in parsed) errors.push(...parsed.errors);
    let task: NormalisedTask | null = null;
    try {
      task = await this.validator.validate(adhocTaskDefinition(body), undefined, mode);
    } catch (err) {
      if (!(err instanceof ValidationFailedError)) throw err;
      errors.push(...err.fieldErrors);
    }
    if (errors.length > 0 || !task || !('options' in parsed)) throw new ValidationFailedError(errors);
    // `variables` is the declaration itself; `taskVariables` only adds what it does not declare.
    const extra: SuppliedVariables = {};
    for (const name of Object.keys(parsed.options.taskVariables)) {
      if (!Object.hasOwn(task.variables, name)) setOwn(extra, name, parsed.options.taskVariables[name]);
    }
    return this.withInputs(task, parsed.options, [{ field: 'taskVariables', values: extra }]);
  }

  private withInputs(task: NormalisedTask, options: RunOptions, layers: InputLayer[]): PreparedRun {
    const resolved = resolveInputs(task.variables, layers);
    if ('errors' in resolved) throw new ValidationFailedError(resolved.errors);
    return { task, options, inputs: resolved.inputs, secretNames: resolved.secretNames };
  }

  /** The execution a key already belongs to (same request), or null when the key is free. */
  private async findReplay(key: string, fingerprint: string): Promise<ExecutionRecord | null> {
    const existing = await this.executions.findByIdempotencyKey(key);
    if (!existing) return null;
    if (existing.timestamp < this.clock.now() - IDEMPOTENCY_WINDOW_MS) {
      // Expired: the key may be reserved again, so the old record gives it up.
      await this.executions.update(existing.id, { idempotencyKey: null });
      return null;
    }
    if (existing.idempotencyFingerprint !== fingerprint) throw idempotencyMismatch(existing.id);
    return existing;
  }

  /** Creates the record; a concurrent duplicate with the same key attaches to the winner. */
  private async create(record: ExecutionRecord, key: string | null, fingerprint: string | null, reservation: QueueReservation): Promise<Admitted> {
    try {
      await this.executions.create(record);
      return { record, replayed: false };
    } catch (err) {
      if (!(err instanceof UniqueConflictError)) throw err;
      if (err.field === 'runId') throw runIdConflict(record.runId, err.existingId);
      if (err.field === 'idempotencyKey' && key !== null && err.existingId !== null) {
        reservation.release();
        const winner = await this.waitForRecord(err.existingId);
        if (winner.idempotencyFingerprint !== fingerprint) throw idempotencyMismatch(winner.id);
        return { record: winner, replayed: true };
      }
      throw err;
    }
  }

  private async waitForRecord(id: string): Promise<ExecutionRecord> {
    const deadline = this.clock.now() + ATTACH_WAIT_MS;
    for (;;) {
      const record = await this.executions.get(id);
      if (record) return record;
      if (this.clock.now() > deadline) throw new DomainError('INTERNAL_ERROR', 'The concurrent duplicate request did not complete');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Renders the start URL with the inputs and applies the SSRF guard; null = about:blank. */
  private async checkStartUrl(task: NormalisedTask, inputs: Record<string, unknown>): Promise<string | null> {
    if (task.url === '') return null;
    const rendered = renderText(task.url, createLookup({ vars: inputs })).trim();
    if (rendered === '') {
      if (task.mode !== 'scrape') return null;
      throw new DomainError('INVALID_URL', 'The start URL is empty after templating', { url: '', reason: 'unparsable' });
    }
    await this.urlGuard.check(rendered);
    return rendered;
  }

  private queueFull(): DomainError {
    const stats = this.queue.queueStats();
    this.metrics.rejected();
    const retryAfter = this.durations.retryAfterSeconds(stats.queued, stats.maxConcurrent);
    return new DomainError('QUEUE_FULL', `The run queue is full (${stats.queued} queued, ${stats.running} running)`, stats, { 'Retry-After': String(retryAfter) });
  }
}

function runIdConflict(runId: string, executionId: string | null): DomainError {
  return new DomainError('RUN_ID_CONFLICT', `runId '${runId}' is already used by execution '${executionId}'`, { runId, executionId });
}

function idempotencyMismatch(executionId: string): DomainError {
  return new DomainError('IDEMPOTENCY_KEY_MISMATCH', 'This Idempotency-Key was used for a different request', { executionId });
}
