import { KeyedMutex } from './keyed-mutex.js';

const tick = (ms = 1) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('KeyedMutex', () => {
  it('runs holders of one key one at a time, in call order', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    let inside = 0;
    let maxInside = 0;
    await Promise.all(
      [1, 2, 3, 4].map((n) =>
        mutex.run('k', async () => {
          inside++;
          maxInside = Math.max(maxInside, inside);
          log.push(`start ${n}`);
          await tick(n === 1 ? 5 : 1);
          log.push(`end ${n}`);
          inside--;
        }),
      ),
    );
    expect(maxInside).toBe(1);
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3', 'start 4', 'end 4']);
    expect(mutex.size).toBe(0);
  });

  it('lets different keys run concurrently and survives a throwing holder', async () => {
    const mutex = new KeyedMutex();
    let release!: () => void;
    const blocker = mutex.run('a', () => new Promise<void>((resolve) => (release = resolve)));
    await expect(mutex.run('b', async () => 'b done')).resolves.toBe('b done');
    release();
    await blocker;
    await expect(mutex.run('a', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(mutex.run('a', async () => 'after')).resolves.toBe('after');
    expect(mutex.size).toBe(0);
  });
});
