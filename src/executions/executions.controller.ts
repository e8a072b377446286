import { Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { JsonValue } from '../storage/ports/index.js';
import {
  ClearExecutionsResponse,
  ExecutionEnvelopeResponse,
  ExecutionListResponse,
  ExecutionResultEnvelopeResponse,
  SuccessResponse,
} from './execution.responses.js';
import type { ExecutionFull } from './execution.view.js';
import { type ExecutionPage, ExecutionsReadService } from './executions-read.service.js';
import { ListExecutionsQuery } from './list-executions.query.js';

/**
 * API §5.2 read side. Static paths (`list`, `clear`) are declared before `:id`; a sibling
 * controller adding `GET stream` must be registered before this one.
 */
@ApiTags('executions')
@Controller('api/executions')
export class ExecutionsController {
  constructor(private readonly executions: ExecutionsReadService) {}

  @Get()
  @ApiOperation({ summary: 'List executions, newest first (keyset paging through nextCursor)' })
  @ApiOkResponse({ type: ExecutionListResponse })
  list(@Query() query: ListExecutionsQuery): Promise<ExecutionPage> {
    return this.executions.list(query);
  }

  @Get('list')
  @ApiOperation({ summary: 'Alias of GET /api/executions (kept for SDKs)' })
  @ApiOkResponse({ type: ExecutionListResponse })
  listAlias(@Query() query: ListExecutionsQuery): Promise<ExecutionPage> {
    return this.executions.list(query);
  }

  @Post('clear')
  @HttpCode(200)
  @ApiOperation({ summary: 'Delete every finished execution' })
  @ApiOkResponse({ type: ClearExecutionsResponse })
  async clear(): Promise<{ success: true; deleted: number }> {
    return { success: true, deleted: await this.executions.clearFinished() };
  }

  @Get(':id')
  @ApiOkResponse({ type: ExecutionEnvelopeResponse })
  async get(@Param('id') id: string): Promise<{ execution: ExecutionFull }> {
    return { execution: await this.executions.get(id) };
  }

  @Get(':id/result')
  @ApiOperation({ summary: 'The full result copy, or the compact one when no separate full copy exists' })
  @ApiOkResponse({ type: ExecutionResultEnvelopeResponse })
  async result(@Param('id') id: string): Promise<{ result: JsonValue }> {
    return { result: await this.executions.result(id) };
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete a finished execution (record, result, events; captures are kept)' })
  @ApiOkResponse({ type: SuccessResponse })
  async remove(@Param('id') id: string): Promise<{ success: true }> {
    await this.executions.delete(id);
    return { success: true };
  }
}
