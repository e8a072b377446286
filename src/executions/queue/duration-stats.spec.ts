import { describe, expect, it } from '@jest/globals';
import { DurationStats } from './duration-stats.js';

describe('DurationStats.retryAfterSeconds', () => {
  it('is 30 when no run finished yet', () => {
    expect(new DurationStats().retryAfterSeconds(10, 2)).toBe(30);
  });
  it('is average × queued ÷ concurrency, clamped to 5..300', () => {
    const s = new DurationStats();
    s.record(4000);
    s.record(6000);
    expect(s.retryAfterSeconds(10, 2)).toBe(25);
    expect(s.retryAfterSeconds(1, 2)).toBe(5);
    expect(s.retryAfterSeconds(1000, 1)).toBe(300);
  });
  it('averages only the last 20 durations', () => {
    const s = new DurationStats();
    s.record(1_000_000);
    for (let i = 0; i < 20; i++) s.record(2000);
    expect(s.retryAfterSeconds(10, 1)).toBe(20);
  });
});
