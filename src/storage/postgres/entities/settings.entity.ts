import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { JsonValue } from '../../ports/index.js';

/** Instance settings as key/value rows. A NULL value only exists inside an update transaction. */
@Entity('settings')
export class SettingEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'settings_pkey' })
  key: string;

  @Column({ type: 'jsonb', nullable: true })
  value: JsonValue | null;
}
