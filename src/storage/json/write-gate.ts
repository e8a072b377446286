import { StorageUnavailableError } from '../../common/errors.js';

/** Errors meaning "the disk cannot take writes right now" rather than a bug. */
const UNAVAILABLE_CODES = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EIO']);

/**
 * Every mutating storage operation runs through the gate: it is refused once the storage is
 * closed, it is tracked so that close() can wait for it, and disk-level failures become
 * StorageUnavailableError (503) for that call.
 */
export class WriteGate {
  private closed = false;
  private readonly inFlight = new Set<Promise<void>>();

  get isClosed(): boolean {
    return this.closed;
  }

  run<T>(op: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new StorageUnavailableError('JSON storage is closed'));
    let started: Promise<T>;
    try {
      started = op();
    } catch (err) {
      started = Promise.reject(err);
    }
    const result = started.catch((err: unknown) => {
      const code = (err as NodeJS.ErrnoException | null)?.code;
      if (code && UNAVAILABLE_CODES.has(code)) throw new StorageUnavailableError(`Data directory is not writable (${code})`);
      throw err;
    });
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight.add(settled);
    void settled.then(() => this.inFlight.delete(settled));
    return result;
  }

  /** Refuses new operations and waits for the ones in flight. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }
}
