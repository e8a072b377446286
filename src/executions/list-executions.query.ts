import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, type TransformFnParams } from 'class-transformer';
import { ArrayNotEmpty, IsArray, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { Outcome, Phase } from '../storage/ports/index.js';

export const OUTCOMES: readonly Outcome[] = ['success', 'error', 'stopped', 'crashed', 'anti_bot'];
export const PHASES: readonly Phase[] = ['queued', 'running', 'finished'];
export const DEFAULT_LIST_LIMIT = 50;
export const MAX_LIST_LIMIT = 500;
const MAX_FILTER_LENGTH = 256;

// Query values arrive as strings (arrays when repeated). An empty value counts as absent.
function blankAsAbsent({ value }: TransformFnParams): unknown {
  return value === '' ? undefined : value;
}

/** Digits only become numbers; anything else is left as is so the validators report it. */
function toInteger({ value }: TransformFnParams): unknown {
  if (value === '') return undefined;
  return typeof value === 'string' && /^-?\d{1,20}$/.test(value) ? Number(value) : value;
}

/** `outcome=error,crashed` and `outcome=error&outcome=crashed` both become a list. */
function toOutcomeList({ value }: TransformFnParams): unknown {
  if (value === '') return undefined;
  const parts = Array.isArray(value) ? value : [value];
  if (!parts.every((p) => typeof p === 'string')) return value;
  const list = (parts as string[]).flatMap((p) => p.split(',')).map((p) => p.trim()).filter((p) => p !== '');
  return [...new Set(list)];
}

const INTEGER = { message: '$property must be an integer' };

/** Query of `GET /api/executions` and `/api/executions/list` (API §5.2). Unknown params and legacy `page` are ignored. */
export class ListExecutionsQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, default: DEFAULT_LIST_LIMIT, description: `Values above ${MAX_LIST_LIMIT} are clamped to ${MAX_LIST_LIMIT}.` })
  @IsOptional()
  @Transform(toInteger)
  @IsInt(INTEGER)
  @Min(1)
  limit?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 100, maximum: 599, description: 'HTTP status of the run response (e.g. 200, 202).' })
  @IsOptional()
  @Transform(toInteger)
  @IsInt(INTEGER)
  @Min(100)
  @Max(599)
  status?: number;

  @ApiPropertyOptional({
    type: String,
    isArray: false,
    description: `One outcome or a comma list (${OUTCOMES.join(', ')}); repeating the parameter also works.`,
    example: 'error,crashed',
  })
  @IsOptional()
  @Transform(toOutcomeList)
  @IsArray({ message: 'outcome must be one outcome or a comma list' })
  @ArrayNotEmpty()
  @IsIn(OUTCOMES, { each: true })
  outcome?: Outcome[];

  @ApiPropertyOptional({ enum: PHASES })
  @IsOptional()
  @Transform(blankAsAbsent)
  @IsIn(PHASES)
  phase?: Phase;

  @ApiPropertyOptional({ description: 'Exact match.' })
  @IsOptional()
  @Transform(blankAsAbsent)
  @IsString()
  @MaxLength(MAX_FILTER_LENGTH)
  taskId?: string;

  @ApiPropertyOptional({ description: 'Exact match.' })
  @IsOptional()
  @Transform(blankAsAbsent)
  @IsString()
  @MaxLength(MAX_FILTER_LENGTH)
  runId?: string;

  @ApiPropertyOptional({ description: 'Exact match (api, schedule, agent_block, adhoc).' })
  @IsOptional()
  @Transform(blankAsAbsent)
  @IsString()
  @MaxLength(MAX_FILTER_LENGTH)
  source?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: 'Epoch ms: only executions with timestamp < before.' })
  @IsOptional()
  @Transform(toInteger)
  @IsInt(INTEGER)
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  before?: number;

  @ApiPropertyOptional({ description: 'Opaque: the nextCursor of the previous page.' })
  @IsOptional()
  @Transform(blankAsAbsent)
  @IsString()
  cursor?: string;
}
