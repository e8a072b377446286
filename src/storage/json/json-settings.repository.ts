import type { JsonValue } from '../ports/json.js';
import { SettingsRepository } from '../ports/settings.repository.js';
import { writeFileAtomic } from './atomic-file.js';
import { KeyedMutex } from '../../common/keyed-mutex.js';
import { CorruptDataFileError, isJsonObject, jsonCopy, readJsonFile } from './read-json-file.js';
import type { WriteGate } from './write-gate.js';

/** `settings.json`: one object of key -> value, rewritten atomically on every change (it is small). */
export class JsonSettingsRepository extends SettingsRepository {
  private values = new Map<string, JsonValue>();
  private readonly keyMutex = new KeyedMutex();
  private readonly fileMutex = new KeyedMutex();

  private constructor(
    private readonly filePath: string,
    private readonly gate: WriteGate,
  ) {
    super();
  }

  static async load(filePath: string, gate: WriteGate): Promise<JsonSettingsRepository> {
    const repo = new JsonSettingsRepository(filePath, gate);
    const value = await readJsonFile(filePath);
    if (value !== undefined) {
      if (!isJsonObject(value)) throw new CorruptDataFileError(filePath, 'expected an object of settings');
      repo.values = new Map(Object.entries(value));
    }
    return repo;
  }

  async get(key: string): Promise<JsonValue | undefined> {
    const value = this.values.get(key);
    return value === undefined ? undefined : structuredClone(value);
  }

  set(key: string, value: JsonValue): Promise<void> {
    return this.gate.run(() => this.keyMutex.run(key, () => this.write(key, value)));
  }

  delete(key: string): Promise<void> {
    return this.gate.run(() => this.keyMutex.run(key, () => this.write(key, undefined)));
  }

  update(key: string, fn: (current: JsonValue | undefined) => JsonValue | undefined | Promise<JsonValue | undefined>): Promise<JsonValue | undefined> {
    return this.gate.run(() =>
      this.keyMutex.run(key, async () => {
        const next = await fn(await this.get(key));
        await this.write(key, next);
        return this.get(key);
      }),
    );
  }

  /** Writes the whole file with `key` changed; the in-memory map changes only after the write. */
  private write(key: string, value: JsonValue | undefined): Promise<void> {
    const stored = value === undefined ? undefined : jsonCopy(value);
    return this.fileMutex.run('file', async () => {
      if (stored === undefined && !this.values.has(key)) return;
      const next = new Map(this.values);
      if (stored === undefined) next.delete(key);
      else next.set(key, stored);
      await writeFileAtomic(this.filePath, `${JSON.stringify(Object.fromEntries(next), null, 2)}\n`);
      this.values = next;
    });
  }
}
