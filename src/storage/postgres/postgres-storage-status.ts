import { StorageStatus } from '../ports/index.js';
import type { PostgresConnection } from './postgres-connection.js';

export class PostgresStorageStatus extends StorageStatus {
  readonly kind = 'postgres' as const;

  constructor(private readonly db: PostgresConnection) {
    super();
  }

  probe(): Promise<void> {
    return this.db.probe();
  }

  isAvailable(): boolean {
    return this.db.isAvailable();
  }

  whenReady(): Promise<void> {
    return this.db.whenReady();
  }
}
