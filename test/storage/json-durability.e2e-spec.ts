/**
 * JSON storage durability across processes: kill -9 mid-write, corrupt files, the data-dir lock
 * between processes, and O(1) files written per execution whatever the history size.
 * The child process runs the real provider, compiled from src/storage/json with tsc (no type
 * check) into .test-tmp/.
 */
import { ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { LOCK_FILE_NAME } from '../../src/storage/json/data-dir-lock.js';
import { executionRecord } from './repository-contract.js';
import { makeTempDataDir, openJsonUnderTest, removeDir } from './json-test-storage.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CHILD_SCRIPT = path.join(ROOT, 'test/storage/fixtures/json-storage-child.mjs');

let buildDir: string;
let compiledStorage: string;
const dirs: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await makeTempDataDir();
  dirs.push(dir);
  return dir;
}

beforeAll(async () => {
  await mkdir(path.join(ROOT, '.test-tmp'), { recursive: true });
  buildDir = await mkdtemp(path.join(ROOT, '.test-tmp', 'json-durability-'));
  const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
  // Inside the project so that package.json ("type": "module") and node_modules apply.
  await promisify(execFile)(process.execPath, [
    tsc, '--ignoreConfig', '--noCheck', '--outDir', buildDir, '--rootDir', ROOT, '--module', 'nodenext',
    '--moduleResolution', 'nodenext', '--target', 'ES2022', '--skipLibCheck', '--types', 'node',
    path.join(ROOT, 'src/storage/json/json-storage.ts'),
  ]);
  compiledStorage = path.join(buildDir, 'src/storage/json/json-storage.js');
  await stat(compiledStorage);
});

afterAll(async () => {
  await Promise.all(dirs.map(removeDir));
  if (buildDir) await rm(buildDir, { recursive: true, force: true });
});

interface Child {
  proc: ChildProcessWithoutNullStreams;
  lines: string[];
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once `count` lines matching `match` have been printed. */
  waitFor(match: (line: string) => boolean, count?: number, timeoutMs?: number): Promise<void>;
}

function startChild(dataDir: string, mode: 'loop' | 'open' | 'hold', prefix = 'x'): Child {
  const proc = spawn(process.execPath, [CHILD_SCRIPT, compiledStorage, dataDir, mode, prefix], { stdio: 'pipe' });
  const lines: string[] = [];
  let stderr = '';
  const listeners = new Set<() => void>();
  createInterface({ input: proc.stdout }).on('line', (line) => {
    lines.push(line);
    for (const l of listeners) l();
  });
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  void exited.then(() => {
    for (const l of listeners) l();
  });
  const waitFor = (match: (line: string) => boolean, count = 1, timeoutMs = 60_000) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (lines.filter(match).length >= count) {
          listeners.delete(check);
          clearTimeout(timer);
          resolve();
        } else if (proc.exitCode !== null || proc.signalCode !== null) {
          listeners.delete(check);
          clearTimeout(timer);
          reject(new Error(`child exited early; stdout: ${lines.slice(-5).join(' | ')}; stderr: ${stderr}`));
        }
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`timed out; stdout: ${lines.slice(-5).join(' | ')}; stderr: ${stderr}`));
      }, timeoutMs);
      listeners.add(check);
      check();
    });
  return { proc, lines, stderr: () => stderr, exited, waitFor };
}

/** Every regular file under `dir` (relative path -> inode:size:mtime), except the lock file. */
async function snapshotFiles(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    const rel = path.relative(dir, full);
    if (rel === LOCK_FILE_NAME) continue;
    const st = await stat(full, { bigint: true });
    out.set(rel, `${st.ino}:${st.size}:${st.mtimeNs}`);
  }
  return out;
}

function changedFiles(before: Map<string, string>, after: Map<string, string>): string[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys].filter((k) => before.get(k) !== after.get(k)).sort();
}

describe('JSON storage durability', () => {
  it('keeps every acknowledged write readable after kill -9 mid-write, and leaves no temp or corrupt file', async () => {
    const dir = await tempDir();
    const creates = new Set<string>();
    const eventSeqs = new Map<string, number>();
    const updates = new Set<string>();
    const results = new Set<string>();
    const taskVersions = new Map<string, number>();
    let settingCounter = 0;

    for (const round of [1, 2, 3]) {
      const child = startChild(dir, 'loop', `r${round}`);
      await child.waitFor((l) => l === 'opened');
      const target = 150 + Math.floor(Math.random() * 250);
      await child.waitFor((l) => l.startsWith('ack '), target);
      child.proc.kill('SIGKILL');
      expect((await child.exited).signal).toBe('SIGKILL');
      for (const line of child.lines) {
        const [ack, kind, a, b] = line.split(' ');
        if (ack !== 'ack') continue;
        if (kind === 'create') creates.add(a);
        else if (kind === 'events') eventSeqs.set(a, Math.max(eventSeqs.get(a) ?? 0, Number(b)));
        else if (kind === 'update') updates.add(a);
        else if (kind === 'result') results.add(a);
        else if (kind === 'setting') settingCounter = Math.max(settingCounter, Number(a));
        else if (kind === 'task') taskVersions.set(a, Math.max(taskVersions.get(a) ?? 0, Number(b)));
      }
    }
    expect(creates.size).toBeGreaterThan(20);

    // The killed child's lock names a dead process: this open takes it over.
    const s = await openJsonUnderTest(dir);
    try {
      expect(JSON.parse(await readFile(path.join(dir, LOCK_FILE_NAME), 'utf8')).pid).toBe(process.pid);
      for (const id of creates) {
        const rec = await s.executions.get(id);
        expect(rec?.id).toBe(id);
        expect((await s.executions.findByIdempotencyKey(`idem_${id}`))?.id).toBe(id);
      }
      for (const [id, maxSeq] of eventSeqs) {
        const seqs = (await s.executions.listEvents(id)).map((e) => e.seq);
        expect(seqs.slice(0, maxSeq)).toEqual(Array.from({ length: maxSeq }, (_, i) => i + 1));
      }
      for (const id of updates) expect((await s.executions.get(id))?.phase).toBe('running');
      for (const id of results) expect(await s.executions.getFullResult(id)).toMatchObject({ rows: expect.any(Array) });
      expect(await s.settings.get('counter')).toBeGreaterThanOrEqual(settingCounter);
      for (const [taskId, n] of taskVersions) {
        const round = taskId.split('.')[1].split(':')[0];
        expect((await s.tasks.get(taskId))?.updatedAt).toBeGreaterThanOrEqual(n);
        expect(await s.tasks.getVersion(taskId, `ver_${round}_${String(n).padStart(6, '0')}`)).not.toBeNull();
      }

      // Nothing half-written is left: no temp files, and every data file parses.
      const files = [...(await snapshotFiles(dir)).keys()];
      expect(files.filter((f) => path.basename(f).startsWith('.'))).toEqual([]);
      for (const f of files) {
        const text = await readFile(path.join(dir, f), 'utf8');
        if (f.endsWith('.json')) expect(() => JSON.parse(text)).not.toThrow();
        if (f.endsWith('.jsonl')) for (const line of text.split('\n').slice(0, -1)) expect(() => JSON.parse(line)).not.toThrow();
      }
      // appends still work on every execution, even one whose log was cut mid-line
      for (const id of creates) await s.executions.appendEvents(id, [{ seq: 100, ts: 1, event: 'log', message: 'after crash' }]);
      for (const id of creates) expect((await s.executions.listEvents(id, 99)).map((e) => e.seq)).toEqual([100]);
    } finally {
      await s.close();
    }
  });
  describe('a corrupt data file stops the open, named in the error, and is left untouched', () => {
    const cases: { file: string; content: string }[] = [
      { file: 'tasks/x.json', content: 'garbage{' },
      { file: 'tasks/task_1.json', content: '{"task": {"id": "another"}, "versions": []}' },
      { file: 'executions/exec_01.json', content: '{"id":"exec_01","runId":' },
      { file: 'settings.json', content: '' },
      { file: 'proxies.json', content: '{"not":"an array"}' },
      { file: 'credentials.json', content: '[{"id": 5}]' },
    ];

    it.each(cases)('$file', async ({ file, content }) => {
      const dir = await tempDir();
      let s = await openJsonUnderTest(dir);
      await s.tasks.save({ id: 'task_1', name: 'n', createdAt: 1, updatedAt: 1 });
      await s.executions.create(executionRecord('exec_01'));
      await s.settings.set('k', 'v');
      await s.close();
      const target = path.join(dir, file);
      await writeFile(target, content);
      const before = await snapshotFiles(dir);

      for (let attempt = 0; attempt < 2; attempt++) {
        // the second attempt proves the failed open released the lock (same error, not "in use")
        await expect(openJsonUnderTest(dir)).rejects.toThrow(`Corrupt data file ${target}`);
      }
      expect(await readFile(target, 'utf8')).toBe(content);
      expect(await snapshotFiles(dir)).toEqual(before);
      await expect(stat(path.join(dir, LOCK_FILE_NAME))).rejects.toMatchObject({ code: 'ENOENT' });

      await rm(target);
      s = await openJsonUnderTest(dir);
      await s.close();
    });
  });

  it('refuses a second process while one holds the data directory, and allows it after close', async () => {
    const dir = await tempDir();
    const mine = await openJsonUnderTest(dir);
    const refused = startChild(dir, 'open');
    expect((await refused.exited).code).toBe(3);
    expect(refused.lines.join('\n')).toContain(`error Data directory ${dir} is in use by process ${process.pid}`);
    await mine.close();

    const allowed = startChild(dir, 'open');
    expect((await allowed.exited).code).toBe(0);
    expect(allowed.lines).toEqual(['opened']);

    const holder = startChild(dir, 'hold');
    await holder.waitFor((l) => l === 'opened');
    await expect(openJsonUnderTest(dir)).rejects.toThrow(`Data directory ${dir} is in use by process ${holder.proc.pid}`);
    holder.proc.stdin.end();
    await holder.waitFor((l) => l === 'closed');
    expect((await holder.exited).code).toBe(0);
    const after = await openJsonUnderTest(dir);
    await after.close();
  });

  it('writes the same single file per create, append and update with 10 or 5000 stored executions', async () => {
    const touched: Record<number, string[][]> = {};
    for (const stored of [10, 5000]) {
      const dir = await tempDir();
      const s = await openJsonUnderTest(dir, { maxExecutions: 100_000 });
      try {
        const ids = Array.from({ length: stored }, (_, i) => `exec_seed_${String(i).padStart(5, '0')}`);
        for (let i = 0; i < ids.length; i += 100) {
          await Promise.all(ids.slice(i, i + 100).map((id, j) => s.executions.create(executionRecord(id, { timestamp: 1_000 + i + j, phase: 'finished' }))));
        }
        await s.executions.appendEvents(ids[0], [{ seq: 1, ts: 1, event: 'log', message: 'seed' }]);
        const steps: [string, () => Promise<unknown>][] = [
          ['create', () => s.executions.create(executionRecord('exec_new', { timestamp: 999_999 }))],
          ['append', () => s.executions.appendEvents('exec_new', [{ seq: 1, ts: 1, event: 'phase', message: 'queued' }])],
          ['update', () => s.executions.update('exec_new', { phase: 'running' }, ['queued'])],
          ['finish', () => s.executions.update('exec_new', { phase: 'finished', outcome: 'success' }, ['running'])],
        ];
        touched[stored] = [];
        for (const [, step] of steps) {
          const before = await snapshotFiles(dir);
          await step();
          touched[stored].push(changedFiles(before, await snapshotFiles(dir)));
        }
        expect((await s.executions.list({}, 1))[0].id).toBe('exec_new');
      } finally {
        await s.close();
      }
    }
    const expected = [['executions/exec_new.json'], ['executions/exec_new.events.jsonl'], ['executions/exec_new.json'], ['executions/exec_new.json']];
    expect(touched[10]).toEqual(expected);
    expect(touched[5000]).toEqual(expected);
  });
});
