import { Injectable } from '@nestjs/common';
import { ExecutionRepository, type ExecutionRecord, type JsonObject } from '../../storage/ports/index.js';

const POLL_MS = 5000;

export interface FinishedExecution {
  record: ExecutionRecord;
  /** The full result copy when the finisher had it in memory (saves a storage read). */
  full?: JsonObject;
}

interface Waiter {
  resolve: (finished: FinishedExecution) => void;
  reject: (error: unknown) => void;
}

/**
 * Lets synchronous run requests wait for their execution to finish (API §4.3). The lifecycle
 * notifies in-process; a slow poll of the record is the safety net (e.g. a run finished elsewhere).
 */
@Injectable()
export class RunCompletion {
  private readonly waiters = new Map<string, Set<Waiter>>();

  constructor(private readonly executions: ExecutionRepository) {}

  waitFinished(executionId: string): Promise<FinishedExecution> {
    return new Promise<FinishedExecution>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const set = this.waiters.get(executionId) ?? new Set<Waiter>();
      this.waiters.set(executionId, set);
      const done = () => {
        clearTimeout(timer);
        set.delete(waiter);
        if (set.size === 0 && this.waiters.get(executionId) === set) this.waiters.delete(executionId);
      };
      const waiter: Waiter = {
        resolve: (finished) => {
          done();
          resolve(finished);
        },
        reject: (error) => {
          done();
          reject(error);
        },
      };
      set.add(waiter);
      const check = async () => {
        try {
          const record = await this.executions.get(executionId);
          if (!set.has(waiter)) return;
          if (record?.phase === 'finished') return waiter.resolve({ record });
        } catch {
          // storage hiccup: try again at the next poll
        }
        if (set.has(waiter)) timer = setTimeout(() => void check(), POLL_MS);
      };
      void check();
    });
  }

  notify(record: ExecutionRecord, full?: JsonObject): void {
    for (const waiter of [...(this.waiters.get(record.id) ?? [])]) waiter.resolve(full ? { record, full } : { record });
  }

  /** Ends every wait (graceful shutdown). */
  rejectAll(error: (executionId: string) => unknown): void {
    for (const [executionId, set] of [...this.waiters]) for (const waiter of [...set]) waiter.reject(error(executionId));
  }
}
