import { ProxyRepository, StoredProxy } from '../ports/proxy.repository.js';
import type { WriteGate } from './write-gate.js';
import { JsonCollectionFile } from './json-collection-file.js';

/** `proxies.json`. */
export class JsonProxyRepository extends ProxyRepository {
  private constructor(private readonly file: JsonCollectionFile<StoredProxy>) {
    super();
  }

  static async load(filePath: string, gate: WriteGate): Promise<JsonProxyRepository> {
    return new JsonProxyRepository(await JsonCollectionFile.load<StoredProxy>(filePath, gate));
  }

  async list(): Promise<StoredProxy[]> {
    return this.file.list();
  }

  async get(id: string): Promise<StoredProxy | null> {
    return this.file.get(id);
  }

  save(proxy: StoredProxy): Promise<void> {
    return this.file.saveAll([proxy]);
  }

  saveMany(proxies: StoredProxy[]): Promise<void> {
    return this.file.saveAll(proxies);
  }

  async delete(id: string): Promise<boolean> {
    return (await this.file.deleteAll([id])) > 0;
  }

  deleteMany(ids: string[]): Promise<number> {
    return this.file.deleteAll(ids);
  }
}
