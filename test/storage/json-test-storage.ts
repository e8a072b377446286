import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { JsonStorage, JsonStorageOptions } from '../../src/storage/json/json-storage.js';
import type { StorageUnderTest } from './repository-contract.js';

/** A fresh temp data directory; remove it with `rm(dir, {recursive: true, force: true})`. */
export function makeTempDataDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'figranium-json-'));
}

export async function openJsonUnderTest(dataDir: string, options: Partial<JsonStorageOptions> = {}): Promise<StorageUnderTest & { storage: JsonStorage }> {
  const storage = await JsonStorage.open({ dataDir, maxExecutions: 5000, ...options });
  return {
    storage,
    tasks: storage.tasks,
    executions: storage.executions,
    settings: storage.settings,
    proxies: storage.proxies,
    credentials: storage.credentials,
    status: storage.status,
    close: () => storage.close(),
    reopen: async () => {
      await storage.close();
      return openJsonUnderTest(dataDir, options);
    },
  };
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
