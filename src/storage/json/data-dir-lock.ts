import { open, readFile, stat, unlink, utimes } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { FILE_MODE, fsyncDir, isErrno } from './atomic-file.js';

export const LOCK_FILE_NAME = 'figranium.lock';

export interface LockInfo {
  pid: number;
  hostname: string;
  startedAt: number;
}

export interface LockOptions {
  /** How often the holder touches the lock file (ms). */
  heartbeatMs?: number;
  /** A lock from another host whose file was not touched for this long is stale (ms). */
  foreignStaleAfterMs?: number;
  /** An unreadable (empty, half-written) lock file older than this is stale (ms). */
  unreadableStaleAfterMs?: number;
}

export class DataDirInUseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataDirInUseError';
  }
}

/** Lock files held by this process, so a second open in the same process is refused too. */
const heldInThisProcess = new Set<string>();

function parseLock(text: string): LockInfo | null {
  try {
    const v = JSON.parse(text) as Partial<LockInfo> | null;
    if (v && Number.isInteger(v.pid) && typeof v.hostname === 'string' && typeof v.startedAt === 'number') {
      return { pid: v.pid!, hostname: v.hostname, startedAt: v.startedAt };
    }
  } catch {
    // fall through
  }
  return null;
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return !isErrno(err, 'ESRCH');
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One process owns a data directory: `<dataDir>/figranium.lock` is created with O_EXCL and holds
 * `{pid, hostname, startedAt}`. A lock naming a dead process on this host (or a process id that is
 * this very process but not held by it, as after a container restart where the server is pid 1)
 * is stale and taken over. A lock from another host is stale once its heartbeat stops.
 */
export class DataDirLock {
  private timer: NodeJS.Timeout | null = null;
  private released = false;

  private constructor(
    readonly dataDir: string,
    readonly lockPath: string,
    readonly info: LockInfo,
  ) {}

  static async acquire(dataDir: string, options: LockOptions = {}): Promise<DataDirLock> {
    const lockPath = path.join(dataDir, LOCK_FILE_NAME);
    const heartbeatMs = options.heartbeatMs ?? 10_000;
    const foreignStaleAfterMs = options.foreignStaleAfterMs ?? 60_000;
    const unreadableStaleAfterMs = options.unreadableStaleAfterMs ?? 10_000;
    if (heldInThisProcess.has(lockPath)) {
      throw new DataDirInUseError(`Data directory ${dataDir} is in use by process ${process.pid} (this process); close the other storage instance first.`);
    }
    for (let attempt = 0; attempt < 20; attempt++) {
      const info: LockInfo = { pid: process.pid, hostname: os.hostname(), startedAt: Date.now() };
      if (await DataDirLock.tryCreate(lockPath, info)) {
        heldInThisProcess.add(lockPath);
        const lock = new DataDirLock(dataDir, lockPath, info);
        lock.startHeartbeat(heartbeatMs);
        return lock;
      }
      let text: string;
      let mtimeMs: number;
      try {
        text = await readFile(lockPath, 'utf8');
        mtimeMs = (await stat(lockPath)).mtimeMs;
      } catch (err) {
        if (isErrno(err, 'ENOENT')) continue; // released meanwhile: try again
        throw err;
      }
      const holder = parseLock(text);
      if (holder === null) {
        // Possibly being written right now by another process: only stale once it is old.
        if (Date.now() - mtimeMs < unreadableStaleAfterMs) {
          if (attempt < 19) {
            await sleep(100);
            continue;
          }
          throw new DataDirInUseError(
            `Data directory ${dataDir} is locked by ${lockPath}, which is unreadable; if no other Figranium process uses this directory, delete that file.`,
          );
        }
      } else if (DataDirLock.holderIsLive(holder, mtimeMs, foreignStaleAfterMs)) {
        const where = holder.hostname === os.hostname() ? '' : ` on host ${holder.hostname}`;
        throw new DataDirInUseError(
          `Data directory ${dataDir} is in use by process ${holder.pid}${where} (since ${new Date(holder.startedAt).toISOString()}). ` +
            `Only one Figranium process may use a data directory; stop the other process, or delete ${lockPath} if it is not running.`,
        );
      }
      // Stale: remove it, but only if it is still the same file content we judged.
      try {
        if ((await readFile(lockPath, 'utf8')) === text) await unlink(lockPath);
      } catch (err) {
        if (!isErrno(err, 'ENOENT')) throw err;
      }
    }
    throw new DataDirInUseError(`Data directory ${dataDir}: could not acquire ${lockPath} (it keeps changing)`);
  }

  private static holderIsLive(holder: LockInfo, mtimeMs: number, foreignStaleAfterMs: number): boolean {
    if (holder.hostname !== os.hostname()) return Date.now() - mtimeMs < foreignStaleAfterMs;
    // Same pid as ours but not held by this process: a previous incarnation (e.g. pid 1 in a container).
    if (holder.pid === process.pid) return false;
    return processIsAlive(holder.pid);
  }

  private static async tryCreate(lockPath: string, info: LockInfo): Promise<boolean> {
    let fh;
    try {
      fh = await open(lockPath, 'wx', FILE_MODE);
    } catch (err) {
      if (isErrno(err, 'EEXIST')) return false;
      throw err;
    }
    try {
      await fh.writeFile(`${JSON.stringify(info)}\n`);
      await fh.sync();
    } catch (err) {
      await fh.close();
      await unlink(lockPath).catch(() => undefined);
      throw err;
    }
    await fh.close();
    await fsyncDir(path.dirname(lockPath));
    return true;
  }

  private startHeartbeat(ms: number): void {
    this.timer = setInterval(() => {
      const now = new Date();
      utimes(this.lockPath, now, now).catch(() => undefined);
    }, ms);
    this.timer.unref();
  }

  /** Resolves when the lock file still names this holder; rejects otherwise. */
  async verify(): Promise<void> {
    if (this.released) throw new Error('Data directory lock was released');
    const holder = parseLock(await readFile(this.lockPath, 'utf8'));
    if (!holder || holder.pid !== this.info.pid || holder.hostname !== this.info.hostname || holder.startedAt !== this.info.startedAt) {
      throw new Error('Data directory lock is held by someone else');
    }
  }

  /** Removes the lock file if it still names this holder. Idempotent. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    if (this.timer) clearInterval(this.timer);
    heldInThisProcess.delete(this.lockPath);
    try {
      const holder = parseLock(await readFile(this.lockPath, 'utf8'));
      if (holder && holder.pid === this.info.pid && holder.startedAt === this.info.startedAt && holder.hostname === this.info.hostname) {
        await unlink(this.lockPath);
        await fsyncDir(this.dataDir);
      }
    } catch (err) {
      if (!isErrno(err, 'ENOENT')) throw err;
    }
  }
}
