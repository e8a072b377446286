import type { OnApplicationShutdown } from '@nestjs/common';
import { mkdir, readdir } from 'node:fs/promises';
import * as path from 'node:path';
import { DIR_MODE, fsyncDir, isTempFileName, unlinkIfExists } from './atomic-file.js';
import { DataDirLock, LockOptions } from './data-dir-lock.js';
import { JsonCredentialRepository } from './json-credential.repository.js';
import { JsonExecutionRepository } from './json-execution.repository.js';
import { JsonProxyRepository } from './json-proxy.repository.js';
import { JsonSettingsRepository } from './json-settings.repository.js';
import { JsonStorageStatus } from './json-storage-status.js';
import { JsonTaskRepository } from './json-task.repository.js';
import { WriteGate } from './write-gate.js';

export interface JsonStorageOptions {
  dataDir: string;
  /** Finished executions kept (newest by timestamp) after each execution finishes. */
  maxExecutions: number;
  lock?: LockOptions;
  /** Interval of background re-probes after a failed probe (ms). */
  probeRetryMs?: number;
}

/** Files this provider owns in the data directory root (temp files of these are cleaned at open). */
const ROOT_FILES = ['settings.json', 'proxies.json', 'credentials.json', 'probe'];

/**
 * The JSON-file storage: opens the data directory (lock, then load every file; any unparsable file
 * stops the open with an error naming it), exposes the six ports, and releases the lock on close.
 *
 * Layout under dataDir: figranium.lock, settings.json, proxies.json, credentials.json,
 * tasks/<id>.json, executions/<id>.json|.result.json|.events.jsonl.
 */
export class JsonStorage implements OnApplicationShutdown {
  private closing: Promise<void> | null = null;

  private constructor(
    readonly dataDir: string,
    private readonly lock: DataDirLock,
    private readonly gate: WriteGate,
    readonly tasks: JsonTaskRepository,
    readonly executions: JsonExecutionRepository,
    readonly settings: JsonSettingsRepository,
    readonly proxies: JsonProxyRepository,
    readonly credentials: JsonCredentialRepository,
    readonly status: JsonStorageStatus,
  ) {}

  static async open(options: JsonStorageOptions): Promise<JsonStorage> {
    const dataDir = path.resolve(options.dataDir);
    try {
      await mkdir(dataDir, { recursive: true, mode: DIR_MODE });
    } catch (err) {
      throw new Error(`Cannot create the data directory ${dataDir}: ${(err as Error).message}`, { cause: err });
    }
    const lock = await DataDirLock.acquire(dataDir, options.lock);
    try {
      await removeRootTempFiles(dataDir);
      const gate = new WriteGate();
      const tasks = await JsonTaskRepository.load(path.join(dataDir, 'tasks'), gate);
      const executions = await JsonExecutionRepository.load(path.join(dataDir, 'executions'), gate, options.maxExecutions);
      const settings = await JsonSettingsRepository.load(path.join(dataDir, 'settings.json'), gate);
      const proxies = await JsonProxyRepository.load(path.join(dataDir, 'proxies.json'), gate);
      const credentials = await JsonCredentialRepository.load(path.join(dataDir, 'credentials.json'), gate);
      const status = new JsonStorageStatus(dataDir, lock, gate, options.probeRetryMs);
      return new JsonStorage(dataDir, lock, gate, tasks, executions, settings, proxies, credentials, status);
    } catch (err) {
      await lock.release();
      throw err;
    }
  }

  /** Refuses new writes, waits for writes in flight, then releases the lock. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.status.stop();
      await this.gate.close();
      await this.lock.release();
    })();
    return this.closing;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}

async function removeRootTempFiles(dataDir: string): Promise<void> {
  let removed = false;
  for (const name of await readdir(dataDir)) {
    if (isTempFileName(name) && ROOT_FILES.some((f) => name.startsWith(`.${f}.`))) {
      removed = (await unlinkIfExists(path.join(dataDir, name))) || removed;
    }
  }
  if (removed) await fsyncDir(dataDir);
}
