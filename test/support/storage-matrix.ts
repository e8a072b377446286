import { connectionUrl, createTestDatabase } from './postgres.js';

export type StorageProvider = 'json' | 'postgres';
/** Every e2e suite that touches storage runs against both providers. */
export const STORAGE_PROVIDERS: StorageProvider[] = ['json', 'postgres'];

export interface StorageSetup {
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

/** Environment that selects the provider for a test app; postgres gets a fresh database. */
export async function storageEnv(provider: StorageProvider): Promise<StorageSetup> {
  if (provider === 'json') return { env: { DB_TYPE: 'json' }, cleanup: async () => undefined };
  const db = await createTestDatabase('app');
  return { env: { DB_TYPE: 'postgres', DATABASE_URL: connectionUrl(db.info) }, cleanup: () => db.cleanup() };
}
