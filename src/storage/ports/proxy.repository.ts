export interface StoredProxy {
  id: string; // proxy_ + 12 hex
  server: string;
  username?: string;
  /** Encrypted password (the settings service encrypts); absent when unset. */
  passwordEnc?: string;
  label?: string;
  isRotatingPool?: boolean;
  estimatedPoolSize?: number;
  createdAt: number;
}

export abstract class ProxyRepository {
  /** In insertion (createdAt, id) order. */
  abstract list(): Promise<StoredProxy[]>;
  abstract get(id: string): Promise<StoredProxy | null>;
  /** Insert or replace by id. */
  abstract save(proxy: StoredProxy): Promise<void>;
  /** Insert or replace many in one atomic step. */
  abstract saveMany(proxies: StoredProxy[]): Promise<void>;
  abstract delete(id: string): Promise<boolean>;
  /** Returns how many existed and were deleted. */
  abstract deleteMany(ids: string[]): Promise<number>;
}
