import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, type TransformFnParams } from 'class-transformer';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';

const blankAsAbsent = ({ value }: TransformFnParams): unknown => (value === '' ? undefined : value);

/** Query of `GET /api/executions/:id/events` (API §5.3). */
export class ExecutionEventsQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: 'Replay stored events with a greater seq. The Last-Event-ID header wins when both are sent.' })
  @IsOptional()
  @Transform(blankAsAbsent)
  @Matches(/^\d{1,15}$/, { message: 'lastEventId must be a non-negative integer' })
  lastEventId?: string;
}

/** Query of `GET /api/executions/stream` (API §5.3): at most one of `executionId` and `runId`. */
export class ExecutionStreamQuery extends ExecutionEventsQuery {
  @ApiPropertyOptional({ description: 'Follow one execution (like /api/executions/:id/events).' })
  @IsOptional()
  @Transform(blankAsAbsent)
  @IsString()
  @MaxLength(256)
  executionId?: string;

  @ApiPropertyOptional({ description: 'Follow the execution with this runId; waits until it is created.', pattern: '^[A-Za-z0-9_-]{1,64}$' })
  @IsOptional()
  @Transform(blankAsAbsent)
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'runId must be 1-64 characters from [A-Za-z0-9_-]' })
  runId?: string;
}
