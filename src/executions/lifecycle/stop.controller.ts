import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type FieldError, ValidationFailedError } from '../../common/errors.js';
import { getOwn, isPlainObject } from '../../tasks/model/coerce.js';
import { StopRequestBody, StopResponseBody } from '../runs/runs.dto.js';
import { type StopResponse, StopService, type StopTarget } from './stop.service.js';

/** `POST /api/executions/stop` (API §5.2). */
@ApiTags('executions')
@Controller('api/executions')
export class StopController {
  constructor(private readonly stops: StopService) {}

  @Post('stop')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop a queued or running execution, by executionId or runId' })
  @ApiBody({ type: StopRequestBody })
  @ApiOkResponse({ type: StopResponseBody })
  stop(@Body() body: unknown): Promise<StopResponse> {
    return this.stops.stop(stopTarget(body));
  }
}

/** `{executionId}` or `{runId}` (executionId wins when both are given). */
export function stopTarget(body: unknown): StopTarget {
  if (!isPlainObject(body)) throw new ValidationFailedError([{ field: 'body', message: 'must be a JSON object' }]);
  const errors: FieldError[] = [];
  const read = (field: 'executionId' | 'runId'): string | undefined => {
    const v = getOwn(body, field);
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string' || v.length > 256) {
      errors.push({ field, message: 'must be a string of at most 256 characters' });
      return undefined;
    }
    return v;
  };
  const executionId = read('executionId');
  const runId = read('runId');
  if (errors.length > 0) throw new ValidationFailedError(errors);
  if (executionId !== undefined) return { executionId };
  if (runId !== undefined) return { runId };
  throw new ValidationFailedError([{ field: 'executionId', message: 'executionId or runId is required' }]);
}
