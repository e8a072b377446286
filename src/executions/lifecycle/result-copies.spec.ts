import { describe, expect, it } from '@jest/globals';
import type { RunOutcome } from '../../runner/runner.types.js';
import { baseResult, buildResultCopies, COMPACT_LIMITS, cutUtf8, jsonBytes, tailLogs, type RunLogs } from './result-copies.js';

const MiB = 1024 * 1024;
const outcome = (extra: Partial<RunOutcome> = {}): RunOutcome => ({
  outcome: 'success',
  success: true,
  final_url: 'https://a.example/',
  data: { ok: 1 },
  logs: [],
  screenshot_url: null,
  recording_url: null,
  downloads: [],
  ...extra,
});
const logsOf = (n: number): RunLogs => ({ lines: Array.from({ length: Math.min(n, 2000) }, (_, i) => `l${n - Math.min(n, 2000) + i + 1}`), total: n });

describe('tailLogs', () => {
  it('keeps everything when under the limit', () => {
    expect(tailLogs({ lines: ['a', 'b'], total: 2 }, 500)).toEqual(['a', 'b']);
  });
  it('keeps the last lines after one omission line counting all dropped lines', () => {
    expect(tailLogs({ lines: ['c', 'd', 'e'], total: 10 }, 2)).toEqual(['… 8 earlier lines omitted', 'd', 'e']);
  });
});

describe('cutUtf8', () => {
  it('never splits a multi-byte character', () => {
    expect(cutUtf8('aé€', 4)).toBe('aé');
    expect(cutUtf8('aé€', 3)).toBe('aé');
    expect(cutUtf8('aé€', 2)).toBe('a');
    expect(cutUtf8('abc', 10)).toBe('abc');
  });
});

describe('baseResult', () => {
  it('has the §4.7 fields; error fields only when not successful', () => {
    expect(baseResult('exec_1', 'run_1', outcome(), { lines: ['x'], total: 1 })).toEqual({
      executionId: 'exec_1',
      runId: 'run_1',
      outcome: 'success',
      success: true,
      final_url: 'https://a.example/',
      data: { ok: 1 },
      logs: ['x'],
      screenshot_url: null,
      recording_url: null,
      downloads: [],
    });
    const failed = baseResult('exec_1', 'run_1', outcome({ outcome: 'error', success: false, error: 'boom', errorCode: 'ACTION_FAILED', data: undefined, links: ['u'] }), { lines: [], total: 0 });
    expect(failed).toMatchObject({ success: false, error: 'boom', errorCode: 'ACTION_FAILED', data: null, links: ['u'] });
  });
  it('caps logs at 2000 lines plus the omission line', () => {
    const r = baseResult('e', 'r', outcome(), logsOf(2500));
    expect(r.logs).toHaveLength(2001);
    expect((r.logs as string[])[0]).toBe('… 500 earlier lines omitted');
    expect((r.logs as string[])[2000]).toBe('l2500');
  });
});

describe('buildResultCopies', () => {
  it('small results: identical copies, both flags false, no separate full copy', () => {
    const logs = logsOf(3);
    const c = buildResultCopies(baseResult('e', 'r', outcome({ html: '<p>x</p>', links: ['a'] }), logs), logs, 32 * MiB);
    expect(c.full).toEqual(c.compact);
    expect(c.full).toMatchObject({ hasFullResult: false, truncated: false });
    expect(c.separateFull).toBe(false);
  });

  it('compact copy: html ≤ 256 KiB, last 500 logs, ≤ 1000 links, data null over 1 MiB; full copy intact', () => {
    const logs = logsOf(800);
    const html = 'h'.repeat(300 * 1024);
    const data = { blob: 'd'.repeat(MiB + 10) };
    const links = Array.from({ length: 1500 }, (_, i) => `https://x.example/${i}`);
    const c = buildResultCopies(baseResult('e', 'r', outcome({ html, data, links }), logs), logs, 32 * MiB);
    expect(c.separateFull).toBe(true);
    expect(c.compact).toMatchObject({ hasFullResult: true, truncated: true, data: null });
    expect(Buffer.byteLength(c.compact.html as string)).toBe(COMPACT_LIMITS.htmlBytes);
    expect(c.compact.logs).toHaveLength(501);
    expect((c.compact.logs as string[])[0]).toBe('… 300 earlier lines omitted');
    expect(c.compact.links).toHaveLength(1000);
    expect(c.full).toMatchObject({ hasFullResult: true, truncated: false, html, data, links });
    expect(c.full.logs).toHaveLength(800);
  });

  it('each compact rule alone marks the copy truncated', () => {
    const big = [
      outcome({ html: 'h'.repeat(COMPACT_LIMITS.htmlBytes + 1) }),
      outcome({ links: Array.from({ length: 1001 }, () => 'u') }),
      outcome({ data: 'd'.repeat(MiB + 1) }),
    ];
    for (const o of big) {
      const c = buildResultCopies(baseResult('e', 'r', o, logsOf(1)), logsOf(1), 32 * MiB);
      expect(c.compact).toMatchObject({ truncated: true, hasFullResult: true });
    }
    const manyLogs = logsOf(501);
    expect(buildResultCopies(baseResult('e', 'r', outcome(), manyLogs), manyLogs, 32 * MiB).compact.truncated).toBe(true);
  });

  it('full copy over MAX_RESULT_BYTES: html shortened first', () => {
    const logs = logsOf(1);
    const c = buildResultCopies(baseResult('e', 'r', outcome({ html: 'h'.repeat(400_000), data: { keep: true } }), logs), logs, 300_000);
    expect(c.full.truncated).toBe(true);
    expect(jsonBytes(c.full)).toBeLessThanOrEqual(300_000);
    expect(jsonBytes(c.full)).toBeGreaterThan(299_000);
    expect(c.full.data).toEqual({ keep: true });
  });

  it('then links, then data → null', () => {
    const logs = logsOf(1);
    const links = Array.from({ length: 20_000 }, (_, i) => `https://x.example/${i}`);
    const c1 = buildResultCopies(baseResult('e', 'r', outcome({ html: 'h'.repeat(1000), links, data: 'small' }), logs), logs, 200_000);
    expect(c1.full).toMatchObject({ html: '', data: 'small', truncated: true });
    expect((c1.full.links as string[]).length).toBeGreaterThan(1000);
    expect((c1.full.links as string[]).length).toBeLessThan(20_000);
    expect(jsonBytes(c1.full)).toBeLessThanOrEqual(200_000);

    const c2 = buildResultCopies(baseResult('e', 'r', outcome({ html: 'h', links: ['a'], data: 'd'.repeat(300_000) }), logs), logs, 200_000);
    expect(c2.full).toMatchObject({ html: '', links: [], data: null, truncated: true });
  });
});
