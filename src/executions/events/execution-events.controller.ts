import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ValidationFailedError } from '../../common/errors.js';
import { ExecutionEventsQuery, ExecutionStreamQuery } from './events.query.js';
import { ExecutionStreamService } from './execution-stream.service.js';

const SSE_DESCRIPTION =
  'text/event-stream: `retry: 3000`, then `event: ready`, then events `{id, event, data}` (API §5.3); `: keep-alive` every 15 s.';

function lastEventId(req: Request, query: ExecutionEventsQuery): string | undefined {
  const header = req.headers['last-event-id'];
  return typeof header === 'string' && header.trim() !== '' ? header : query.lastEventId;
}

/**
 * API §5.3 Server-Sent Events. Its module is imported before ExecutionsModule so that
 * `GET stream` is routed before `GET :id`.
 */
@ApiTags('executions')
@Controller('api/executions')
export class ExecutionEventsController {
  constructor(private readonly streams: ExecutionStreamService) {}

  @Get('stream')
  @ApiOperation({ summary: 'Live events of all executions, or of one (executionId= or runId=)' })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this seq (filtered streams only)' })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: SSE_DESCRIPTION })
  @ApiResponse({ status: 404, description: 'EXECUTION_NOT_FOUND (unknown executionId only)' })
  async stream(@Query() query: ExecutionStreamQuery, @Req() req: Request, @Res() res: Response): Promise<void> {
    if (query.executionId !== undefined && query.runId !== undefined) {
      throw new ValidationFailedError([{ field: 'query', message: 'give either executionId or runId, not both' }]);
    }
    if (query.executionId !== undefined) return this.streams.streamExecution(res, query.executionId, lastEventId(req, query));
    if (query.runId !== undefined) return this.streams.streamRunId(res, query.runId, lastEventId(req, query));
    this.streams.streamAll(res);
  }

  @Get(':id/events')
  @ApiOperation({ summary: 'Stored events after Last-Event-ID, then live events; ends after `finished`' })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this seq' })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: SSE_DESCRIPTION })
  @ApiResponse({ status: 404, description: 'EXECUTION_NOT_FOUND' })
  events(@Param('id') id: string, @Query() query: ExecutionEventsQuery, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.streams.streamExecution(res, id, lastEventId(req, query));
  }
}
