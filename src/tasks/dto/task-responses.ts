import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { TaskSchema } from './task.schema.js';

/** Swagger shapes of the task responses (API §3). */
export class TaskListEntry {
  @ApiProperty()
  id: string;

  @ApiProperty({ description: 'Falls back to the id.' })
  name: string;

  @ApiPropertyOptional({ description: 'Only when non-empty.' })
  description?: string;
}

export class TaskListResponse {
  @ApiProperty({ type: [TaskListEntry] })
  tasks: TaskListEntry[];
}

export class PatchTaskResponse {
  @ApiProperty()
  id: string;

  @ApiProperty({ description: 'Epoch milliseconds; unchanged when status is "unchanged".' })
  updatedAt: number;

  @ApiProperty({ enum: ['updated', 'unchanged'] })
  status: string;

  @ApiProperty({ type: TaskSchema })
  task: TaskSchema;
}

export class DeleteTaskResponse {
  @ApiProperty()
  id: string;

  @ApiProperty({ example: true })
  deleted: boolean;
}

export class TaskVersionEntry {
  @ApiProperty({ example: 'ver_01JD8Z6W5X3M9Q2R7T4V1B0C8N' })
  id: string;

  @ApiProperty({ description: 'Epoch milliseconds.' })
  timestamp: number;

  @ApiProperty()
  name: string;

  @ApiProperty()
  mode: string;

  @ApiProperty({ enum: ['post', 'patch', 'put', 'rollback'] })
  reason: string;
}

export class TaskVersionListResponse {
  @ApiProperty({ type: [TaskVersionEntry], description: 'Newest first; at most 30.' })
  versions: TaskVersionEntry[];
}

export class TaskVersionMetadata {
  @ApiProperty()
  id: string;

  @ApiProperty()
  timestamp: number;

  @ApiProperty({ enum: ['post', 'patch', 'put', 'rollback'] })
  reason: string;
}

export class TaskVersionResponse {
  @ApiProperty({ type: TaskSchema })
  snapshot: TaskSchema;

  @ApiProperty({ type: TaskVersionMetadata })
  metadata: TaskVersionMetadata;
}

export class SuccessResponse {
  @ApiProperty({ example: true })
  success: boolean;
}
