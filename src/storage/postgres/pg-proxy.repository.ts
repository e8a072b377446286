import { In } from 'typeorm';
import { ProxyRepository, type StoredProxy } from '../ports/index.js';
import { ProxyEntity } from './entities/index.js';
import type { PostgresConnection } from './postgres-connection.js';

function toEntity(proxy: StoredProxy): ProxyEntity {
  // Every column is set (null when absent) so an upsert replaces the whole row.
  return Object.assign(new ProxyEntity(), {
    id: proxy.id,
    server: proxy.server,
    username: proxy.username ?? null,
    passwordEnc: proxy.passwordEnc ?? null,
    label: proxy.label ?? null,
    isRotatingPool: proxy.isRotatingPool ?? null,
    estimatedPoolSize: proxy.estimatedPoolSize ?? null,
    createdAt: proxy.createdAt,
  });
}

function fromEntity(e: ProxyEntity): StoredProxy {
  const proxy: StoredProxy = { id: e.id, server: e.server, createdAt: e.createdAt };
  if (e.username !== null) proxy.username = e.username;
  if (e.passwordEnc !== null) proxy.passwordEnc = e.passwordEnc;
  if (e.label !== null) proxy.label = e.label;
  if (e.isRotatingPool !== null) proxy.isRotatingPool = e.isRotatingPool;
  if (e.estimatedPoolSize !== null) proxy.estimatedPoolSize = e.estimatedPoolSize;
  return proxy;
}

export class PgProxyRepository extends ProxyRepository {
  constructor(private readonly db: PostgresConnection) {
    super();
  }

  async list(): Promise<StoredProxy[]> {
    const rows = await this.db.run((s) => s.manager.find(ProxyEntity, { order: { createdAt: 'ASC', id: 'ASC' } }));
    return rows.map(fromEntity);
  }

  async get(id: string): Promise<StoredProxy | null> {
    const row = await this.db.run((s) => s.manager.findOneBy(ProxyEntity, { id }));
    return row ? fromEntity(row) : null;
  }

  async save(proxy: StoredProxy): Promise<void> {
    await this.saveMany([proxy]);
  }

  /** One multi-row INSERT … ON CONFLICT statement: atomic. */
  async saveMany(proxies: StoredProxy[]): Promise<void> {
    if (proxies.length === 0) return;
    // A repeated id inside one statement would make ON CONFLICT fail: the last one wins.
    const byId = new Map(proxies.map((p) => [p.id, toEntity(p)]));
    await this.db.run((s) => s.manager.upsert(ProxyEntity, [...byId.values()], ['id']));
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.run((s) => s.manager.delete(ProxyEntity, { id }));
    return (result.affected ?? 0) > 0;
  }

  async deleteMany(ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const result = await this.db.run((s) => s.manager.delete(ProxyEntity, { id: In([...new Set(ids)]) }));
    return result.affected ?? 0;
  }
}
