import { Global, Module } from '@nestjs/common';
import { ExecutionEventBus } from './execution-event-bus.js';
import { ExecutionEventsController } from './execution-events.controller.js';
import { ExecutionStreamService } from './execution-stream.service.js';
import { DEFAULT_SSE_OPTIONS, SSE_OPTIONS } from './sse-options.js';

/**
 * Live execution events: the in-process bus (global, one instance for the whole app: the run
 * lifecycle publishes on it) and the SSE routes of API §5.3.
 */
@Global()
@Module({
  controllers: [ExecutionEventsController],
  providers: [ExecutionEventBus, ExecutionStreamService, { provide: SSE_OPTIONS, useValue: { ...DEFAULT_SSE_OPTIONS } }],
  exports: [ExecutionEventBus, ExecutionStreamService],
})
export class ExecutionEventsModule {}
