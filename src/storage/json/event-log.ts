import { open, readFile } from 'node:fs/promises';
import type { StoredEvent } from '../ports/execution.repository.js';
import { appendFileDurable, isErrno, truncateDurable } from './atomic-file.js';
import { CorruptDataFileError, isJsonObject } from './read-json-file.js';

/**
 * Events are JSON lines appended to `<id>.events.jsonl`, so an append costs the same whatever the
 * history size. Only the final line can be torn by a crash (it lacks its '\n'): readers ignore it
 * and the next writer cuts it off before appending. Any other bad line is corruption.
 */
export async function appendEventLines(filePath: string, events: readonly StoredEvent[]): Promise<void> {
  await appendFileDurable(filePath, events.map((e) => `${JSON.stringify(e)}\n`).join(''));
}

/** Cuts an unterminated final line left by a crash. Returns true when something was cut. */
export async function repairTornTail(filePath: string): Promise<boolean> {
  let fh;
  try {
    fh = await open(filePath, 'r');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return false;
    throw err;
  }
  let size: number;
  try {
    size = (await fh.stat()).size;
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    await fh.read(last, 0, 1, size - 1);
    if (last[0] === 0x0a) return false;
  } finally {
    await fh.close();
  }
  const content = await readFile(filePath);
  await truncateDurable(filePath, content.lastIndexOf(0x0a) + 1);
  return true;
}

export async function readEventLines(filePath: string): Promise<StoredEvent[]> {
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return [];
    throw err;
  }
  const lines = text.split('\n');
  lines.pop(); // '' after the final '\n', or a torn line
  return lines.map((line, i) => {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new CorruptDataFileError(filePath, `line ${i + 1} is not valid JSON`);
    }
    if (!isJsonObject(value) || typeof value.seq !== 'number') throw new CorruptDataFileError(filePath, `line ${i + 1} is not an event`);
    return value as StoredEvent;
  });
}
