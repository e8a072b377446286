import { readFile } from 'node:fs/promises';
import type { JsonValue } from '../ports/json.js';
import { isErrno } from './atomic-file.js';

/** A data file that cannot be parsed. It is never treated as empty, overwritten or deleted. */
export class CorruptDataFileError extends Error {
  constructor(
    readonly filePath: string,
    reason: string,
  ) {
    super(`Corrupt data file ${filePath}: ${reason}. The file was left untouched; repair or move it away, then start again.`);
    this.name = 'CorruptDataFileError';
  }
}

/** Reads and parses a JSON file; undefined when it does not exist. */
export async function readJsonFile(filePath: string): Promise<JsonValue | undefined> {
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw err;
  }
  try {
    return JSON.parse(text) as JsonValue;
  } catch (err) {
    throw new CorruptDataFileError(filePath, text.length === 0 ? 'the file is empty' : `invalid JSON (${(err as Error).message})`);
  }
}

export function isJsonObject(value: unknown): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep copy through JSON, i.e. exactly what a later read of the written file returns. */
export function jsonCopy<T>(value: T): T {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError('Value is not JSON-serialisable');
  return JSON.parse(text) as T;
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
