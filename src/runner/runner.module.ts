import { Module } from '@nestjs/common';
import { BrowserModule } from './browser/browser.module.js';

/** The task runner (RUNNER.md). Browser pool and sessions come from BrowserModule (RUNNER §11). */
@Module({
  imports: [BrowserModule],
  exports: [BrowserModule],
})
export class RunnerModule {}
