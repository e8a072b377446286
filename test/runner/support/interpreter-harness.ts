// Runs the interpreter against real Chromium and the fixture site, with small fakes for the
// ports the browser-session helper owns (network guard route, download tracker).
import type { Browser, BrowserContext, Page } from 'playwright';
import { FsCaptureStore } from '../../../src/captures/store/fs-capture-store.js';
import { SystemDnsResolver } from '../../../src/network/dns-resolver.js';
import { GuardedHttpClient } from '../../../src/network/guarded-http.service.js';
import type { AddressVerdict } from '../../../src/network/ip-ranges.js';
import { UrlGuard } from '../../../src/network/url-guard.service.js';
import type { ActionServices } from '../../../src/runner/actions/action-handler.js';
import type { DownloadTracker } from '../../../src/runner/browser/browser-session.js';
import { interpret } from '../../../src/runner/interpreter/interpreter.js';
import type { InterpretResult } from '../../../src/runner/interpreter/interpreter.types.js';
import { createRunSignal } from '../../../src/runner/interpreter/run-signal.js';
import { SecretMasker } from '../../../src/runner/redaction/secret-masker.js';
import type { DownloadEntry, RunEvent, RunRequest, SubtaskLauncher } from '../../../src/runner/runner.types.js';
import { STEALTH_KEYS, type NormalisedTask, type StealthOptions, type TaskAction } from '../../../src/tasks/model/task.types.js';
import { launchTestChromium } from '../../fixtures/chromium.js';
import { startFixtureServer, type FixtureServer } from '../../fixtures/fixture-server.js';
import { makeTempDir } from '../../support/temp-dir.js';

/** Production rules except that 127.0.0.1 (the fixture server) passes. */
export class LoopbackTestGuard extends UrlGuard {
  protected override classify(address: string): AddressVerdict {
    return address === '127.0.0.1' ? { blocked: false, range: null } : super.classify(address);
  }
}

export interface Harness {
  browser: Browser;
  site: FixtureServer;
  captures: FsCaptureStore;
  capturesDir: string;
  guard: UrlGuard;
  http: GuardedHttpClient;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const [browser, site] = await Promise.all([launchTestChromium(), startFixtureServer()]);
  const temp = makeTempDir('figranium-interp-');
  const captures = new FsCaptureStore(temp.dir);
  await captures.init();
  const guard = new LoopbackTestGuard({ allowPrivateNetworks: false }, new SystemDnsResolver());
  return {
    browser,
    site,
    captures,
    capturesDir: temp.dir,
    guard,
    http: new GuardedHttpClient(guard),
    async close() {
      await browser.close();
      await site.close();
      temp.cleanup();
    },
  };
}

/** Downloads of the test context, tracked from Playwright's `download` events. */
export class TestDownloadTracker implements DownloadTracker {
  private active = 0;
  private readonly done: DownloadEntry[] = [];
  private started = 0;

  constructor(page: Page) {
    page.on('download', (download) => {
      this.active++;
      this.started++;
      void download
        .path()
        .then(() => this.done.push({ name: download.suggestedFilename(), url: download.url(), path: `/captures/test_${download.suggestedFilename()}` }))
        .catch(() => undefined)
        .finally(() => this.active--);
    });
  }

  inProgress(): number {
    return this.active;
  }
  completed(): DownloadEntry[] {
    return [...this.done];
  }
  waitForStart(ms: number, signal: AbortSignal): Promise<boolean> {
    const before = this.started;
    return poll(() => this.started > before || this.active > 0, ms, signal);
  }
  waitIdle(ms: number, signal: AbortSignal): Promise<boolean> {
    return poll(() => this.active === 0, ms, signal);
  }
}

async function poll(check: () => boolean, ms: number, signal: AbortSignal): Promise<boolean> {
  const end = Date.now() + ms;
  while (!check()) {
    if (signal.aborted || Date.now() >= end) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
}

export type ActionInput = Partial<TaskAction> & { type: string };

export interface RunOptions {
  actions: ActionInput[];
  /** Path on the fixture site to open first (default: stay on about:blank). */
  startPath?: string;
  inputs?: Record<string, unknown>;
  task?: Partial<NormalisedTask>;
  stealth?: Partial<StealthOptions>;
  secrets?: string[];
  stop?: AbortSignal;
  timeoutSeconds?: number;
  subtasks?: SubtaskLauncher | null;
  maxStepsPerRun?: number;
  request?: Partial<RunRequest>;
  /** Reuse this page instead of opening a new context. */
  page?: Page;
  /** Keep the context open after the run (the caller closes `context`). */
  keepOpen?: boolean;
  /** Run navigate/reload on page.goto/reload directly (no session navigation port). */
  withoutNavigationPort?: boolean;
  /** Replaces the default navigation port. */
  navigation?: ActionServices['navigation'];
}

export interface RunOutput {
  result: InterpretResult;
  events: RunEvent[];
  page: Page;
  context: BrowserContext;
  masker: SecretMasker;
  durationMs: number;
  logs(): string[];
  actionEvents(id?: string): Array<Extract<RunEvent, { event: 'action' }>>;
}

export function buildTask(actions: ActionInput[], extra: Partial<NormalisedTask> = {}, stealth: Partial<StealthOptions> = {}): NormalisedTask {
  const allStealth = Object.fromEntries(STEALTH_KEYS.map((k) => [k, false])) as StealthOptions;
  return {
    id: 'task_test',
    name: 'test task',
    url: '',
    mode: 'agent',
    wait: 0,
    selector: '',
    rotateUserAgents: false,
    rotateProxies: false,
    rotateViewport: false,
    humanTyping: false,
    stealth: { ...allStealth, ...stealth },
    actions: actions.map((a, i) => ({ id: `a${i}`, ...a }) as TaskAction),
    variables: {},
    extractionScript: '',
    extractionFormat: 'json',
    includeHtml: false,
    includeShadowDom: true,
    disableRecording: true,
    statelessExecution: true,
    timeoutSeconds: 300,
    retryOnCrash: false,
    ...extra,
  };
}

export async function runActions(h: Harness, options: RunOptions): Promise<RunOutput> {
  let context: BrowserContext;
  let page: Page;
  // Stand-in for BrowserSession.navigate/reload (the real one also attributes refused redirect hops).
  const navigation: NonNullable<ActionServices['navigation']> = options.navigation ?? {
    navigate: async (url, o) => ({ finalUrl: (await page.goto(url, { waitUntil: 'domcontentloaded', timeout: o.timeoutMs }), page.url()), status: null }),
    reload: async (o) => ({ finalUrl: (await page.reload({ waitUntil: 'domcontentloaded', timeout: o.timeoutMs }), page.url()), status: null }),
  };
  if (options.page) {
    page = options.page;
    context = page.context();
  } else {
    context = await h.browser.newContext({ viewport: { width: 1366, height: 768 }, acceptDownloads: true });
    // Stand-in for the session's network guard (RUNNER §11.8): only the fixture origin passes.
    await context.route('**/*', (route) => {
      const request = route.request();
      const url = new URL(request.url());
      if ((url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '127.0.0.1') return route.abort('blockedbyclient');
      return route.continue();
    });
    page = await context.newPage();
  }
  if (options.startPath !== undefined) await page.goto(`${h.site.url}${options.startPath}`, { waitUntil: 'domcontentloaded' });
  const task = buildTask(options.actions, { ...(options.task ?? {}), ...(options.timeoutSeconds ? { timeoutSeconds: options.timeoutSeconds } : {}) }, options.stealth);
  const events: RunEvent[] = [];
  const masker = new SecretMasker(options.secrets ?? []);
  const startedAt = Date.now();
  const stop = options.stop ?? new AbortController().signal;
  const request: RunRequest = {
    executionId: 'exec_test',
    runId: 'run_test',
    taskId: 'task_test',
    task,
    mode: 'agent',
    inputs: options.inputs ?? {},
    secrets: options.secrets ?? [],
    signal: stop,
    events: { emit: (e) => events.push(e) },
    startedAt,
    depth: 0,
    chain: [],
    ...(options.request ?? {}),
  };
  const deadline = startedAt + task.timeoutSeconds * 1000;
  const run = createRunSignal(stop, deadline);
  const services: ActionServices = {
    captures: h.captures,
    http: h.http,
    urlGuard: h.guard,
    subtasks: options.subtasks ?? null,
    downloads: new TestDownloadTracker(page),
    navigation: options.withoutNavigationPort ? null : navigation,
  };
  const result = await interpret({ request, page, signal: run.signal, deadline, services, masker, maxStepsPerRun: options.maxStepsPerRun });
  const durationMs = Date.now() - startedAt;
  run.dispose();
  if (!options.keepOpen && !options.page) await context.close();
  return {
    result,
    events,
    page,
    context,
    masker,
    durationMs,
    logs: () => events.filter((e): e is Extract<RunEvent, { event: 'log' }> => e.event === 'log').map((e) => e.message),
    actionEvents: (id) => events.filter((e): e is Extract<RunEvent, { event: 'action' }> => e.event === 'action' && (id === undefined || e.actionId === id)),
  };
}
