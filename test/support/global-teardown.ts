// Jest global teardown (same process as global-setup.ts; no relative imports, see there).
const SHARED_PG_KEY = Symbol.for('figranium.test.sharedPostgres');
const SHARED_PG_URL_ENV = 'FIGRANIUM_TEST_PG_URL';

export default async function globalTeardown(): Promise<void> {
  const store = globalThis as Record<symbol, unknown>;
  const server = store[SHARED_PG_KEY] as { destroy(): Promise<void> } | undefined;
  if (!server) return;
  delete store[SHARED_PG_KEY];
  delete process.env[SHARED_PG_URL_ENV];
  await server.destroy();
}
