import { CredentialRepository, type StoredCredential } from '../ports/index.js';
import { CredentialEntity } from './entities/index.js';
import type { PostgresConnection } from './postgres-connection.js';

function fromEntity(e: CredentialEntity): StoredCredential {
  return { id: e.id, name: e.name, provider: e.provider, config: e.config, createdAt: e.createdAt, updatedAt: e.updatedAt };
}

export class PgCredentialRepository extends CredentialRepository {
  constructor(private readonly db: PostgresConnection) {
    super();
  }

  async list(): Promise<StoredCredential[]> {
    const rows = await this.db.run((s) => s.manager.find(CredentialEntity, { order: { createdAt: 'ASC', id: 'ASC' } }));
    return rows.map(fromEntity);
  }

  async get(id: string): Promise<StoredCredential | null> {
    const row = await this.db.run((s) => s.manager.findOneBy(CredentialEntity, { id }));
    return row ? fromEntity(row) : null;
  }

  async save(credential: StoredCredential): Promise<void> {
    const { id, name, provider, config, createdAt, updatedAt } = credential;
    const entity = Object.assign(new CredentialEntity(), { id, name, provider, config, createdAt, updatedAt });
    await this.db.run((s) => s.manager.upsert(CredentialEntity, entity, ['id']));
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.run((s) => s.manager.delete(CredentialEntity, { id }));
    return (result.affected ?? 0) > 0;
  }
}
