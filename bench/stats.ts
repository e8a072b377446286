/** Nearest-rank percentile (p in 0..100) of a sample; NaN when empty. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export interface LatencySummary {
  n: number;
  medianMs: number;
  p90Ms: number;
  minMs: number;
  maxMs: number;
}

export function summarise(samples: readonly number[]): LatencySummary {
  return {
    n: samples.length,
    medianMs: round(percentile(samples, 50)),
    p90Ms: round(percentile(samples, 90)),
    minMs: round(samples.length ? Math.min(...samples) : Number.NaN),
    maxMs: round(samples.length ? Math.max(...samples) : Number.NaN),
  };
}

/** a / b rounded to 2 decimals; null when either side is missing. */
export function ratio(a: number | undefined, b: number | undefined): number | null {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return null;
  return Math.round((a / b) * 100) / 100;
}

export function round(n: number, digits = 1): number {
  if (!Number.isFinite(n)) return n;
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** Runs `job(i)` for i in [0, total) with at most `concurrency` at once; returns elapsed ms. */
export async function runPool(total: number, concurrency: number, job: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= total) return;
      await job(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return performance.now() - started;
}
