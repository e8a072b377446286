import { Module } from '@nestjs/common';
import { ExecutionsController } from './executions.controller.js';
import { ExecutionsReadService } from './executions-read.service.js';

/** Executions read side (API §5.1–5.2 without stop and SSE). Views: ./execution.view.ts. */
@Module({
  controllers: [ExecutionsController],
  providers: [ExecutionsReadService],
  exports: [ExecutionsReadService],
})
export class ExecutionsModule {}
