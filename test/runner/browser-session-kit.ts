// Helpers for the browser-session end-to-end suites (RUNNER §11).
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright';
import { BrowserSessionFactory, type BrowserSession } from '../../src/runner/browser/browser-session.js';
import type { RunEvent } from '../../src/runner/runner.types.js';
import type { NormalisedTask } from '../../src/tasks/model/task.types.js';
import { validateTask } from '../../src/tasks/model/validate-task.js';
import { TEST_CHROMIUM_PATH } from '../fixtures/chromium.js';
import type { TestApp } from '../support/app-harness.js';

/** Env for a test app whose pool uses the test Chromium. */
export function browserEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH: TEST_CHROMIUM_PATH, ...extra };
}

/** A normalised task with every default filled, plus overrides. */
export function makeTask(overrides: Partial<NormalisedTask> = {}): NormalisedTask {
  const result = validateTask(
    { name: 'browser session test', url: 'https://example.com/' },
    { maxTaskBytes: 5 * 1024 * 1024, maxRunTimeoutSeconds: 3600, credentialExists: () => false, newActionId: () => 'act_test' },
  );
  if (!('task' in result)) throw new Error(`test task invalid: ${JSON.stringify(result.errors)}`);
  return { ...result.task, ...overrides };
}

export interface OpenedSession {
  session: BrowserSession;
  events: RunEvent[];
  runId: string;
  startedAt: number;
  controller: AbortController;
  logs(level?: 'info' | 'warn' | 'error'): string[];
}

let runCounter = 0;

export async function openSession(
  t: TestApp,
  options: { task?: Partial<NormalisedTask>; stateless?: boolean; runId?: string } = {},
): Promise<OpenedSession> {
  const factory = t.app.get(BrowserSessionFactory);
  const events: RunEvent[] = [];
  const controller = new AbortController();
  const runId = options.runId ?? `run_test${Date.now()}${++runCounter}`;
  const startedAt = Date.now();
  const session = await factory.open({
    runId,
    startedAt,
    task: makeTask({ disableRecording: true, ...options.task }),
    stateless: options.stateless ?? true,
    events: { emit: (e) => events.push(e) },
    signal: controller.signal,
  });
  return {
    session,
    events,
    runId,
    startedAt,
    controller,
    logs: (level) => events.flatMap((e) => (e.event === 'log' && (level === undefined || e.level === level) ? [e.message] : [])),
  };
}

export const NAV = { timeoutMs: 15_000 };

export function signal(): AbortSignal {
  return new AbortController().signal;
}

/** The browser process id, asked over CDP. */
export async function browserPid(browser: Browser): Promise<number> {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const info = (await cdp.send('SystemInfo.getProcessInfo')) as { processInfo: Array<{ type: string; id: number }> };
    const main = info.processInfo.find((p) => p.type === 'browser');
    if (!main) throw new Error('no browser process in SystemInfo.getProcessInfo');
    return main.id;
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}

export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

export async function eventually(check: () => boolean | Promise<boolean>, ms = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface TinyProxy {
  url: string;
  /** `user:pass` of each authenticated request, with the absolute URL it asked for. */
  seen: Array<{ auth: string | null; url: string }>;
  close(): Promise<void>;
}

/**
 * A minimal forward HTTP proxy with Basic auth: answers 407 until credentials come, then sends
 * every request to `targetPort` on 127.0.0.1 whatever host was asked for.
 */
export async function startTinyProxy(targetPort: number, user: string, pass: string): Promise<TinyProxy> {
  const seen: TinyProxy['seen'] = [];
  const expected = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  const server: Server = createServer((req: IncomingMessage, res) => {
    const header = req.headers['proxy-authorization'];
    const auth = typeof header === 'string' && header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString('utf8') : null;
    seen.push({ auth, url: req.url ?? '' });
    if (header !== expected) {
      res.writeHead(407, { 'Proxy-Authenticate': 'Basic realm="tiny"', 'Content-Length': '0' });
      res.end();
      return;
    }
    const target = new URL(req.url ?? '/', 'http://placeholder');
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = httpRequest({ host: '127.0.0.1', port: targetPort, method: req.method, path: `${target.pathname}${target.search}`, headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
