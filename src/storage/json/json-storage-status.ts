import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { StorageType } from '../../config/config.schema.js';
import { StorageStatus } from '../ports/storage-status.js';
import { writeFile } from 'node:fs/promises';
import { FILE_MODE, tempPathFor, unlinkIfExists } from './atomic-file.js';
import type { DataDirLock } from './data-dir-lock.js';
import type { WriteGate } from './write-gate.js';

/**
 * Health of the JSON storage: data directory reachable and writable, lock still ours.
 * Rejection reasons are short and never contain paths (the health route is public).
 * After a failed probe it re-probes in the background until healthy, so availability
 * recovers even when nothing else calls probe().
 */
export class JsonStorageStatus extends StorageStatus {
  readonly kind: StorageType = 'json';
  private available = true;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly dataDir: string,
    private readonly lock: DataDirLock,
    private readonly gate: WriteGate,
    private readonly retryMs = 2000,
  ) {
    super();
  }

  async probe(): Promise<void> {
    try {
      await this.check();
      this.available = true;
    } catch (err) {
      this.available = false;
      this.scheduleRetry();
      throw err;
    }
  }

  private scheduleRetry(): void {
    if (this.retryTimer || this.gate.isClosed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.probe().catch(() => undefined);
    }, this.retryMs);
    this.retryTimer.unref();
  }

  /** Stops background re-probing (on close). */
  stop(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private async check(): Promise<void> {
    if (this.gate.isClosed) throw new Error('Storage is closed');
    try {
      if (!(await stat(this.dataDir)).isDirectory()) throw new Error('not a directory');
      // A temp-style name, so a leftover from a crash here is cleaned at the next open.
      const probeFile = tempPathFor(path.join(this.dataDir, 'probe'));
      await writeFile(probeFile, 'ok', { flag: 'wx', mode: FILE_MODE });
      await unlinkIfExists(probeFile);
    } catch {
      throw new Error('Data directory is not reachable or not writable');
    }
    try {
      await this.lock.verify();
    } catch {
      throw new Error('Data directory lock is not held');
    }
  }

  isAvailable(): boolean {
    return this.available && !this.gate.isClosed;
  }

  whenReady(): Promise<void> {
    // The provider only exists once open() succeeded.
    return Promise.resolve();
  }
}
