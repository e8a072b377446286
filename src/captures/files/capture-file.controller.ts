import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiHeader, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { NoStorage } from '../../storage/storage-available.guard.js';
import { invalidCaptureName } from '../capture-errors.js';
import { CapturesService } from '../captures.service.js';
import { sendCapture } from './send-capture.js';

/** API §6.2 `GET /captures/:name`: the file itself (API key required like every route). */
@ApiTags('captures')
@Controller('captures')
export class CaptureFileController {
  constructor(private readonly captures: CapturesService) {}

  @Get(':name')
  @NoStorage()
  @ApiOperation({ summary: 'Download a capture file; supports a single byte range' })
  @ApiHeader({ name: 'Range', required: false, description: 'bytes=a-b, bytes=a- or bytes=-n' })
  @ApiProduces('image/png', 'image/jpeg', 'video/webm', 'application/octet-stream')
  @ApiResponse({ status: 200, description: 'The whole file' })
  @ApiResponse({ status: 206, description: 'Partial content (Content-Range)' })
  @ApiResponse({ status: 416, description: 'RANGE_NOT_SATISFIABLE, details {size}' })
  async get(@Param('name') name: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const { parsed, file } = await this.captures.open(name);
    await sendCapture(req, res, parsed, file);
  }

  /** A name spanning several path segments cannot be a capture name. */
  @Get('*rest')
  @NoStorage()
  @ApiExcludeEndpoint()
  nested(): never {
    throw invalidCaptureName();
  }
}
