import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import * as path from 'node:path';

export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

/**
 * Temp files are written next to their target, named `.<target name>.<pid>.<random>.tmp`.
 * Data file names never start with '.', so a leftover temp file is never mistaken for data.
 */
export function tempPathFor(target: string): string {
  const suffix = `${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  return path.join(path.dirname(target), `.${path.basename(target)}.${suffix}`);
}

export function isTempFileName(name: string): boolean {
  return name.startsWith('.') && name.endsWith('.tmp');
}

/** Duck-typed: errors from Node's fs may come from another realm (e.g. under Jest's vm). */
function isErrno(err: unknown, ...codes: string[]): boolean {
  const code = typeof err === 'object' && err !== null ? (err as NodeJS.ErrnoException).code : undefined;
  return typeof code === 'string' && codes.includes(code);
}

/** Makes renames/creations/unlinks inside `dir` durable. */
export async function fsyncDir(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch (err) {
    // Some platforms/filesystems cannot fsync a directory; the rename is still atomic there.
    if (!isErrno(err, 'EINVAL', 'EISDIR', 'EPERM', 'ENOTSUP')) throw err;
  } finally {
    await fh?.close();
  }
}

/** Atomically replaces `target`: write a temp file in the same dir, fsync it, rename, fsync the dir. */
export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  const tmp = tempPathFor(target);
  const fh = await open(tmp, 'wx', FILE_MODE);
  try {
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, target);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fsyncDir(path.dirname(target));
}

/** Appends `data` and fsyncs; fsyncs the directory too when the append created the file. */
export async function appendFileDurable(target: string, data: string | Uint8Array): Promise<void> {
  const fh = await open(target, 'a', FILE_MODE);
  let created: boolean;
  try {
    created = (await fh.stat()).size === 0;
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  if (created) await fsyncDir(path.dirname(target));
}

/** Cuts `target` to `length` bytes and fsyncs it. */
export async function truncateDurable(target: string, length: number): Promise<void> {
  const fh = await open(target, 'r+');
  try {
    await fh.truncate(length);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Unlinks a file; false when it did not exist. The caller fsyncs the directory (once per batch). */
export async function unlinkIfExists(target: string): Promise<boolean> {
  try {
    await unlink(target);
    return true;
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return false;
    throw err;
  }
}

export { isErrno };
