import { StorageUnavailableError } from '../../common/errors.js';
import { WriteGate } from './write-gate.js';

const errno = (code: string) => Object.assign(new Error(`${code}: failed`), { code });

describe('WriteGate', () => {
  it('maps disk-level failures to StorageUnavailableError and passes other errors through', async () => {
    const gate = new WriteGate();
    for (const code of ['ENOSPC', 'EDQUOT', 'EROFS', 'EIO']) {
      const err = await gate.run(() => Promise.reject(errno(code))).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StorageUnavailableError);
      expect((err as Error).message).toBe(`Data directory is not writable (${code})`);
    }
    await expect(gate.run(() => Promise.reject(errno('ENOENT')))).rejects.toThrow('ENOENT: failed');
    await expect(
      gate.run(() => {
        throw new Error('sync throw');
      }),
    ).rejects.toThrow('sync throw');
    await expect(gate.run(async () => 42)).resolves.toBe(42);
  });

  it('waits for operations in flight on close, then refuses new ones', async () => {
    const gate = new WriteGate();
    let finish!: () => void;
    let done = false;
    const op = gate.run(() => new Promise<void>((resolve) => (finish = resolve)).then(() => void (done = true)));
    const closed = gate.close();
    expect(gate.isClosed).toBe(true);
    await expect(gate.run(async () => 1)).rejects.toBeInstanceOf(StorageUnavailableError);
    setTimeout(finish, 20);
    await closed;
    expect(done).toBe(true);
    await op;
  });
});
