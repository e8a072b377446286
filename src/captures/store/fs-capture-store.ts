import { randomUUID } from 'node:crypto';
import { constants, type Dirent } from 'node:fs';
import { copyFile, link, lstat, mkdir, open, readdir, rename, rm, unlink, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { invalidCaptureName } from '../capture-errors.js';
import { isValidCaptureName } from '../capture-name.js';
import { CaptureExistsError, CaptureStore, type CaptureFileInfo, type OpenCaptureFile } from './capture-store.js';

/** Staging area inside the captures directory (same file system, so publishing is a rename). */
export const STAGING_DIR_NAME = '.incoming';
const STALE_STAGING_MS = 24 * 60 * 60 * 1000;
const STAT_BATCH = 64;

/**
 * Capture files in one flat directory (`CAPTURES_DIR`, possibly shared by several instances).
 * Writers stage a complete file in `.incoming/`, fsync it and hard-link it into place, so a
 * file is never visible half-written and an existing capture is never replaced.
 * Symbolic links and other non-regular entries are treated as absent.
 */
export class FsCaptureStore extends CaptureStore {
  readonly dir: string;
  readonly stagingDir: string;

  constructor(dir: string) {
    super();
    this.dir = path.resolve(dir);
    this.stagingDir = path.join(this.dir, STAGING_DIR_NAME);
  }

  /** Creates the directories and removes staging files left behind by crashed writers. */
  async init(now = Date.now()): Promise<void> {
    await mkdir(this.stagingDir, { recursive: true });
    for (const entry of await readdir(this.stagingDir, { withFileTypes: true })) {
      const file = path.join(this.stagingDir, entry.name);
      const info = await lstat(file).catch(() => null);
      if (info && now - info.mtimeMs > STALE_STAGING_MS) await rm(file, { force: true, recursive: true });
    }
  }

  async list(): Promise<CaptureFileInfo[]> {
    let entries: Dirent[];
    try {
      entries = await readdir(this.dir, { withFileTypes: true });
    } catch (err) {
      if (isCode(err, 'ENOENT')) return [];
      throw err;
    }
    const names = entries.filter((e) => e.isFile() && isValidCaptureName(e.name)).map((e) => e.name);
    const out: CaptureFileInfo[] = [];
    for (let i = 0; i < names.length; i += STAT_BATCH) {
      const infos = await Promise.all(names.slice(i, i + STAT_BATCH).map((name) => this.statPath(name)));
      for (const info of infos) if (info) out.push(info);
    }
    return out;
  }

  async stat(name: string): Promise<CaptureFileInfo | null> {
    this.pathFor(name);
    return this.statPath(name);
  }

  async open(name: string): Promise<OpenCaptureFile | null> {
    const file = this.pathFor(name);
    let handle;
    try {
      // O_NONBLOCK: a FIFO planted under a valid name must not hang the open (it is then refused as not a file).
      handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch (err) {
      if (isCode(err, 'ENOENT', 'ELOOP', 'ENOTDIR', 'EISDIR')) return null;
      throw err;
    }
    const info = await handle.stat({ bigint: true }).catch(async (err: unknown) => {
      await handle.close();
      throw err;
    });
    if (!info.isFile()) {
      await handle.close();
      return null;
    }
    let released = false;
    return {
      name,
      size: Number(info.size),
      modified: toMs(info.mtimeNs),
      createReadStream(range) {
        if (released) throw new Error('capture file already released');
        released = true;
        return handle.createReadStream({ autoClose: true, ...(range ? { start: range.start, end: range.end } : {}) });
      },
      async close() {
        if (released) return;
        released = true;
        await handle.close();
      },
    };
  }

  async delete(name: string): Promise<boolean> {
    const file = this.pathFor(name);
    const info = await this.statPath(name);
    if (!info) return false;
    try {
      await unlink(file);
      return true;
    } catch (err) {
      if (isCode(err, 'ENOENT')) return false;
      throw err;
    }
  }

  async createTempPath(): Promise<string> {
    await mkdir(this.stagingDir, { recursive: true });
    return path.join(this.stagingDir, `${randomUUID()}.part`);
  }

  async saveFile(sourcePath: string, name: string): Promise<CaptureFileInfo> {
    const target = this.pathFor(name);
    const source = path.resolve(sourcePath);
    let staged = source;
    let copied = false;
    if (path.dirname(source) !== this.stagingDir) {
      staged = await this.createTempPath();
      try {
        await rename(source, staged);
      } catch (err) {
        if (!isCode(err, 'EXDEV')) throw err;
        await copyFile(source, staged);
        copied = true;
      }
    }
    try {
      await fsyncFile(staged);
      await this.publish(staged, target, name);
    } catch (err) {
      // Give the caller its file back; drop a copy.
      if (copied) await rm(staged, { force: true });
      else if (staged !== source) await rename(staged, source).catch(() => undefined);
      throw err;
    }
    if (copied) await rm(source, { force: true });
    return this.requireStat(name);
  }

  async writeBuffer(name: string, data: Uint8Array): Promise<CaptureFileInfo> {
    const target = this.pathFor(name);
    const staged = await this.createTempPath();
    try {
      await writeFile(staged, data, { flag: 'wx' });
      await fsyncFile(staged);
      await this.publish(staged, target, name);
    } catch (err) {
      await rm(staged, { force: true });
      throw err;
    }
    return this.requireStat(name);
  }

  /** Makes a complete staged file visible under `target` without replacing an existing one. */
  private async publish(staged: string, target: string, name: string): Promise<void> {
    try {
      await link(staged, target);
    } catch (err) {
      if (isCode(err, 'EEXIST')) throw new CaptureExistsError(name);
      if (!isCode(err, 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS')) throw err;
      // File systems without hard links: check, then rename (a small race, but never partial).
      if (await lstat(target).then(() => true, () => false)) throw new CaptureExistsError(name);
      await rename(staged, target);
      return;
    }
    await unlink(staged);
  }

  private async statPath(name: string): Promise<CaptureFileInfo | null> {
    try {
      const info = await lstat(path.join(this.dir, name), { bigint: true });
      return info.isFile() ? { name, size: Number(info.size), modified: toMs(info.mtimeNs) } : null;
    } catch (err) {
      if (isCode(err, 'ENOENT', 'ENOTDIR')) return null;
      throw err;
    }
  }

  private async requireStat(name: string): Promise<CaptureFileInfo> {
    const info = await this.statPath(name);
    if (!info) throw new Error(`capture '${name}' vanished right after it was saved`);
    return info;
  }

  /** Validates before anything touches the file system; the result is always directly in `dir`. */
  private pathFor(name: string): string {
    if (!isValidCaptureName(name)) throw invalidCaptureName();
    const file = path.join(this.dir, name);
    if (path.dirname(file) !== this.dir) throw invalidCaptureName();
    return file;
  }
}

async function fsyncFile(file: string): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Whole milliseconds from the exact nanosecond time (the float `mtimeMs` can be off by one). */
function toMs(ns: bigint): number {
  return Number(ns / 1_000_000n);
}

function isCode(err: unknown, ...codes: string[]): boolean {
  return typeof err === 'object' && err !== null && codes.includes((err as { code?: string }).code ?? '');
}
