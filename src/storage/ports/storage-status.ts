import type { StorageType } from '../../config/config.schema.js';

/** Lifecycle and health of the configured storage provider. */
export abstract class StorageStatus {
  abstract readonly kind: StorageType;
  /**
   * Probes the storage (PostgreSQL: `SELECT 1` with a 2 s timeout; JSON: data directory
   * reachable, writable, lock held). Resolves when healthy, rejects with a short reason
   * (no credentials) otherwise.
   */
  abstract probe(): Promise<void>;
  /** Last known availability, without I/O. Routes use it to answer 503 early. */
  abstract isAvailable(): boolean;
  /** Resolves once the storage has become available at least once (migrations done). */
  abstract whenReady(): Promise<void>;
}
