import type { HumanPacingFigures } from './human-pacing.js';
import { type LatencySummary, round } from './stats.js';

export interface PathFigures {
  latency: LatencySummary | null;
  failed: number;
  firstProblem: string | null;
  unavailable?: string;
}

export interface BenchFigures {
  environment: Record<string, string | number | boolean>;
  latency: { plain: PathFigures; runner: PathFigures; api: PathFigures };
  ratios: { runnerToPlainMedian: number | null; runnerToPlainP90: number | null; apiToPlainMedian: number | null; apiToPlainP90: number | null };
  /** Median minus the plain script's median (ms added per run). */
  addedMs: { runner: number | null; api: number | null };
  throughput: Array<{ concurrency: number; runs: number; seconds: number; runsPerSecond: number; failed: number }>;
  memory: {
    runs: number;
    concurrency: number;
    failed: number;
    gcForced: boolean;
    before: { rssMb: number; heapUsedMb: number };
    after: { rssMb: number; heapUsedMb: number };
    delta: { rssMb: number; heapUsedMb: number };
  };
  humanPacing: HumanPacingFigures;
  serverWarnings: number;
  totalSeconds: number;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function num(n: number | null | undefined, unit = ''): string {
  return n === null || n === undefined || !Number.isFinite(n) ? '-' : `${n}${unit}`;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => pad(c, widths[i])).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function latencyRow(name: string, f: PathFigures, ratioMedian: number | null, ratioP90: number | null, addedMs: number | null): string[] {
  if (f.unavailable) return [name, '-', '-', '-', '-', '-', '-', `not available (${f.unavailable})`];
  const l = f.latency;
  const added = addedMs === null ? '' : `, ${addedMs >= 0 ? '+' : ''}${addedMs} ms`;
  return [name, num(l?.n), num(l?.medianMs), num(l?.p90Ms), num(l?.minMs), num(l?.maxMs), String(f.failed), ratioMedian === null ? '-' : `x${ratioMedian} (p90 x${num(ratioP90)}${added})`];
}

function humanPacingLine(h: HumanPacingFigures): string {
  const verdict = h.ratio === null ? '' : h.ratio <= h.bound ? ` (within the x${h.bound} bound)` : ` (ABOVE the x${h.bound} bound)`;
  const problem = h.problem ? `\n  first failure: ${h.problem}` : '';
  return [
    `Human-like input (RUNNER §12): ${h.actions}-action task (plus a read-back) through TaskRunner.run, median of each side`,
    `  plain ${num(h.plainMs, ' ms')}, every stealth option + humanTyping ${num(h.stealthMs, ' ms')}, ratio ${h.ratio === null ? '-' : `x${h.ratio}`}${verdict}${problem}`,
  ].join('\n');
}

/** The human-readable block printed at the end of a run. */
export function formatReport(f: BenchFigures): string {
  const env = Object.entries(f.environment)
    .map(([k, v]) => `${k}=${v}`)
    .join('  ');
  const latency = table(
    ['6-step task', 'n', 'median ms', 'p90 ms', 'min ms', 'max ms', 'failed', 'vs plain (median ratio)'],
    [
      latencyRow('plain Playwright', f.latency.plain, 1, 1, null),
      latencyRow('TaskRunner.run', f.latency.runner, f.ratios.runnerToPlainMedian, f.ratios.runnerToPlainP90, f.addedMs.runner),
      latencyRow('API sync POST /api/tasks/:id/api', f.latency.api, f.ratios.apiToPlainMedian, f.ratios.apiToPlainP90, f.addedMs.api),
    ],
  );
  const base = f.throughput[0]?.runsPerSecond;
  const throughput = table(
    ['concurrency', 'runs', 'seconds', 'runs/s', 'vs 1', 'failed'],
    f.throughput.map((t) => [String(t.concurrency), String(t.runs), num(t.seconds), num(t.runsPerSecond), base ? `x${round(t.runsPerSecond / base, 2)}` : '-', String(t.failed)]),
  );
  const m = f.memory;
  const memory = table(
    ['node process', 'rss MB', 'heap used MB'],
    [
      ['before', num(m.before.rssMb), num(m.before.heapUsedMb)],
      [`after ${m.runs} runs`, num(m.after.rssMb), num(m.after.heapUsedMb)],
      ['delta', num(m.delta.rssMb), num(m.delta.heapUsedMb)],
    ],
  );
  const problems = (['plain', 'runner', 'api'] as const)
    .filter((k) => f.latency[k].firstProblem)
    .map((k) => `  ${k}: first failure: ${f.latency[k].firstProblem}`);
  return [
    '',
    '== Figranium benchmark ==',
    env,
    '',
    'Latency of one 6-step run (start URL, type, click, wait_selector, get_content, javascript)',
    latency,
    ...problems,
    '',
    'Runner throughput (TaskRunner.run, runs started back to back per worker)',
    throughput,
    '',
    `Memory over ${m.runs} runner runs at concurrency ${m.concurrency} (${m.failed} failed; ${m.gcForced ? 'after a forced GC' : 'no forced GC: run node with --expose-gc'})`,
    memory,
    '',
    humanPacingLine(f.humanPacing),
    '',
    `Server log lines at warn or above: ${f.serverWarnings}. Total bench time: ${f.totalSeconds} s.`,
  ].join('\n');
}
