import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { DomainError } from '../../common/errors.js';
import { CaptureExistsError } from './capture-store.js';
import { FsCaptureStore, STAGING_DIR_NAME } from './fs-capture-store.js';

const MS = 1733223995120;
const SHOT = `run1_shot_${MS}_a.png`;
const DL = `run1_dl_${MS}_report.pdf`;

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('FsCaptureStore', () => {
  let root: string;
  let dir: string;
  let outside: string;
  let store: FsCaptureStore;

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'captures-store-'));
    dir = path.join(root, 'captures');
    outside = path.join(root, 'outside.txt');
    writeFileSync(outside, 'do not touch');
    store = new FsCaptureStore(dir);
    await store.init();
  });
  afterEach(async () => rm(root, { recursive: true, force: true }));

  it('lists only regular files with valid names', async () => {
    writeFileSync(path.join(dir, SHOT), 'png');
    writeFileSync(path.join(dir, DL), 'pdf!');
    writeFileSync(path.join(dir, 'notes.txt'), 'x');
    writeFileSync(path.join(dir, `run1_dl_${MS}`), 'dl without suffix');
    mkdirSync(path.join(dir, `run2_final_${MS}.png`));
    symlinkSync(outside, path.join(dir, `run3_final_${MS}.png`));
    writeFileSync(path.join(dir, STAGING_DIR_NAME, 'x.part'), 'partial');
    const list = await store.list();
    expect(list.map((c) => c.name).sort()).toEqual([DL, SHOT].sort());
    expect(list.find((c) => c.name === DL)).toEqual({ name: DL, size: 4, modified: expect.any(Number) });
  });

  it('answers an empty list when the directory does not exist', async () => {
    expect(await new FsCaptureStore(path.join(root, 'missing')).list()).toEqual([]);
  });

  it('stats, opens (whole and ranged) and deletes a file', async () => {
    writeFileSync(path.join(dir, SHOT), '0123456789');
    const T = 1733223995000; // whole seconds: utimes cannot set every millisecond exactly
    utimesSync(path.join(dir, SHOT), T / 1000, T / 1000);
    expect(await store.stat(SHOT)).toEqual({ name: SHOT, size: 10, modified: T });

    const whole = await store.open(SHOT);
    expect(whole).toMatchObject({ name: SHOT, size: 10, modified: T });
    expect(await readAll(whole!.createReadStream())).toBe('0123456789');
    await whole!.close(); // no-op after streaming

    const part = await store.open(SHOT);
    expect(await readAll(part!.createReadStream({ start: 2, end: 4 }))).toBe('234');
    expect(() => part!.createReadStream()).toThrow();

    const unused = await store.open(SHOT);
    await unused!.close();
    await unused!.close();

    expect(await store.delete(SHOT)).toBe(true);
    expect(await store.delete(SHOT)).toBe(false);
    expect(await store.stat(SHOT)).toBeNull();
    expect(await store.open(SHOT)).toBeNull();
  });

  it('treats symbolic links and directories as absent and never follows them', async () => {
    const link = `run3_final_${MS}.png`;
    symlinkSync(outside, path.join(dir, link));
    mkdirSync(path.join(dir, `run4_final_${MS}.png`));
    expect(await store.stat(link)).toBeNull();
    expect(await store.open(link)).toBeNull();
    expect(await store.delete(link)).toBe(false);
    expect(await store.open(`run4_final_${MS}.png`)).toBeNull();
    expect(await store.delete(`run4_final_${MS}.png`)).toBe(false);
    expect(readFileSync(outside, 'utf8')).toBe('do not touch');
  });

  it('refuses a FIFO under a valid name without blocking', async () => {
    const fifo = `run5_final_${MS}.png`;
    execFileSync('mkfifo', [path.join(dir, fifo)]);
    expect(await store.open(fifo)).toBeNull();
    expect(await store.stat(fifo)).toBeNull();
    expect((await store.list()).map((c) => c.name)).not.toContain(fifo);
  });

  it.each(['..', '../outside.txt', '..%2Foutside.txt', 'a\\b', 'x\0', '/etc/passwd', '.incoming', `run1_final_${MS}.png/..`])(
    'refuses %j with INVALID_NAME before touching the file system',
    async (name) => {
      for (const op of [() => store.stat(name), () => store.open(name), () => store.delete(name), () => store.writeBuffer(name, Buffer.from('x'))]) {
        await expect(op()).rejects.toMatchObject({ code: 'INVALID_NAME' });
      }
      await expect(store.delete(name)).rejects.toBeInstanceOf(DomainError);
      expect(readFileSync(outside, 'utf8')).toBe('do not touch');
    },
  );

  it('writes a buffer through the staging area and never overwrites', async () => {
    const info = await store.writeBuffer(SHOT, Buffer.from('first'));
    expect(info).toEqual({ name: SHOT, size: 5, modified: expect.any(Number) });
    expect(readFileSync(path.join(dir, SHOT), 'utf8')).toBe('first');
    await expect(store.writeBuffer(SHOT, Buffer.from('second'))).rejects.toBeInstanceOf(CaptureExistsError);
    expect(readFileSync(path.join(dir, SHOT), 'utf8')).toBe('first');
    expect(readdirSync(path.join(dir, STAGING_DIR_NAME))).toEqual([]);
  });

  it('moves a staged temp file into place', async () => {
    const tmp = await store.createTempPath();
    expect(path.dirname(tmp)).toBe(path.join(dir, STAGING_DIR_NAME));
    writeFileSync(tmp, 'video');
    // Not visible while staged.
    expect(await store.list()).toEqual([]);
    const info = await store.saveFile(tmp, `run1_rec_${MS}.webm`);
    expect(info.size).toBe(5);
    expect(existsSync(tmp)).toBe(false);
    expect((await store.list()).map((c) => c.name)).toEqual([`run1_rec_${MS}.webm`]);
  });

  it('moves a file from another directory and removes the source', async () => {
    const src = path.join(root, 'download.bin');
    writeFileSync(src, 'bytes');
    await store.saveFile(src, DL);
    expect(existsSync(src)).toBe(false);
    expect(readFileSync(path.join(dir, DL), 'utf8')).toBe('bytes');
  });

  it('gives the source back when the name is taken', async () => {
    writeFileSync(path.join(dir, DL), 'original');
    const src = path.join(root, 'download.bin');
    writeFileSync(src, 'newer');
    await expect(store.saveFile(src, DL)).rejects.toBeInstanceOf(CaptureExistsError);
    expect(readFileSync(src, 'utf8')).toBe('newer');
    expect(readFileSync(path.join(dir, DL), 'utf8')).toBe('original');
    expect(readdirSync(path.join(dir, STAGING_DIR_NAME))).toEqual([]);
  });

  it('refuses an invalid target name without moving the source', async () => {
    const src = path.join(root, 'download.bin');
    writeFileSync(src, 'bytes');
    await expect(store.saveFile(src, '../escape.bin')).rejects.toMatchObject({ code: 'INVALID_NAME' });
    expect(existsSync(src)).toBe(true);
    expect(existsSync(path.join(root, 'escape.bin'))).toBe(false);
  });

  it('removes stale staging files on init and keeps fresh ones', async () => {
    const staging = path.join(dir, STAGING_DIR_NAME);
    writeFileSync(path.join(staging, 'old.part'), 'x');
    writeFileSync(path.join(staging, 'new.part'), 'x');
    const old = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    utimesSync(path.join(staging, 'old.part'), old, old);
    await store.init();
    expect(readdirSync(staging)).toEqual(['new.part']);
  });
});
