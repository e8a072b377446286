import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { DomainError } from '../../common/errors.js';
import { ShutdownState } from '../../common/shutdown-state.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.service.js';
import { APP_LOGGER, type AppLogger } from '../../logging/app-logger.js';
import { ExecutionRepository } from '../../storage/ports/index.js';
import { RunQueue } from '../queue/run-queue.js';
import { ActiveRuns } from './active-runs.js';
import { CrashRecovery } from './crash-recovery.service.js';
import { ExecutionEvents } from './execution-events.service.js';
import { LostWorkerHandler } from './lost-worker.service.js';
import { RunCompletion } from './run-completion.service.js';

/** After aborting, how long runners get to return before their runs are taken over as lost. */
export const ABORT_SETTLE_MS = 5000;

export function shuttingDownError(executionId?: string): DomainError {
  const headers: Record<string, string> = { 'Retry-After': '10' };
  if (executionId) headers['X-Execution-Id'] = executionId;
  return new DomainError('SHUTTING_DOWN', 'The server is shutting down; retry shortly', undefined, headers);
}

const delay = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref();
  });

/**
 * Graceful shutdown of the run side (RUNNER §3.6, DECISIONS #13). Runs in onModuleDestroy, while
 * storage (a global module, destroyed last) and the HTTP server are still up: readiness turns 503,
 * run routes answer 503 SHUTTING_DOWN, no new claims; running runs get SHUTDOWN_GRACE_SECONDS,
 * then are aborted and handled as lost workers. Queued runs stay queued.
 */
@Injectable()
export class RunShutdown implements OnModuleDestroy {
  constructor(
    private readonly state: ShutdownState,
    private readonly queue: RunQueue,
    private readonly active: ActiveRuns,
    private readonly recovery: CrashRecovery,
    private readonly lostWorker: LostWorkerHandler,
    private readonly completion: RunCompletion,
    private readonly events: ExecutionEvents,
    private readonly executions: ExecutionRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: AppLogger,
  ) {}

  async onModuleDestroy(): Promise<void> {
    this.state.begin();
    this.queue.pause();
    this.recovery.stopSweeper();
    if (this.active.size > 0) {
      this.logger.info({ running: this.active.size, graceSeconds: this.config.shutdownGraceSeconds }, 'waiting for running executions before shutdown');
      await Promise.race([this.active.whenIdle(), delay(this.config.shutdownGraceSeconds * 1000)]);
    }
    if (this.active.size > 0) {
      this.logger.warn({ running: this.active.size }, 'shutdown grace elapsed: aborting running executions');
      for (const control of this.active.list()) control.abort('shutdown');
      await Promise.race([this.active.whenIdle(), delay(ABORT_SETTLE_MS)]);
      for (const control of this.active.list()) {
        const record = await this.executions.get(control.executionId).catch(() => null);
        if (record?.phase === 'running') await this.lostWorker.handle(record, 'server shutdown').catch((err: unknown) => this.logger.error({ err }, 'lost-worker handling failed'));
      }
    }
    this.completion.rejectAll((executionId) => shuttingDownError(executionId));
    await this.events.drainAll();
  }
}
