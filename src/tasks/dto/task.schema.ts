import { ApiProperty, ApiPropertyOptional, getSchemaPath, PartialType } from '@nestjs/swagger';
import { EXTRACTION_FORMATS, TASK_MODES, VARIABLE_TYPES } from '../model/task.types.js';

/**
 * Swagger description of the Task object (RUNNER §2). Documentation only: task bodies are
 * validated by validateTask, not by class-validator, so unknown fields survive.
 */
export class TaskActionSchema {
  @ApiPropertyOptional({ description: 'Filled with `act_<ULID>` when missing; unique within the task.', example: 'act_01JD8Z6W5X3M9Q2R7T4V1B0C8N' })
  id?: string;

  @ApiProperty({ description: 'Action type or alias (RUNNER §7).', example: 'click' })
  type: string;

  @ApiPropertyOptional({ example: 'button.load-more' })
  selector?: string;

  @ApiPropertyOptional()
  value?: string;

  @ApiPropertyOptional()
  disabled?: boolean;

  @ApiPropertyOptional()
  continueOnError?: boolean;

  @ApiPropertyOptional({ description: 'Milliseconds, 100–600000.' })
  timeout?: number;
}

export class TaskVariableSchema {
  @ApiProperty({ enum: VARIABLE_TYPES })
  type: string;

  @ApiProperty({ description: 'Must fit `type`. Secret values are shown as "••••••••"; sending the mask back keeps the stored value.' })
  value: unknown;

  @ApiPropertyOptional({ description: 'Encrypted at rest and masked in every response.' })
  secret?: boolean;
}

export class TaskOutputSchema {
  @ApiProperty({ enum: ['baserow'] })
  provider: string;

  @ApiProperty({ description: 'Id of an existing credential.' })
  credentialId: string;

  @ApiProperty({ description: 'Digits only.', example: '42' })
  tableId: string;

  @ApiPropertyOptional({ enum: ['fail', 'ignore'], default: 'fail' })
  onError?: string;
}

/** Request body of POST/PUT (`id`, `createdAt`, `updatedAt`, `versions` are optional or ignored). */
export class TaskBodySchema {
  @ApiPropertyOptional({ description: 'Client-chosen id (1–128 of [A-Za-z0-9_.:-], not starting with "."), or omitted for `task_<ULID>`.' })
  id?: string;

  @ApiProperty({ minLength: 1, maxLength: 200, example: 'Catalogue prices' })
  name: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  description?: string;

  @ApiPropertyOptional({ description: '"" or an absolute http(s) URL; `{$var}` templates allowed. Required in scrape mode.', maxLength: 4096 })
  url?: string;

  @ApiPropertyOptional({ enum: TASK_MODES, default: 'agent' })
  mode?: string;

  @ApiPropertyOptional({ description: 'Seconds, 0–300.', default: 0 })
  wait?: number;

  @ApiPropertyOptional({ default: '' })
  selector?: string;

  @ApiPropertyOptional({ type: [TaskActionSchema], maxItems: 2000 })
  actions?: TaskActionSchema[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: { $ref: getSchemaPath(TaskVariableSchema) } })
  variables?: Record<string, TaskVariableSchema>;

  @ApiPropertyOptional({ default: '' })
  extractionScript?: string;

  @ApiPropertyOptional({ enum: EXTRACTION_FORMATS, default: 'json' })
  extractionFormat?: string;

  @ApiPropertyOptional({ type: TaskOutputSchema })
  output?: TaskOutputSchema;

  @ApiPropertyOptional({ default: 300 })
  timeoutSeconds?: number;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'boolean' } })
  stealth?: Record<string, boolean>;

  @ApiPropertyOptional()
  rotateUserAgents?: boolean;

  @ApiPropertyOptional()
  rotateProxies?: boolean;

  @ApiPropertyOptional()
  rotateViewport?: boolean;

  @ApiPropertyOptional()
  humanTyping?: boolean;

  @ApiPropertyOptional()
  includeHtml?: boolean;

  @ApiPropertyOptional({ default: true })
  includeShadowDom?: boolean;

  @ApiPropertyOptional()
  disableRecording?: boolean;

  @ApiPropertyOptional()
  statelessExecution?: boolean;

  @ApiPropertyOptional()
  retryOnCrash?: boolean;
}

/** A Task in responses: all defaults filled, no `versions`, secret values masked. */
export class TaskSchema extends TaskBodySchema {
  @ApiProperty({ example: 'task_01JD8Z6W5X3M9Q2R7T4V1B0C8N' })
  declare id: string;

  @ApiProperty({ description: 'Epoch milliseconds.' })
  createdAt: number;

  @ApiProperty({ description: 'Epoch milliseconds.' })
  updatedAt: number;
}

/** PATCH body: any subset of the task (JSON Merge Patch; `null` removes a member). */
export class TaskPatchSchema extends PartialType(TaskBodySchema) {}
