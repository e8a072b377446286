// The server as a real child process (`node <build>/src/main.js`) for the restart suites: built
// once per test file into .test-tmp (inside the project so node_modules resolve), started with
// an explicit environment, killed with SIGKILL or stopped with SIGTERM.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../support/postgres.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Variables of the test process the child may inherit (tool paths; never test-only settings). */
const INHERITED = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'PLAYWRIGHT_BROWSERS_PATH', 'PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH'];

export interface ServerBuild {
  mainJs: string;
  remove(): void;
}

/** `tsc -p tsconfig.build.json --outDir .test-tmp/server-build-<random>` (about 7 s). */
export async function buildServer(): Promise<ServerBuild> {
  const outDir = path.join(ROOT, '.test-tmp', `server-build-${randomBytes(4).toString('hex')}`);
  const remove = () => rmSync(outDir, { recursive: true, force: true });
  const output = await new Promise<string | null>((resolve) => {
    execFile(path.join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json', '--outDir', outDir], { cwd: ROOT }, (err, stdout) => resolve(err ? `${err.message}\n${stdout}` : null));
  });
  const mainJs = path.join(outDir, 'src', 'main.js');
  // tsc emits despite type errors; only a missing entry point is fatal here.
  if (!existsSync(mainJs)) {
    remove();
    throw new Error(`server build failed:\n${output ?? 'no output'}`);
  }
  return { mainJs, remove };
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One running server process. */
export class ServerProcess {
  /** Every stdout/stderr line (pino JSON on stdout). */
  readonly logs: string[] = [];
  private exitInfo: ExitInfo | null = null;
  readonly exited: Promise<ExitInfo>;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    readonly apiKey: string,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
    });
    for (const stream of [child.stdout, child.stderr]) {
      let rest = '';
      stream?.on('data', (chunk: Buffer) => {
        const lines = (rest + chunk.toString('utf8')).split('\n');
        rest = lines.pop() ?? '';
        this.logs.push(...lines.filter(Boolean));
      });
    }
  }

  get pid(): number {
    return this.child.pid!;
  }

  /**
   * Starts `node <mainJs>` on a free 127.0.0.1 port with `env` (plus tool paths) and waits until
   * GET /api/health/ready answers 200. The child leads its own process group, so its Chromium
   * processes can be cleaned up with it.
   */
  static async start(build: ServerBuild, env: Record<string, string> & { API_KEY: string }, timeoutMs = 30_000): Promise<ServerProcess> {
    const port = await freePort();
    const inherited = Object.fromEntries(INHERITED.flatMap((k) => (process.env[k] !== undefined ? [[k, process.env[k]!]] : [])));
    const child = spawn(process.execPath, [build.mainJs], {
      cwd: ROOT,
      env: { ...inherited, LOG_LEVEL: 'info', ...env, HOST: '127.0.0.1', PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const server = new ServerProcess(child, `http://127.0.0.1:${port}`, env.API_KEY);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (server.exitInfo) throw new Error(`server exited during startup (${JSON.stringify(server.exitInfo)}):\n${server.logs.slice(-30).join('\n')}`);
      const status = await fetch(`${server.url}/api/health/ready`).then(
        (r) => r.status,
        () => 0,
      );
      if (status === 200) return server;
      if (Date.now() > deadline) {
        await server.kill9();
        throw new Error(`server not ready after ${timeoutMs} ms:\n${server.logs.slice(-30).join('\n')}`);
      }
      await sleep(100);
    }
  }

  /** `kill -9` of the server process, then of whatever is left in its group (its browsers). */
  async kill9(): Promise<ExitInfo> {
    if (!this.exitInfo) this.signal(this.pid, 'SIGKILL');
    const info = await this.exited;
    this.signal(-this.pid, 'SIGKILL');
    return info;
  }

  /** SIGTERM (graceful shutdown); SIGKILL after `graceMs`. */
  async stop(graceMs = 15_000): Promise<ExitInfo> {
    if (this.exitInfo) return this.kill9();
    this.signal(this.pid, 'SIGTERM');
    const timer = setTimeout(() => this.signal(this.pid, 'SIGKILL'), graceMs);
    try {
      await this.exited;
    } finally {
      clearTimeout(timer);
    }
    return this.kill9();
  }

  private signal(pid: number, signal: NodeJS.Signals): void {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}
