import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { StoredCredential } from '../../ports/index.js';
import { bigintTransformer } from '../bigint.transformer.js';

@Entity('credentials')
export class CredentialEntity {
  @PrimaryColumn({ type: 'text', collation: 'C', primaryKeyConstraintName: 'credentials_pkey' })
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  provider: StoredCredential['provider'];

  /** `{baseUrl, tokenEnc}`; the token is already encrypted by the credentials service. */
  @Column({ type: 'jsonb' })
  config: StoredCredential['config'];

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintTransformer })
  createdAt: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: bigintTransformer })
  updatedAt: number;
}
