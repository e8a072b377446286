// `npm run bench`: runner and API benchmarks. Prints figures and ratios; never fails on a number.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { runThroughApi, saveBenchTask } from './api-path.js';
import { startBenchApp } from './bench-app.js';
import { startBenchPage } from './bench-page.js';
import { launchPlainBrowser } from './plain-browser.js';
import { type BenchFigures, formatReport, type PathFigures } from './report.js';
import { measureHumanPacing } from './human-pacing.js';
import { runThroughRunner, type TimedRun } from './runner-path.js';
import { plainSixSteps, sixStepTask, sixStepTaskBody } from './six-steps.js';
import { ratio, round, runPool, summarise } from './stats.js';

interface Options {
  record: boolean;
  samples: number;
  warmup: number;
  leakRuns: number;
  /** Rounds (one plain + one stealth run each) of the 100-action human-pacing task. */
  humanRounds: number;
  /** Runs per throughput level = max(minimum, perWorker × concurrency). */
  throughput: { minimum: number; perWorker: number };
}

function parseArgs(argv: string[]): Options {
  const options: Options = { record: false, samples: 30, warmup: 3, leakRuns: 200, humanRounds: 1, throughput: { minimum: 12, perWorker: 8 } };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1) throw new Error(`${arg} needs a positive integer`);
      return n;
    };
    if (arg === '--record') options.record = true;
    else if (arg === '--samples') options.samples = value();
    else if (arg === '--warmup') options.warmup = value();
    else if (arg === '--leak-runs') options.leakRuns = value();
    else if (arg === '--human-rounds') options.humanRounds = value();
    else if (arg === '--quick') Object.assign(options, { samples: 5, warmup: 1, leakRuns: 20, throughput: { minimum: 4, perWorker: 2 } });
    else throw new Error(`unknown option ${arg} (known: --record, --quick, --samples N, --warmup N, --leak-runs N, --human-rounds N)`);
  }
  return options;
}

/** Collects one path's samples; failed runs are counted, not timed. */
class Samples {
  readonly ms: number[] = [];
  failed = 0;
  firstProblem: string | null = null;

  add(run: TimedRun): void {
    if (run.problem === null) this.ms.push(run.ms);
    else {
      this.failed++;
      this.firstProblem ??= run.problem;
    }
  }

  figures(): PathFigures {
    return { latency: this.ms.length ? summarise(this.ms) : null, failed: this.failed, firstProblem: this.firstProblem };
  }
}

async function timed(fn: () => Promise<string | null>): Promise<TimedRun> {
  const started = performance.now();
  try {
    const problem = await fn();
    return { ms: performance.now() - started, problem };
  } catch (error) {
    return { ms: performance.now() - started, problem: error instanceof Error ? error.message.split('\n')[0] : String(error) };
  }
}

function memory(): { rssMb: number; heapUsedMb: number; gcForced: boolean } {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
  const m = process.memoryUsage();
  return { rssMb: round(m.rss / 1048576), heapUsedMb: round(m.heapUsed / 1048576), gcForced: Boolean(gc) };
}

function difference(a: PathFigures, b: PathFigures): number | null {
  return a.latency && b.latency ? round(a.latency.medianMs - b.latency.medianMs) : null;
}

function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const benchStarted = performance.now();
  // A busy machine (other jobs) inflates every figure: the load averages are printed with them.
  const loadAtStart = round(loadavg()[0], 2);
  const workDir = mkdtempSync(path.join(tmpdir(), 'figranium-bench-'));
  const plainVideoDir = path.join(workDir, 'plain-videos');
  mkdirSync(plainVideoDir);
  const page = await startBenchPage();
  const app = await startBenchApp(path.join(workDir, 'data'));
  const plain = await launchPlainBrowser(app.config);
  try {
    const task = sixStepTask({ url: page.url, record: options.record });
    const taskBody = sixStepTaskBody({ url: page.url, record: options.record });
    const contextOptions = plain.contextOptions(options.record ? plainVideoDir : null);
    const plainRun = () => timed(() => plainSixSteps(plain.browser, page.url, contextOptions));
    const runnerRun = () => runThroughRunner(app.runner, task).catch((e: unknown) => ({ ms: 0, problem: String(e) }));
    const saved = await saveBenchTask(app.url, app.apiKey, taskBody);
    const apiUnavailable = 'unavailable' in saved ? saved.unavailable : null;
    const apiTaskId = 'taskId' in saved ? saved.taskId : '';
    const apiRun = () => runThroughApi(app.url, app.apiKey, apiTaskId).catch((e: unknown) => ({ ms: 0, problem: String(e) }));

    progress(`warming up (${options.warmup} runs per path)`);
    for (let i = 0; i < options.warmup; i++) {
      await plainRun();
      await runnerRun();
      if (!apiUnavailable) await apiRun();
    }

    // Interleaved rounds, order rotated each round, so drift (GC, browser recycling, disk) hits every path alike.
    progress(`latency: ${options.samples} rounds`);
    const paths: Array<{ samples: Samples; run: () => Promise<TimedRun> }> = [
      { samples: new Samples(), run: plainRun },
      { samples: new Samples(), run: runnerRun },
      { samples: new Samples(), run: apiRun },
    ];
    const active = apiUnavailable ? paths.slice(0, 2) : paths;
    for (let round = 0; round < options.samples; round++) {
      for (let k = 0; k < active.length; k++) {
        const p = active[(round + k) % active.length];
        p.samples.add(await p.run());
      }
    }
    const [plainFig, runnerFig, apiFig] = paths.map((p) => p.samples.figures());
    if (apiUnavailable) apiFig.unavailable = apiUnavailable;

    const throughput: BenchFigures['throughput'] = [];
    for (const concurrency of [1, 2, 4]) {
      const runs = Math.max(options.throughput.minimum, options.throughput.perWorker * concurrency);
      progress(`throughput: ${runs} runs at concurrency ${concurrency}`);
      let failed = 0;
      const ms = await runPool(runs, concurrency, async () => {
        if ((await runnerRun()).problem !== null) failed++;
      });
      throughput.push({ concurrency, runs, seconds: round(ms / 1000, 2), runsPerSecond: round(runs / (ms / 1000), 2), failed });
    }

    const leakConcurrency = 2;
    progress(`memory: ${options.leakRuns} runs at concurrency ${leakConcurrency}`);
    const before = memory();
    let leakFailed = 0;
    await runPool(options.leakRuns, leakConcurrency, async () => {
      if ((await runnerRun()).problem !== null) leakFailed++;
    });
    const after = memory();

    progress(`human-like input: ${options.humanRounds} round(s) of the 100-action task, plain then stealth`);
    const humanPacing = await measureHumanPacing(app.runner, page.url, options.humanRounds);

    const figures: BenchFigures = {
      environment: {
        node: process.version,
        chromium: plain.browser.version(),
        cpus: cpus().length,
        storage: 'json',
        recording: options.record ? 'on (both sides)' : 'off (both sides)',
        cookieJar: 'runner default (page sets no cookies)',
        noSandbox: plain.args.includes('--no-sandbox'),
        load1mStart: loadAtStart,
        load1mEnd: round(loadavg()[0], 2),
      },
      latency: { plain: plainFig, runner: runnerFig, api: apiFig },
      ratios: {
        runnerToPlainMedian: ratio(runnerFig.latency?.medianMs, plainFig.latency?.medianMs),
        runnerToPlainP90: ratio(runnerFig.latency?.p90Ms, plainFig.latency?.p90Ms),
        apiToPlainMedian: ratio(apiFig.latency?.medianMs, plainFig.latency?.medianMs),
        apiToPlainP90: ratio(apiFig.latency?.p90Ms, plainFig.latency?.p90Ms),
      },
      addedMs: { runner: difference(runnerFig, plainFig), api: difference(apiFig, plainFig) },
      throughput,
      memory: {
        runs: options.leakRuns,
        concurrency: leakConcurrency,
        failed: leakFailed,
        gcForced: after.gcForced,
        before: { rssMb: before.rssMb, heapUsedMb: before.heapUsedMb },
        after: { rssMb: after.rssMb, heapUsedMb: after.heapUsedMb },
        delta: { rssMb: round(after.rssMb - before.rssMb), heapUsedMb: round(after.heapUsedMb - before.heapUsedMb) },
      },
      humanPacing,
      serverWarnings: app.problems.length,
      totalSeconds: round((performance.now() - benchStarted) / 1000),
    };
    console.log(formatReport(figures));
    if (app.problems.length > 0) console.log(`First server warning: ${app.problems[0].slice(0, 400)}`);
    console.log(`BENCH_JSON ${JSON.stringify(figures)}`);
  } finally {
    await plain.browser.close().catch(() => undefined);
    await app.close().catch(() => undefined);
    await page.close();
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`bench could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
