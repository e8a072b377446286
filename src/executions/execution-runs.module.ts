import { Global, Module } from '@nestjs/common';
import { QueueStatsSource } from '../health/readiness-sources.js';
import { RunnerModule } from '../runner/runner.module.js';
import { SubtaskLauncher } from '../runner/runner.types.js';
import { TasksModule } from '../tasks/tasks.module.js';
import { ActiveRuns } from './lifecycle/active-runs.js';
import { CrashRecovery } from './lifecycle/crash-recovery.service.js';
import { ExecutionEvents } from './lifecycle/execution-events.service.js';
import { ExecutionFinisher } from './lifecycle/execution-finisher.service.js';
import { InstanceIdentity } from './lifecycle/instance-identity.js';
import { LostWorkerHandler } from './lifecycle/lost-worker.service.js';
import { RunCompletion } from './lifecycle/run-completion.service.js';
import { RunExecutor } from './lifecycle/run-executor.service.js';
import { RunMetrics } from './lifecycle/run-metrics.js';
import { RunSecrets } from './lifecycle/run-secrets.service.js';
import { RunShutdown } from './lifecycle/run-shutdown.service.js';
import { StopController } from './lifecycle/stop.controller.js';
import { StopService } from './lifecycle/stop.service.js';
import { ExecutionSubtaskLauncher } from './lifecycle/subtask-launcher.service.js';
import { DurationStats } from './queue/duration-stats.js';
import { InProcessRunQueue } from './queue/in-process-run-queue.js';
import { RunQueue } from './queue/run-queue.js';
import { HeadfulAvailability } from './runs/headful-availability.js';
import { RunAdmission } from './runs/run-admission.service.js';
import { RunsController } from './runs/runs.controller.js';

/**
 * Running tasks over the API (API §4, §5.2 stop; RUNNER §3): admission, the run queue, the run
 * lifecycle, crash recovery, graceful shutdown and `start` children. Global so readiness sees the
 * queue (QueueStatsSource) and the runner sees SubtaskLauncher (the runner looks it up when a
 * `start` runs, so the two modules do not import each other).
 */
@Global()
@Module({
  imports: [TasksModule, RunnerModule],
  controllers: [RunsController, StopController],
  providers: [
    { provide: RunQueue, useClass: InProcessRunQueue },
    { provide: QueueStatsSource, useExisting: RunQueue },
    { provide: SubtaskLauncher, useExisting: ExecutionSubtaskLauncher },
    ExecutionSubtaskLauncher,
    DurationStats,
    ActiveRuns,
    InstanceIdentity,
    ExecutionEvents,
    RunCompletion,
    RunSecrets,
    RunMetrics,
    ExecutionFinisher,
    LostWorkerHandler,
    RunExecutor,
    StopService,
    CrashRecovery,
    RunShutdown,
    HeadfulAvailability,
    RunAdmission,
  ],
  exports: [RunQueue, QueueStatsSource, SubtaskLauncher, ExecutionEvents, RunCompletion, ActiveRuns],
})
export class ExecutionRunsModule {}
