import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Swagger shapes of the run routes (API §4). Bodies are validated by the admission, not by the pipe. */
export class RunRequestBody {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Inputs for this run: plain values, or {type, value} definitions (unwrapped). Applied after taskVariables.',
    example: { query: 'desk lamp', pages: 3 },
  })
  variables?: Record<string, unknown>;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Legacy alias of variables, applied first.' })
  taskVariables?: Record<string, unknown>;

  @ApiPropertyOptional({ maxLength: 2048, description: 'Completion webhook (API §4.8).', example: 'https://hooks.example.com/figranium' })
  webhookUrl?: string;

  @ApiPropertyOptional({ description: 'Overrides the task flag for this run ("true"/"false" accepted).' })
  statelessExecution?: boolean;

  @ApiPropertyOptional({ pattern: '^[A-Za-z0-9_-]{1,64}$', description: 'Client trace id; default run_<ULID>; unique.' })
  runId?: string;
}

export class AdhocRunBody extends RunRequestBody {
  @ApiPropertyOptional({ description: 'Default "Ad-hoc agent" / "Ad-hoc scrape".' })
  name?: string;

  @ApiPropertyOptional({ description: 'Start URL (required for /scrape); may contain {$variables}.' })
  url?: string;

  @ApiPropertyOptional({ type: 'array', items: { type: 'object', additionalProperties: true }, description: 'Actions (or a JSON string holding them).' })
  actions?: unknown[];

  @ApiPropertyOptional({ description: 'Any other task field of RUNNER §2 (extractionScript, timeoutSeconds, …).' })
  extractionScript?: string;
}

export class RunAcceptedResponse {
  @ApiProperty({ example: 'exec_01JD9A4K2M7R8S1T3V5W6X7Y8Z' })
  executionId: string;

  @ApiProperty({ example: 'run_01JD9A4K2M7R8S1T3V5W6X7Y90' })
  runId: string;

  @ApiProperty({ enum: ['queued', 'running', 'finished'], example: 'queued' })
  phase: string;
}

export class RunResultResponse {
  @ApiProperty()
  executionId: string;

  @ApiProperty()
  runId: string;

  @ApiProperty({ enum: ['success', 'error', 'stopped', 'crashed', 'anti_bot'] })
  outcome: string;

  @ApiProperty()
  success: boolean;

  @ApiPropertyOptional()
  error?: string;

  @ApiPropertyOptional()
  errorCode?: string;

  @ApiProperty()
  final_url: string;

  @ApiProperty({ description: 'Extraction result, assigned variables, a CSV string, or null.', nullable: true })
  data: unknown;

  @ApiProperty({ type: [String] })
  logs: string[];

  @ApiProperty({ type: String, nullable: true })
  screenshot_url: string | null;

  @ApiProperty({ type: String, nullable: true })
  recording_url: string | null;

  @ApiPropertyOptional()
  html?: string;

  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } })
  downloads: unknown[];

  @ApiProperty()
  hasFullResult: boolean;

  @ApiProperty()
  truncated: boolean;
}

export class StopRequestBody {
  @ApiPropertyOptional({ description: 'Either executionId or runId is required.' })
  executionId?: string;

  @ApiPropertyOptional()
  runId?: string;
}

export class StopResponseBody {
  @ApiProperty({ example: true })
  success: boolean;

  @ApiProperty()
  executionId: string;

  @ApiProperty()
  runId: string;

  @ApiProperty({ enum: ['queued', 'running'], description: 'Phase before the stop took effect.' })
  phase: string;
}
