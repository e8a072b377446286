import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataDirInUseError, DataDirLock, LOCK_FILE_NAME } from './data-dir-lock.js';

/** A pid that belonged to a process which has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('DataDirLock', () => {
  let dir: string;
  let lockPath: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'figranium-lock-'));
    lockPath = path.join(dir, LOCK_FILE_NAME);
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes {pid, hostname, startedAt}, refuses a second holder in this process, and releases', async () => {
    const lock = await DataDirLock.acquire(dir);
    const info = JSON.parse(await readFile(lockPath, 'utf8'));
    expect(info).toEqual({ pid: process.pid, hostname: os.hostname(), startedAt: lock.info.startedAt });
    await expect(DataDirLock.acquire(dir)).rejects.toThrow(`Data directory ${dir} is in use by process ${process.pid}`);
    await lock.verify();
    await lock.release();
    await expect(stat(lockPath)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(lock.verify()).rejects.toThrow();
    const again = await DataDirLock.acquire(dir);
    await again.release();
  });

  it('refuses a lock held by a live process on this host', async () => {
    // pid 1 is always alive; it is not this process
    await writeFile(lockPath, JSON.stringify({ pid: 1, hostname: os.hostname(), startedAt: 1 }));
    const err = await DataDirLock.acquire(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataDirInUseError);
    expect((err as Error).message).toContain(`Data directory ${dir} is in use by process 1`);
    expect((err as Error).message).toContain(lockPath);
    expect(JSON.parse(await readFile(lockPath, 'utf8')).pid).toBe(1);
  });

  it('takes over a stale lock of a dead process on this host', async () => {
    const pid = deadPid();
    await writeFile(lockPath, JSON.stringify({ pid, hostname: os.hostname(), startedAt: 1 }));
    const lock = await DataDirLock.acquire(dir);
    expect(JSON.parse(await readFile(lockPath, 'utf8')).pid).toBe(process.pid);
    await lock.release();
  });

  it('takes over a lock naming this pid that this process does not hold (container restart as pid 1)', async () => {
    await writeFile(lockPath, JSON.stringify({ pid: process.pid, hostname: os.hostname(), startedAt: 1 }));
    const lock = await DataDirLock.acquire(dir);
    expect(JSON.parse(await readFile(lockPath, 'utf8')).startedAt).toBe(lock.info.startedAt);
    await lock.release();
  });

  it('respects a fresh lock from another host and takes over one whose heartbeat stopped', async () => {
    await writeFile(lockPath, JSON.stringify({ pid: 4242, hostname: 'other-host', startedAt: 1 }));
    await expect(DataDirLock.acquire(dir, { foreignStaleAfterMs: 60_000 })).rejects.toThrow('in use by process 4242 on host other-host');
    const old = new Date(Date.now() - 120_000);
    await utimes(lockPath, old, old);
    const lock = await DataDirLock.acquire(dir, { foreignStaleAfterMs: 60_000 });
    await lock.release();
  });

  it('keeps its lock fresh with a heartbeat', async () => {
    const lock = await DataDirLock.acquire(dir, { heartbeatMs: 20 });
    const old = new Date(Date.now() - 120_000);
    await utimes(lockPath, old, old);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(Date.now() - (await stat(lockPath)).mtimeMs).toBeLessThan(10_000);
    await lock.release();
  });

  it('waits on an unreadable lock that is young and takes it over once it is old', async () => {
    await writeFile(lockPath, '');
    await expect(DataDirLock.acquire(dir, { unreadableStaleAfterMs: 60_000 })).rejects.toThrow('unreadable');
    const old = new Date(Date.now() - 120_000);
    await utimes(lockPath, old, old);
    const lock = await DataDirLock.acquire(dir, { unreadableStaleAfterMs: 60_000 });
    await lock.release();
  });

  it('verify fails and release leaves the file alone when someone else replaced the lock', async () => {
    const lock = await DataDirLock.acquire(dir);
    const foreign = JSON.stringify({ pid: 1, hostname: os.hostname(), startedAt: 2 });
    await writeFile(lockPath, foreign);
    await expect(lock.verify()).rejects.toThrow('held by someone else');
    await lock.release();
    expect(await readFile(lockPath, 'utf8')).toBe(foreign);
  });
});
