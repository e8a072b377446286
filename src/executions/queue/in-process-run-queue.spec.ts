import { describe, expect, it } from '@jest/globals';
import { InProcessRunQueue } from './in-process-run-queue.js';

const tick = () => new Promise((r) => setImmediate(r));

function setup(maxConcurrentExecutions: number, maxQueuedExecutions: number) {
  const queue = new InProcessRunQueue({ maxConcurrentExecutions, maxQueuedExecutions }, { error: () => undefined });
  const started: string[] = [];
  const finish = new Map<string, () => void>();
  queue.setWorker(
    (id) =>
      new Promise<void>((resolve) => {
        started.push(id);
        finish.set(id, resolve);
      }),
  );
  return { queue, started, finish };
}

describe('InProcessRunQueue', () => {
  it('runs at most maxConcurrent jobs, FIFO, and takes the next one when a slot frees', async () => {
    const { queue, started, finish } = setup(2, 10);
    for (const id of ['a', 'b', 'c', 'd']) queue.enqueue(id);
    expect(started).toEqual(['a', 'b']);
    expect(queue.queueStats()).toEqual({ running: 2, queued: 2, maxConcurrent: 2, maxQueued: 10 });
    finish.get('b')!();
    await tick();
    expect(started).toEqual(['a', 'b', 'c']);
    finish.get('a')!();
    await tick();
    expect(started).toEqual(['a', 'b', 'c', 'd']);
    expect(queue.queueStats()).toMatchObject({ running: 2, queued: 0 });
  });

  it('admits exactly maxConcurrent + maxQueued while every slot is busy; reservations count', () => {
    const { queue } = setup(2, 3);
    const admitted: string[] = [];
    for (let i = 0; i < 10; i++) {
      const r = queue.reserve();
      if (!r) continue;
      admitted.push(String(i));
      if (i % 2 === 0) queue.enqueue(String(i), r); // others stay reserved (creation in flight)
    }
    expect(admitted).toHaveLength(5);
    expect(queue.queueStats()).toMatchObject({ running: 2, queued: 3 });
  });

  it('reports reserved places that free slots will take as running', () => {
    const { queue } = setup(2, 3);
    queue.reserve();
    expect(queue.queueStats()).toMatchObject({ running: 1, queued: 0 });
    queue.reserve();
    queue.reserve();
    expect(queue.queueStats()).toMatchObject({ running: 2, queued: 1 });
    queue.pause();
    expect(queue.queueStats()).toMatchObject({ running: 0, queued: 3 });
  });

  it('a released reservation gives the place back; release is idempotent', () => {
    const { queue } = setup(1, 0);
    const r = queue.reserve()!;
    expect(queue.reserve()).toBeNull();
    r.release();
    r.release();
    expect(queue.queueStats().queued).toBe(0);
    expect(queue.reserve()).not.toBeNull();
  });

  it('remove takes a waiting job out; pause stops claims but keeps waiting jobs', async () => {
    const { queue, started, finish } = setup(1, 10);
    queue.enqueue('a');
    queue.enqueue('b');
    queue.enqueue('c');
    expect(queue.remove('b')).toBe(true);
    expect(queue.remove('a')).toBe(false); // already running
    queue.pause();
    finish.get('a')!();
    await tick();
    expect(started).toEqual(['a']);
    expect(queue.queueStats()).toMatchObject({ running: 0, queued: 1 });
  });

  it('does not hand out jobs before a worker is set, and survives a throwing worker', async () => {
    const queue = new InProcessRunQueue({ maxConcurrentExecutions: 1, maxQueuedExecutions: 5 }, { error: () => undefined });
    queue.enqueue('a');
    queue.enqueue('b');
    expect(queue.queueStats()).toMatchObject({ running: 0, queued: 2 });
    const seen: string[] = [];
    queue.setWorker(async (id) => {
      seen.push(id);
      throw new Error('boom');
    });
    await tick();
    await tick();
    expect(seen).toEqual(['a', 'b']);
    expect(queue.queueStats()).toMatchObject({ running: 0, queued: 0 });
  });
});
