import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintTransformer } from '../bigint.transformer.js';

@Entity('proxies')
@Index('proxies_created_at_idx', ['createdAt', 'id'])
export class ProxyEntity {
  @PrimaryColumn({ type: 'text', collation: 'C', primaryKeyConstraintName: 'proxies_pkey' })
  id: string;

  @Column({ type: 'text' })
  server: string;

  @Column({ type: 'text', nullable: true })
  username: string | null;

  @Column({ name: 'password_enc', type: 'text', nullable: true })
  passwordEnc: string | null;

  @Column({ type: 'text', nullable: true })
  label: string | null;

  @Column({ name: 'is_rotating_pool', type: 'boolean', nullable: true })
  isRotatingPool: boolean | null;

  @Column({ name: 'estimated_pool_size', type: 'integer', nullable: true })
  estimatedPoolSize: number | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintTransformer })
  createdAt: number;
}
