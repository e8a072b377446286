import { KeyedMutex } from './keyed-mutex.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('KeyedMutex', () => {
  it('runs calls with the same key one at a time, in call order', async () => {
    const mutex = new KeyedMutex();
    const events: string[] = [];
    let active = 0;
    let maxActive = 0;
    const job = (name: string) =>
      mutex.run('k', async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        events.push(`start ${name}`);
        await tick();
        await tick();
        events.push(`end ${name}`);
        active--;
        return name;
      });
    const results = await Promise.all([job('a'), job('b'), job('c')]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(maxActive).toBe(1);
    expect(events).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(mutex.size).toBe(0);
  });

  it('does not serialise different keys', async () => {
    const mutex = new KeyedMutex();
    let release!: () => void;
    const blocker = mutex.run('a', () => new Promise<void>((r) => (release = r)));
    const other = await mutex.run('b', async () => 'b done');
    expect(other).toBe('b done');
    release();
    await blocker;
  });

  it('releases the key when the holder throws', async () => {
    const mutex = new KeyedMutex();
    await expect(mutex.run('k', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(mutex.run('k', () => 'next')).resolves.toBe('next');
    expect(mutex.size).toBe(0);
  });
});
