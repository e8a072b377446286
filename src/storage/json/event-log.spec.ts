import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { StoredEvent } from '../ports/execution.repository.js';
import { appendEventLines, readEventLines, repairTornTail } from './event-log.js';
import { CorruptDataFileError } from './read-json-file.js';

const ev = (seq: number): StoredEvent => ({ seq, ts: seq, event: 'log', message: `m${seq}` });

describe('event log (JSON lines)', () => {
  let dir: string;
  let file: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'figranium-events-'));
    file = path.join(dir, 'exec_1.events.jsonl');
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('appends lines and reads them back; a missing file is empty', async () => {
    expect(await readEventLines(file)).toEqual([]);
    await appendEventLines(file, [ev(1), ev(2)]);
    await appendEventLines(file, [ev(3)]);
    expect(await readEventLines(file)).toEqual([ev(1), ev(2), ev(3)]);
    expect(await readFile(file, 'utf8')).toBe(`${JSON.stringify(ev(1))}\n${JSON.stringify(ev(2))}\n${JSON.stringify(ev(3))}\n`);
  });

  it('ignores a torn final line and cuts it before the next append', async () => {
    await appendEventLines(file, [ev(1)]);
    await appendFile(file, '{"seq":2,"ts":2,"ev');
    expect(await readEventLines(file)).toEqual([ev(1)]);
    expect(await repairTornTail(file)).toBe(true);
    expect(await repairTornTail(file)).toBe(false);
    await appendEventLines(file, [ev(2)]);
    expect(await readEventLines(file)).toEqual([ev(1), ev(2)]);
  });

  it('cuts a torn first line down to an empty file', async () => {
    await writeFile(file, '{"seq":1');
    expect(await repairTornTail(file)).toBe(true);
    expect(await readFile(file, 'utf8')).toBe('');
    expect(await repairTornTail(path.join(dir, 'missing.jsonl'))).toBe(false);
  });

  it('treats a bad line that is not the last one as corruption, naming the file and line', async () => {
    await writeFile(file, `${JSON.stringify(ev(1))}\nGARBAGE\n${JSON.stringify(ev(3))}\n`);
    await expect(readEventLines(file)).rejects.toThrow(CorruptDataFileError);
    await expect(readEventLines(file)).rejects.toThrow(`${file}: line 2`);
    await writeFile(file, `${JSON.stringify(ev(1))}\n[1,2]\n`);
    await expect(readEventLines(file)).rejects.toThrow('line 2 is not an event');
  });
});
