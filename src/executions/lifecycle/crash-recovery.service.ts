import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.service.js';
import { APP_LOGGER, type AppLogger } from '../../logging/app-logger.js';
import { ExecutionRepository, StorageStatus, type ExecutionRecord } from '../../storage/ports/index.js';
import { RunQueue } from '../queue/run-queue.js';
import { ActiveRuns } from './active-runs.js';
import { InstanceIdentity } from './instance-identity.js';
import { LostWorkerHandler } from './lost-worker.service.js';
import { RunExecutor } from './run-executor.service.js';

export const SWEEP_INTERVAL_MS = 30_000;
export const HEARTBEAT_STALE_MS = 60_000;

/**
 * Crash detection (RUNNER §3.4): at startup, `running` records left by a previous process are
 * lost workers and `queued` ones are re-enqueued in `timestamp` order; then the queue starts, and
 * a sweeper checks every 30 s for `running` records whose heartbeat is older than 60 s.
 */
@Injectable()
export class CrashRecovery implements OnApplicationBootstrap {
  private sweeper: NodeJS.Timeout | null = null;
  private sweeping = false;
  private stopped = false;

  constructor(
    private readonly executions: ExecutionRepository,
    private readonly storage: StorageStatus,
    private readonly queue: RunQueue,
    private readonly executor: RunExecutor,
    private readonly lostWorker: LostWorkerHandler,
    private readonly active: ActiveRuns,
    private readonly identity: InstanceIdentity,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: AppLogger,
  ) {}

  /** Settles once startup recovery is done and the queue runs (tests and diagnostics). */
  ready: Promise<void> = Promise.resolve();

  onApplicationBootstrap(): void {
    // PostgreSQL may connect after the app has booted: recovery waits for it without blocking the boot.
    this.ready = this.start();
  }

  private async start(): Promise<void> {
    await this.storage.whenReady();
    if (this.stopped) return;
    try {
      await this.recoverAtStartup();
    } catch (err) {
      this.logger.error({ err }, 'startup recovery of executions failed');
    }
    if (this.stopped) return;
    this.queue.setWorker((id) => this.executor.runQueued(id));
    this.sweeper = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  stopSweeper(): void {
    this.stopped = true;
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
  }

  async recoverAtStartup(): Promise<void> {
    const records = await this.executions.listActive();
    let lost = 0;
    let queued = 0;
    for (const record of records) {
      if (record.phase === 'running') {
        // One process owns a JSON data directory: whatever is running there is from the last one.
        if (this.config.storage === 'json' || this.isLost(record)) {
          lost++;
          await this.lostWorker.handle(record, 'the previous server process ended');
        }
      } else {
        queued++;
        this.queue.enqueue(record.id);
      }
    }
    if (lost + queued > 0) this.logger.info({ lost, queued }, 'recovered executions at startup');
  }

  /** One sweep over `running` records (RUNNER §3.4); skipped while the previous one still runs. */
  async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      for (const record of await this.executions.listActive()) {
        if (record.phase === 'running' && this.isLost(record)) await this.lostWorker.handle(record, 'heartbeat lost');
      }
    } catch (err) {
      this.logger.error({ err }, 'execution sweep failed');
    } finally {
      this.sweeping = false;
    }
  }

  private isLost(record: ExecutionRecord): boolean {
    if (this.active.has(record.id)) return false;
    if (this.identity.isPreviousBoot(record.instanceId)) return true;
    const lastSign = record.heartbeatAt ?? record.startedAt ?? record.timestamp;
    return lastSign < this.clock.now() - HEARTBEAT_STALE_MS;
  }
}
