import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';

const VERSION_FLAG_VALUES = ['true', 'false', '1', '0', ''];

export class UpsertTaskQuery {
  @ApiPropertyOptional({ enum: ['true', 'false', '1', '0'], description: 'Snapshot the stored task first (reason `post`).' })
  @IsOptional()
  @IsIn(VERSION_FLAG_VALUES, { message: 'must be true, false, 1 or 0' })
  version?: string;
}

export class RollbackTaskDto {
  @ApiProperty({ example: 'ver_01JD8Z6W5X3M9Q2R7T4V1B0C8N' })
  // One rule, so a bad value yields one message.
  @Matches(/^[\s\S]{1,200}$/, { message: 'is required: a string of 1 to 200 characters' })
  versionId: string;
}

export function versionFlag(query: UpsertTaskQuery): boolean {
  return query.version === 'true' || query.version === '1';
}
