import { randomBytes } from 'node:crypto';
import { monotonicFactory } from 'ulid';

// Monotonic: ids made in the same millisecond still sort in creation order.
const ulid = monotonicFactory();

export type IdPrefix = 'task' | 'exec' | 'ver' | 'cred' | 'run' | 'act' | 'dlv' | 'hdf';

/** Server-generated ids: prefix + ULID (API §1.1). */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${ulid()}`;
}

/** Proxy ids keep the legacy format: proxy_ + 12 lowercase hex digits. */
export function newProxyId(): string {
  return `proxy_${randomBytes(6).toString('hex')}`;
}
