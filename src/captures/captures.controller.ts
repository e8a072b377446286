import { Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { NoStorage } from '../storage/storage-available.guard.js';
import { invalidCaptureName } from './capture-errors.js';
import type { Capture } from './capture.view.js';
import { CaptureListQueryDto, CaptureListResponse, DeletedCountResponse, ScreenshotListResponse, SuccessResponse } from './captures.dto.js';
import { CapturesService } from './captures.service.js';

/** API §6.2 capture listing and deletion. Capture files live outside storage: no 503 here. */
@ApiTags('captures')
@Controller()
export class CapturesController {
  constructor(private readonly captures: CapturesService) {}

  @Get(['api/data/captures', 'api/captures'])
  @NoStorage()
  @ApiOperation({ summary: 'List captures (screenshots, recordings, downloads), newest first' })
  @ApiOkResponse({ type: CaptureListResponse })
  async list(@Query() query: CaptureListQueryDto): Promise<{ captures: Capture[] }> {
    return { captures: await this.captures.list(query.runId) };
  }

  @Get(['api/data/screenshots', 'api/screenshots'])
  @NoStorage()
  @ApiOperation({ summary: 'List screenshots, newest first' })
  @ApiOkResponse({ type: ScreenshotListResponse })
  async screenshots(): Promise<{ screenshots: Capture[] }> {
    return { screenshots: await this.captures.screenshots() };
  }

  @Delete('api/data/captures/:name')
  @NoStorage()
  @ApiOperation({ summary: 'Delete one capture (400 INVALID_NAME, 404 CAPTURE_NOT_FOUND)' })
  @ApiOkResponse({ type: SuccessResponse })
  async remove(@Param('name') name: string): Promise<{ success: true }> {
    await this.captures.delete(name);
    return { success: true };
  }

  /** A name spanning several path segments cannot be a capture name. */
  @Delete('api/data/captures/*rest')
  @NoStorage()
  @ApiExcludeEndpoint()
  removeNested(): never {
    throw invalidCaptureName();
  }

  @Post(['api/data/clear-screenshots', 'api/clear-screenshots'])
  @HttpCode(200)
  @ApiOperation({ summary: 'Delete every capture except those of queued or running executions' })
  @ApiOkResponse({ type: DeletedCountResponse })
  async clear(): Promise<{ success: true; deleted: number }> {
    return { success: true, deleted: await this.captures.clear() };
  }
}
