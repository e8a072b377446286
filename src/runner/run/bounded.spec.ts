import { describe, expect, it } from '@jest/globals';
import { bounded, whyNot } from './bounded.js';

const never = () => new Promise<never>(() => undefined);

describe('bounded', () => {
  it('passes the value through', async () => {
    await expect(bounded(Promise.resolve(7), 1000, new AbortController().signal)).resolves.toEqual({ ok: true, value: 7 });
  });

  it('reports errors without throwing', async () => {
    const out = await bounded(Promise.reject(new Error('page.evaluate: boom\nmore')), 1000, new AbortController().signal);
    expect(out.ok).toBe(false);
    if (!out.ok) expect(whyNot(out)).toBe('boom');
  });

  it('gives up after the time limit', async () => {
    const out = await bounded(never(), 20, new AbortController().signal);
    expect(out).toEqual({ ok: false, reason: 'timeout' });
  });

  it('gives up at once when the signal aborts (also when already aborted)', async () => {
    const controller = new AbortController();
    const pending = bounded(never(), 10_000, controller.signal);
    controller.abort();
    await expect(pending).resolves.toEqual({ ok: false, reason: 'aborted' });
    await expect(bounded(Promise.reject(new Error('x')), 10_000, controller.signal)).resolves.toEqual({ ok: false, reason: 'aborted' });
  });
});
