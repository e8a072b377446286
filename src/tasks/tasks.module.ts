import { Module } from '@nestjs/common';
import { TaskInputValidator } from './task-input.validator.js';
import { TaskSecrets } from './task-secrets.js';
import { TaskStore } from './task-store.js';
import { TaskVersionsService } from './task-versions.service.js';
import { TasksController } from './tasks.controller.js';
import { TasksService } from './tasks.service.js';

/**
 * Saved tasks and their versions (API §3). Exports TasksService, TaskSecrets (`decryptTask` for
 * the run side) and TaskInputValidator (ad-hoc run bodies, run-time re-validation).
 */
@Module({
  controllers: [TasksController],
  providers: [TasksService, TaskVersionsService, TaskStore, TaskSecrets, TaskInputValidator],
  exports: [TasksService, TaskSecrets, TaskInputValidator],
})
export class TasksModule {}
