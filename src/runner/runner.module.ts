import { Module } from '@nestjs/common';
import { CapturesModule } from '../captures/captures.module.js';
import { BrowserModule } from './browser/browser.module.js';
import { RunFinalizer } from './finalize/finalizer.service.js';
import { OutputModule } from './output/output.module.js';
import { TaskRunner } from './runner.types.js';
import { BrowserTaskRunner } from './task-runner.service.js';

/** The task runner (RUNNER.md). Browser pool and sessions come from BrowserModule (RUNNER §11). */
@Module({
  imports: [BrowserModule, CapturesModule, OutputModule],
  providers: [RunFinalizer, { provide: TaskRunner, useClass: BrowserTaskRunner }],
  exports: [BrowserModule, TaskRunner],
})
export class RunnerModule {}
