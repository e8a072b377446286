// Jest global setup: runs once in the parent process before any worker starts.
// Environment variables set here are inherited by the test workers.
import { createRequire } from 'node:module';
import type * as PostgresHarness from './postgres.js';

// Jest loads this file outside its module system: a static `import './postgres.js'` would be
// resolved by Node (no such .js file). `require` goes through Jest's TS transform hook instead.
const { EmbeddedPostgresServer, SHARED_PG_URL_ENV, connectionUrl } = createRequire(import.meta.url)('./postgres.ts') as typeof PostgresHarness;

interface JestGlobalConfig {
  selectProjects?: string[];
}

/** Where global-teardown.ts (same process) finds the server. */
const SHARED_PG_KEY = Symbol.for('figranium.test.sharedPostgres');

/**
 * Starts ONE embedded PostgreSQL for the whole run (~1 s) and publishes its admin URL in
 * FIGRANIUM_TEST_PG_URL; each test file creates its own database on it (test/support/postgres.ts).
 * Skipped when the variable is already set (an external server) or only unit tests run.
 */
export default async function globalSetup(globalConfig?: JestGlobalConfig): Promise<void> {
  if (process.env[SHARED_PG_URL_ENV]) return;
  const projects = globalConfig?.selectProjects;
  if (projects && !projects.includes('e2e')) return;
  const server = await EmbeddedPostgresServer.start();
  (globalThis as Record<symbol, unknown>)[SHARED_PG_KEY] = server;
  process.env[SHARED_PG_URL_ENV] = connectionUrl(server.info());
}
