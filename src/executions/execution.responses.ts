import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { OUTCOMES, PHASES } from './list-executions.query.js';

/** Swagger shapes of the execution responses (API §5.1–5.2). */
export class ExecutionSummaryResponse {
  @ApiProperty({ example: 'exec_01JD9A4K2M7R8S1T3V5W6X7Y8Z' })
  id: string;

  @ApiProperty({ example: 'run_01JD9A4K2M7R8S1T3V5W6X7Y90' })
  runId: string;

  @ApiProperty({ type: String, nullable: true, description: 'null for ad-hoc runs' })
  taskId: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Name at run time.' })
  taskName: string | null;

  @ApiProperty({ enum: ['agent', 'scrape'] })
  mode: string;

  @ApiProperty({ enum: ['api', 'schedule', 'agent_block', 'adhoc'] })
  source: string;

  @ApiProperty({ example: 'POST' })
  method: string;

  @ApiProperty({ example: '/tasks/task_1/api' })
  path: string;

  @ApiProperty({ type: Number, nullable: true, description: '202 for async admissions; otherwise 200 once finished, null before.' })
  status: number | null;

  @ApiProperty({ enum: PHASES })
  phase: string;

  @ApiProperty({ enum: OUTCOMES, nullable: true, description: 'null until finished' })
  outcome: string | null;

  @ApiProperty({ description: 'Creation time (entered the queue), epoch ms.' })
  timestamp: number;

  @ApiProperty({ type: Number, nullable: true })
  startedAt: number | null;

  @ApiProperty({ type: Number, nullable: true })
  finishedAt: number | null;

  @ApiProperty({ type: Number, nullable: true })
  durationMs: number | null;

  @ApiProperty({ type: String, nullable: true, description: 'Templated start URL, secrets masked.' })
  url: string | null;

  @ApiPropertyOptional({ description: 'Only when outcome is set and not success.' })
  error?: string;

  @ApiPropertyOptional({ description: 'Only when outcome is set and not success.' })
  errorCode?: string;
}

export class WebhookAttemptResponse {
  @ApiProperty()
  attempt: number;

  @ApiProperty()
  at: number;

  @ApiProperty()
  durationMs: number;

  @ApiProperty({ type: Number, nullable: true })
  statusCode: number | null;

  @ApiProperty()
  ok: boolean;

  @ApiPropertyOptional()
  error?: string;
}

export class WebhookResponse {
  @ApiProperty({ description: 'Userinfo removed, query replaced by ?…', example: 'https://hooks.example.com/figranium?…' })
  url: string;

  @ApiProperty({ example: 'dlv_01JD9B4K2M7R8S1T3V5W6X7Y8Z' })
  deliveryId: string;

  @ApiProperty({ enum: ['pending', 'delivering', 'delivered', 'failed'] })
  state: string;

  @ApiProperty({ type: [WebhookAttemptResponse] })
  attempts: WebhookAttemptResponse[];
}

export class ExecutionFullResponse extends ExecutionSummaryResponse {
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The task that ran (no versions; secret values masked).' })
  taskSnapshot: Record<string, unknown>;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Runtime inputs; secret values masked.' })
  variables: Record<string, unknown>;

  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'Compact result copy (API §4.7); null until finished.' })
  result: Record<string, unknown> | null;

  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, description: 'Stored events {seq, ts, event, message, …}.' })
  events: Record<string, unknown>[];

  @ApiProperty({ description: 'true once further action/log/capture events stopped being stored.' })
  eventsTruncated: boolean;

  @ApiProperty({ type: WebhookResponse, nullable: true })
  webhook: WebhookResponse | null;

  @ApiProperty({ type: String, nullable: true })
  parentExecutionId: string | null;

  @ApiProperty({ example: 1 })
  attempt: number;

  @ApiProperty({ type: String, nullable: true })
  idempotencyKey: string | null;

  @ApiProperty({ type: Number, nullable: true })
  stopRequestedAt: number | null;

  @ApiProperty({ type: String, nullable: true })
  instanceId: string | null;
}

export class ExecutionListResponse {
  @ApiProperty({ type: [ExecutionSummaryResponse] })
  executions: ExecutionSummaryResponse[];

  @ApiPropertyOptional({ description: 'Present only when more items exist.' })
  nextCursor?: string;
}

export class ExecutionEnvelopeResponse {
  @ApiProperty({ type: ExecutionFullResponse })
  execution: ExecutionFullResponse;
}

export class ExecutionResultEnvelopeResponse {
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Execution result object (API §4.7).' })
  result: Record<string, unknown>;
}

export class SuccessResponse {
  @ApiProperty({ example: true })
  success: boolean;
}

export class ClearExecutionsResponse extends SuccessResponse {
  @ApiProperty({ description: 'Number of finished executions deleted.' })
  deleted: number;
}
