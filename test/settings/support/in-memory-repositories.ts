import type { SecretFileStore } from '../../../src/common/secret-file.store.js';
import type { AppConfig } from '../../../src/config/config.schema.js';
import { SecretBox } from '../../../src/crypto/secret-box.service.js';
import { ProxyRepository, SettingsRepository, type JsonValue, type StoredProxy } from '../../../src/storage/ports/index.js';

/** Unit-test stand-ins for the storage ports (same contract, kept in memory). */
export class InMemorySettings extends SettingsRepository {
  readonly values = new Map<string, JsonValue>();
  private chain: Promise<unknown> = Promise.resolve();

  async get(key: string): Promise<JsonValue | undefined> {
    const v = this.values.get(key);
    return v === undefined ? undefined : structuredClone(v);
  }
  async set(key: string, value: JsonValue): Promise<void> {
    this.values.set(key, structuredClone(value));
  }
  async delete(key: string): Promise<void> {
    this.values.delete(key);
  }
  update(key: string, fn: (current: JsonValue | undefined) => JsonValue | undefined | Promise<JsonValue | undefined>): Promise<JsonValue | undefined> {
    const run = async () => {
      const next = await fn(await this.get(key));
      if (next === undefined) this.values.delete(key);
      else this.values.set(key, structuredClone(next));
      return this.get(key);
    };
    const result = this.chain.then(run, run);
    this.chain = result.catch(() => undefined);
    return result;
  }
}

export class InMemoryProxies extends ProxyRepository {
  readonly rows = new Map<string, StoredProxy>();

  async list(): Promise<StoredProxy[]> {
    return [...this.rows.values()].sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id)).map((p) => structuredClone(p));
  }
  async get(id: string): Promise<StoredProxy | null> {
    const p = this.rows.get(id);
    return p ? structuredClone(p) : null;
  }
  async save(proxy: StoredProxy): Promise<void> {
    this.rows.set(proxy.id, structuredClone(proxy));
  }
  async saveMany(proxies: StoredProxy[]): Promise<void> {
    for (const p of proxies) this.rows.set(p.id, structuredClone(p));
  }
  async delete(id: string): Promise<boolean> {
    return this.rows.delete(id);
  }
  async deleteMany(ids: string[]): Promise<number> {
    return [...new Set(ids)].filter((id) => this.rows.delete(id)).length;
  }
}

/** A SecretBox with a fixed key (no key file). */
export async function testSecretBox(secretKey = 'k'.repeat(40)): Promise<SecretBox> {
  const box = new SecretBox({ secretKey } as AppConfig, {} as SecretFileStore);
  await box.onModuleInit();
  return box;
}
