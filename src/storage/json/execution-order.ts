/** Position of an execution in the list order. */
export interface ExecutionKey {
  timestamp: number;
  id: string;
}

/** Ascending (timestamp, id), ids in UTF-16 code-unit order. */
export function compareExecutionKeys(a: ExecutionKey, b: ExecutionKey): number {
  if (a.timestamp !== b.timestamp) return a.timestamp < b.timestamp ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Keys kept sorted ascending; new executions usually land at the end, so inserts are cheap. */
export class SortedExecutionKeys {
  private keys: ExecutionKey[] = [];

  get size(): number {
    return this.keys.length;
  }

  at(index: number): ExecutionKey {
    return this.keys[index];
  }

  /** Index of the first key >= `key`. */
  lowerBound(key: ExecutionKey): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareExecutionKeys(this.keys[mid], key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  insert(key: ExecutionKey): void {
    const k = { timestamp: key.timestamp, id: key.id };
    const last = this.keys[this.keys.length - 1];
    if (!last || compareExecutionKeys(last, k) < 0) this.keys.push(k);
    else this.keys.splice(this.lowerBound(k), 0, k);
  }

  remove(key: ExecutionKey): void {
    const i = this.lowerBound(key);
    if (i < this.keys.length && compareExecutionKeys(this.keys[i], key) === 0) this.keys.splice(i, 1);
  }

  /** Bulk load: replaces the content and sorts once. */
  reset(keys: ExecutionKey[]): void {
    this.keys = keys.map((k) => ({ timestamp: k.timestamp, id: k.id })).sort(compareExecutionKeys);
  }

  /** Removes many keys in one pass. */
  removeAll(ids: ReadonlySet<string>): void {
    if (ids.size > 0) this.keys = this.keys.filter((k) => !ids.has(k.id));
  }
}
