import { RunError } from '../run-error.js';
import { MAX_PATTERN_LENGTH, SafeRegexMatcher, validatePattern } from './regex-matcher.js';

const PATHOLOGICAL = { pattern: '^(a+)+$', subject: 'a'.repeat(40) + 'b' };

async function failure(promise: Promise<unknown>): Promise<RunError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RunError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('SafeRegexMatcher', () => {
  let matcher: SafeRegexMatcher;

  beforeAll(() => {
    matcher = new SafeRegexMatcher();
  });
  afterAll(async () => {
    await matcher.close();
  });

  it.each<[string, string, string, boolean]>([
    ['^a.c$', '', 'abc', true],
    ['ABC', '', 'xabcx', false],
    ['ABC', 'i', 'xabcx', true],
    ['^b$', '', 'a\nb', false],
    ['^b$', 'm', 'a\nb', true],
    ['a.b', '', 'a\nb', false],
    ['a.b', 's', 'a\nb', true],
    ['', '', 'anything', true],
    ['\\d{3}', 'ims', 'x123', true],
  ])('/%s/%s on %p → %p', async (pattern, flags, subject, expected) => {
    await expect(matcher.test(pattern, flags, subject)).resolves.toBe(expected);
  });

  it.each<[string, string, RegExp]>([
    ['(', '', /^Invalid regular expression/],
    ['a', 'g', /flags 'g' are not allowed/],
    ['a', 'ii', /^Invalid regular expression/],
    ['a', 'u', /flags 'u' are not allowed/],
    ['x'.repeat(MAX_PATTERN_LENGTH + 1), '', /longer than 1000 characters/],
  ])('rejects /%s/%s with CONDITION_FAILED', async (pattern, flags, message) => {
    const error = await failure(matcher.test(pattern, flags, 'x'));
    expect(error.code).toBe('CONDITION_FAILED');
    expect(error.message).toMatch(message);
  });

  it('accepts a pattern of exactly the maximum length', async () => {
    await expect(matcher.test('a'.repeat(MAX_PATTERN_LENGTH), '', 'a'.repeat(MAX_PATTERN_LENGTH))).resolves.toBe(true);
  });

  it('kills a catastrophic match after the time limit without blocking the event loop, then keeps working', async () => {
    await matcher.test('warm', '', 'warm'); // make sure the worker is up
    let ticks = 0;
    const interval = setInterval(() => ticks++, 10);
    const started = Date.now();
    const error = await failure(matcher.test(PATHOLOGICAL.pattern, '', PATHOLOGICAL.subject));
    const elapsed = Date.now() - started;
    clearInterval(interval);
    expect(error.code).toBe('CONDITION_FAILED');
    expect(error.message).toBe('Regular expression took longer than 100 ms');
    expect(elapsed).toBeGreaterThanOrEqual(95);
    expect(elapsed).toBeLessThan(2000);
    expect(ticks).toBeGreaterThanOrEqual(3);
    await expect(matcher.test('^ok$', '', 'ok')).resolves.toBe(true);
  });

  it('serves queued matches after a killed one, each with its own time limit', async () => {
    const results = await Promise.allSettled([
      matcher.test(PATHOLOGICAL.pattern, '', PATHOLOGICAL.subject),
      matcher.test('b', '', 'abc'),
      matcher.test(PATHOLOGICAL.pattern, '', PATHOLOGICAL.subject),
      matcher.test('z', '', 'abc'),
    ]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as RunError).code))).toEqual([
      'CONDITION_FAILED',
      true,
      'CONDITION_FAILED',
      false,
    ]);
  });

  it('fails pending and later matches after close', async () => {
    const own = new SafeRegexMatcher();
    const pending = failure(own.test(PATHOLOGICAL.pattern, '', PATHOLOGICAL.subject));
    await own.close();
    expect((await pending).code).toBe('CONDITION_FAILED');
    expect((await failure(own.test('a', '', 'a'))).message).toMatch(/closed/);
  });

  it('honours a custom time limit', async () => {
    // Roughly 0.2–0.5 s of backtracking: too slow for 100 ms, fine for 10 s.
    const subject = 'a'.repeat(23) + 'b';
    const patient = new SafeRegexMatcher(10_000);
    try {
      await expect(patient.test('^(a+)+$', '', subject)).resolves.toBe(false);
      expect((await failure(matcher.test('^(a+)+$', '', subject))).code).toBe('CONDITION_FAILED');
    } finally {
      await patient.close();
    }
  });
});

describe('validatePattern', () => {
  it('throws RunError CONDITION_FAILED synchronously for bad input', () => {
    expect(() => validatePattern('[', '')).toThrow(RunError);
    expect(() => validatePattern('ok', 'ms')).not.toThrow();
  });
});
