import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { DomainError } from '../../common/errors.js';
import { newId } from '../../common/ids.js';
import { APP_LOGGER, type AppLogger } from '../../logging/app-logger.js';
import { RunError } from '../../runner/run-error.js';
import { SubtaskLauncher, type ChildRunReport, type RunRequest } from '../../runner/runner.types.js';
import { createLookup } from '../../runner/templating/lookup.js';
import { renderText } from '../../runner/templating/render.js';
import { ExecutionRepository, TaskRepository, type ExecutionRecord } from '../../storage/ports/index.js';
import { getOwn, hasOwn, setOwn } from '../../tasks/model/coerce.js';
import type { NormalisedTask } from '../../tasks/model/task.types.js';
import { taskIdProblem } from '../../tasks/model/validate-task.js';
import { coerceVariableValue } from '../../tasks/model/validate-variables.js';
import { TaskInputValidator } from '../../tasks/task-input.validator.js';
import { TaskSecrets } from '../../tasks/task-secrets.js';
import { ExecutionEventBus } from '../events/execution-event-bus.js';
import { newRunRecord } from '../runs/run-record.js';
import { abortCauseOf, ActiveRuns } from './active-runs.js';
import { ExecutionEvents, refOf } from './execution-events.service.js';
import { RunExecutor } from './run-executor.service.js';
import { maskWith, RunSecrets, secretValues } from './run-secrets.service.js';
import { StopService } from './stop.service.js';

/**
 * Child runs of the `start` action (RUNNER §7.4): own execution record (`source: agent_block`),
 * run at once inside the parent's slot (no queue), inputs = the child's defaults overlaid with the
 * parent's user variables, deadline capped by the parent's, no webhook, and the parent's stop
 * (or shutdown) reaches the child.
 */
@Injectable()
export class ExecutionSubtaskLauncher extends SubtaskLauncher {
  constructor(
    private readonly tasks: TaskRepository,
    private readonly taskSecrets: TaskSecrets,
    private readonly validator: TaskInputValidator,
    private readonly executions: ExecutionRepository,
    private readonly secrets: RunSecrets,
    private readonly events: ExecutionEvents,
    private readonly bus: ExecutionEventBus,
    private readonly executor: RunExecutor,
    private readonly active: ActiveRuns,
    private readonly stops: StopService,
    private readonly clock: Clock,
    @Inject(APP_LOGGER) private readonly logger: AppLogger,
  ) {
    super();
  }

  async launch(parent: RunRequest, childTaskId: string, inputs: Record<string, unknown>, signal: AbortSignal, deadline: number): Promise<ChildRunReport> {
    if (signal.aborted) throw new RunError('STOPPED', 'The run was stopped before the sub-task started');
    const task = await this.loadTask(childTaskId);
    const childInputs = overlayInputs(task, inputs);
    const secretNames = Object.keys(task.variables).filter((n) => task.variables[n]?.secret === true);
    const secrets = [...new Set([...secretValues(childInputs, secretNames), ...parent.secrets])];
    const url = task.url === '' ? null : maskWith(secrets, renderText(task.url, createLookup({ vars: childInputs })));

    const record = newRunRecord({
      id: newId('exec'),
      runId: newId('run'),
      taskId: childTaskId,
      taskName: task.name,
      mode: task.mode === 'scrape' ? 'scrape' : 'agent',
      source: 'agent_block',
      method: 'POST',
      path: `/api/tasks/${childTaskId}/api`,
      status: null,
      timestamp: this.clock.now(),
      url: url === '' ? null : url,
      taskSnapshot: this.secrets.sealTask(task),
      variables: this.secrets.sealInputs(childInputs, secretNames),
      parentExecutionId: parent.executionId,
      idempotencyKey: null,
      idempotencyFingerprint: null,
      runSpec: { webhookUrl: null, statelessExecution: null, secretNames },
    });
    await this.executions.create(record);
    this.bus.publishCreated({ executionId: record.id, runId: record.runId });
    this.events.open(refOf(record));
    await this.events.emit(refOf(record), { event: 'phase', phase: 'queued', attempt: 1, message: `Queued as a sub-task of ${parent.executionId}` });

    const control = this.active.register(record.id);
    const onParentAbort = () => {
      if (abortCauseOf(signal.reason) === 'shutdown') return control.abort('shutdown');
      // Record the stop on the child first, so its stop_requested event precedes its finish.
      void (async () => {
        try {
          const current = await this.executions.get(record.id);
          if (current?.phase === 'running') await this.stops.markChildStopped(current);
        } catch (err) {
          this.logger.warn({ err, executionId: record.id }, 'recording the stop of a sub-task failed');
        } finally {
          control.abort('stop');
        }
      })();
    };
    signal.addEventListener('abort', onParentAbort, { once: true });
    try {
      if (signal.aborted) onParentAbort();
      const claimed = await this.executor.claim(record.id);
      if (!claimed) return await this.report(record.id);
      const parentDeadline = parent.deadline ?? Number.POSITIVE_INFINITY;
      const done = await this.executor.runClaimed(claimed, control, {
        depth: parent.depth + 1,
        chain: [...parent.chain, ...(parent.taskId ? [parent.taskId] : [])],
        deadline: Math.min(deadline, parentDeadline),
        inheritedSecrets: parent.secrets,
      });
      if (!done) return await this.report(record.id);
      return reportOf(done.record, done.full.data);
    } finally {
      signal.removeEventListener('abort', onParentAbort);
      this.active.unregister(control);
    }
  }

  /** The stored child task, decrypted and re-validated; failures fail the `start` action. */
  private async loadTask(id: string): Promise<NormalisedTask> {
    const stored = taskIdProblem(id) === null ? await this.tasks.get(id) : null;
    if (!stored) throw new RunError('SUBTASK_NOT_FOUND', `No task with id '${id}'`);
    let task: NormalisedTask;
    try {
      task = await this.validator.validate(this.taskSecrets.decryptTask(JSON.parse(JSON.stringify(stored)) as object));
    } catch (err) {
      const why = err instanceof DomainError ? err.message : 'its secret values cannot be decrypted';
      throw new RunError('SUBTASK_FAILED', `Task '${id}' cannot run: ${why}`);
    }
    if (task.mode === 'headful') throw new RunError('SUBTASK_FAILED', `Task '${id}' is a headful task and cannot run as a sub-task`);
    setOwn(task as unknown as Record<string, unknown>, 'createdAt', stored.createdAt);
    setOwn(task as unknown as Record<string, unknown>, 'updatedAt', stored.updatedAt);
    return task;
  }

  private async report(executionId: string): Promise<ChildRunReport> {
    const record = await this.executions.get(executionId);
    if (!record || record.phase !== 'finished' || record.outcome === null) {
      this.logger.warn({ executionId }, 'sub-task did not finish in this process');
      return { executionId, outcome: 'crashed', data: null, error: 'The sub-task did not finish', errorCode: 'WORKER_LOST' };
    }
    return reportOf(record, record.result?.data ?? null);
  }
}

/** The child's declared defaults, overlaid with the given values (coerced to declared types when possible). */
export function overlayInputs(task: NormalisedTask, given: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(task.variables)) setOwn(out, name, task.variables[name].value);
  for (const name of Object.keys(given)) {
    const value = getOwn(given, name);
    if (hasOwn(task.variables, name)) {
      const coerced = coerceVariableValue(task.variables[name].type, value);
      setOwn(out, name, 'value' in coerced ? coerced.value : value);
    } else setOwn(out, name, value);
  }
  return out;
}

function reportOf(record: ExecutionRecord, data: unknown): ChildRunReport {
  const report: ChildRunReport = { executionId: record.id, outcome: record.outcome ?? 'crashed', data: data ?? null };
  if (record.error !== undefined) report.error = record.error;
  if (record.errorCode !== undefined) report.errorCode = record.errorCode as ChildRunReport['errorCode'];
  return report;
}
