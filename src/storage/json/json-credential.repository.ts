import { CredentialRepository, StoredCredential } from '../ports/credential.repository.js';
import type { WriteGate } from './write-gate.js';
import { JsonCollectionFile } from './json-collection-file.js';

/** `credentials.json` (tokens arrive already encrypted). */
export class JsonCredentialRepository extends CredentialRepository {
  private constructor(private readonly file: JsonCollectionFile<StoredCredential>) {
    super();
  }

  static async load(filePath: string, gate: WriteGate): Promise<JsonCredentialRepository> {
    return new JsonCredentialRepository(await JsonCollectionFile.load<StoredCredential>(filePath, gate));
  }

  async list(): Promise<StoredCredential[]> {
    return this.file.list();
  }

  async get(id: string): Promise<StoredCredential | null> {
    return this.file.get(id);
  }

  save(credential: StoredCredential): Promise<void> {
    return this.file.saveAll([credential]);
  }

  async delete(id: string): Promise<boolean> {
    return (await this.file.deleteAll([id])) > 0;
  }
}
