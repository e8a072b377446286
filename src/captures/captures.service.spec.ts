import { describe, expect, it } from '@jest/globals';
import type { ExecutionRecord, ExecutionRepository } from '../storage/ports/index.js';
import { CapturesService } from './captures.service.js';
import type { CaptureFileInfo, CaptureStore } from './store/capture-store.js';

const MS = 1733223995120;

function fakeStore(files: CaptureFileInfo[], calls: string[]) {
  const present = new Map(files.map((f) => [f.name, f]));
  return {
    present,
    store: {
      list: async () => {
        calls.push('list');
        return [...present.values()];
      },
      delete: async (name: string) => present.delete(name),
      open: async () => null,
    } as unknown as CaptureStore,
  };
}

function fakeExecutions(runIds: string[], calls: string[]): ExecutionRepository {
  return {
    listActive: async () => {
      calls.push('listActive');
      return runIds.map((runId) => ({ runId }) as ExecutionRecord);
    },
  } as unknown as ExecutionRepository;
}

const file = (name: string, modified = 0): CaptureFileInfo => ({ name, size: 1, modified });

describe('CapturesService', () => {
  it('lists files before reading active runs, and keeps the active runs’ files', async () => {
    const calls: string[] = [];
    const { store, present } = fakeStore([file(`done_final_${MS}.png`), file(`live_shot_${MS}.png`), file(`live_dl_${MS}_a.txt`), file(`queued_rec_${MS}.webm`)], calls);
    const service = new CapturesService(store, fakeExecutions(['live', 'queued'], calls));
    expect(await service.clear()).toBe(1);
    expect(calls).toEqual(['list', 'listActive']);
    expect([...present.keys()].sort()).toEqual([`live_dl_${MS}_a.txt`, `live_shot_${MS}.png`, `queued_rec_${MS}.webm`]);
  });

  it('sorts by modified desc with a stable tie-break and filters by the sanitised run id', async () => {
    const calls: string[] = [];
    const { store } = fakeStore([file(`a.b_final_${MS}.png`, 1), file(`a-b_shot_${MS}.png`, 3), file(`a-b_final_${MS}.png`, 3), file(`c_final_${MS}.png`, 2)], calls);
    const service = new CapturesService(store, fakeExecutions([], calls));
    expect((await service.list()).map((c) => c.name)).toEqual([`a-b_shot_${MS}.png`, `a-b_final_${MS}.png`, `c_final_${MS}.png`]);
    expect((await service.list('a.b')).map((c) => c.name)).toEqual([`a-b_shot_${MS}.png`, `a-b_final_${MS}.png`]);
  });

  it('refuses invalid names before asking the store', async () => {
    const service = new CapturesService({} as CaptureStore, {} as ExecutionRepository);
    await expect(service.open('../x')).rejects.toMatchObject({ code: 'INVALID_NAME' });
    await expect(service.delete('..')).rejects.toMatchObject({ code: 'INVALID_NAME' });
  });

  it('answers CAPTURE_NOT_FOUND with the name', async () => {
    const { store } = fakeStore([], []);
    const service = new CapturesService(store, fakeExecutions([], []));
    await expect(service.open(`x_final_${MS}.png`)).rejects.toMatchObject({ code: 'CAPTURE_NOT_FOUND', details: { name: `x_final_${MS}.png` } });
    await expect(service.delete(`x_final_${MS}.png`)).rejects.toMatchObject({ code: 'CAPTURE_NOT_FOUND' });
  });
});
