import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { appendFileDurable, isTempFileName, tempPathFor, truncateDurable, unlinkIfExists, writeFileAtomic } from './atomic-file.js';

describe('atomic file helpers', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'figranium-atomic-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates and replaces a file, leaving no temp file behind, with mode 0600', async () => {
    const target = path.join(dir, 'a.json');
    await writeFileAtomic(target, '{"v":1}');
    await writeFileAtomic(target, '{"v":2}');
    expect(await readFile(target, 'utf8')).toBe('{"v":2}');
    expect(await readdir(dir)).toEqual(['a.json']);
    expect((await stat(target)).mode & 0o777).toBe(0o600);
  });

  it('keeps the old content and removes its temp file when the write fails', async () => {
    const target = path.join(dir, 'sub'); // a directory: rename over it fails
    await writeFile(path.join(dir, 'keep.json'), 'old');
    await mkdir(target);
    await expect(writeFileAtomic(target, 'new')).rejects.toThrow();
    expect((await readdir(dir)).sort()).toEqual(['keep.json', 'sub']);
  });

  it('names temp files so that they are recognised and never look like data', () => {
    const tmp = tempPathFor('/data/tasks/task_1.json');
    expect(path.dirname(tmp)).toBe('/data/tasks');
    expect(isTempFileName(path.basename(tmp))).toBe(true);
    expect(path.basename(tmp).startsWith('.task_1.json.')).toBe(true);
    expect(isTempFileName('task_1.json')).toBe(false);
    expect(tempPathFor('/d/x')).not.toBe(tempPathFor('/d/x'));
  });

  it('appends, truncates and unlinks durably', async () => {
    const target = path.join(dir, 'log.jsonl');
    await appendFileDurable(target, 'a\n');
    await appendFileDurable(target, 'b\nc');
    expect(await readFile(target, 'utf8')).toBe('a\nb\nc');
    await truncateDurable(target, 4);
    expect(await readFile(target, 'utf8')).toBe('a\nb\n');
    expect(await unlinkIfExists(target)).toBe(true);
    expect(await unlinkIfExists(target)).toBe(false);
  });
});
