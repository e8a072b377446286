import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import type { TaskDocument, VersionReason } from '../../ports/index.js';
import { bigintTransformer } from '../bigint.transformer.js';

/** One row per task; `body` is the whole stored document, the other columns are copies for sorting. */
@Entity('tasks')
@Index('tasks_updated_at_idx', ['updatedAt', 'id'])
export class TaskEntity {
  @PrimaryColumn({ type: 'text', collation: 'C', primaryKeyConstraintName: 'tasks_pkey' })
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintTransformer })
  createdAt: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: bigintTransformer })
  updatedAt: number;

  @Column({ type: 'jsonb' })
  body: TaskDocument;
}

/** Snapshots of a task; `name` and `mode` are copied out so listing versions skips the snapshots. */
@Entity('task_versions')
@Index('task_versions_task_id_timestamp_idx', ['taskId', 'timestamp', 'id'])
export class TaskVersionEntity {
  @PrimaryColumn({ type: 'text', collation: 'C', primaryKeyConstraintName: 'task_versions_pkey' })
  id: string;

  @Column({ name: 'task_id', type: 'text', collation: 'C' })
  @ForeignKey(() => TaskEntity, { name: 'task_versions_task_id_fkey', onDelete: 'CASCADE' })
  taskId: string;

  @Column({ type: 'bigint', transformer: bigintTransformer })
  timestamp: number;

  @Column({ type: 'text' })
  reason: VersionReason;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  mode: string;

  @Column({ type: 'jsonb' })
  snapshot: TaskDocument;
}
