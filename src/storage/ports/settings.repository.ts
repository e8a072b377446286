import type { JsonValue } from './json.js';

/**
 * Instance-wide settings as a small key/value store. Known keys:
 * `apiKey` ({digest, preview, createdAt}), `selectorFinder`, `userAgent`, `proxyRotation`
 * ({defaultProxyId, includeDefaultInRotation, rotationMode}), `webhookSecret` (encrypted),
 * `cookieJar` (encrypted). Values are JSON; services own their shapes and encryption.
 */
export abstract class SettingsRepository {
  abstract get(key: string): Promise<JsonValue | undefined>;
  abstract set(key: string, value: JsonValue): Promise<void>;
  abstract delete(key: string): Promise<void>;
  /**
   * Atomic read-modify-write under an exclusive lock (in-process mutex; `SELECT … FOR UPDATE`
   * in PostgreSQL). `fn` receives the current value and returns the new one (undefined deletes).
   * Returns the new value.
   */
  abstract update(key: string, fn: (current: JsonValue | undefined) => JsonValue | undefined | Promise<JsonValue | undefined>): Promise<JsonValue | undefined>;
}
