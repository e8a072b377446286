import { writeFileAtomic } from './atomic-file.js';
import { KeyedMutex } from '../../common/keyed-mutex.js';
import { CorruptDataFileError, isJsonObject, jsonCopy, readJsonFile } from './read-json-file.js';
import type { WriteGate } from './write-gate.js';

interface Item {
  id: string;
  createdAt: number;
}

/**
 * A small array file of items with `id` and `createdAt` (proxies, credentials), kept in memory in
 * (createdAt, id) order and rewritten atomically on every change.
 */
export class JsonCollectionFile<T extends Item> {
  private items = new Map<string, T>();
  private readonly mutex = new KeyedMutex();

  private constructor(
    private readonly filePath: string,
    private readonly gate: WriteGate,
  ) {}

  static async load<T extends Item>(filePath: string, gate: WriteGate): Promise<JsonCollectionFile<T>> {
    const file = new JsonCollectionFile<T>(filePath, gate);
    const value = await readJsonFile(filePath);
    if (value !== undefined) {
      if (!Array.isArray(value)) throw new CorruptDataFileError(filePath, 'expected an array');
      for (const item of value) {
        if (!isJsonObject(item) || typeof item.id !== 'string' || typeof item.createdAt !== 'number') {
          throw new CorruptDataFileError(filePath, 'every item needs a string id and a numeric createdAt');
        }
        file.items.set(item.id, item as unknown as T);
      }
    }
    return file;
  }

  list(): T[] {
    return this.sorted().map((item) => structuredClone(item));
  }

  get(id: string): T | null {
    const item = this.items.get(id);
    return item ? structuredClone(item) : null;
  }

  private sorted(): T[] {
    return [...this.items.values()].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Inserts or replaces all of `items` in one atomic write. */
  saveAll(items: T[]): Promise<void> {
    const copies = items.map((item) => jsonCopy(item));
    return this.change((draft) => {
      for (const item of copies) draft.set(item.id, item);
      return { changed: copies.length > 0, result: undefined };
    });
  }

  /** Deletes the given ids in one atomic write; returns how many existed. */
  deleteAll(ids: string[]): Promise<number> {
    return this.change((draft) => {
      const count = [...new Set(ids)].filter((id) => draft.delete(id)).length;
      return { changed: count > 0, result: count };
    });
  }

  private change<R>(fn: (draft: Map<string, T>) => { changed: boolean; result: R }): Promise<R> {
    return this.gate.run(() =>
      this.mutex.run('file', async () => {
        const draft = new Map(this.items);
        const { changed, result } = fn(draft);
        if (changed) {
          const ordered = [...draft.values()].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
          await writeFileAtomic(this.filePath, `${JSON.stringify(ordered, null, 2)}\n`);
          this.items = draft;
        }
        return result;
      }),
    );
  }
}
