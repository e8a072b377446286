import { isExpired, type JarCookie, type JarOrigin, type StorageState } from './storage-state.js';

/**
 * Three-way merge of a run's cookie-jar changes into the current jar (RUNNER §11.5).
 *
 * `s0` is what the run started with, `s1` what it ended with, `current` the jar now (other runs
 * may have written since S0). Per key, cookies by (name, domain, path) and localStorage by
 * (origin, key):
 * - in S1 and new or changed versus S0 → written to the jar;
 * - in S0 but not in S1 → deleted from the jar;
 * - otherwise the jar keeps its current value (another run's write survives).
 * Expired cookies are dropped from the result. Existing entries keep their position.
 */
export function mergeStorageState(current: StorageState, s0: StorageState, s1: StorageState, nowSeconds: number): StorageState {
  const cookies = threeWay(current.cookies, s0.cookies, s1.cookies, cookieKey, sameCookie);
  const entries = threeWay(flattenOrigins(current.origins), flattenOrigins(s0.origins), flattenOrigins(s1.origins), entryKey, sameEntry);
  return {
    cookies: cookies.filter((c) => !isExpired(c, nowSeconds)),
    origins: groupOrigins(entries),
  };
}

function threeWay<T>(current: T[], s0: T[], s1: T[], key: (item: T) => string, same: (a: T, b: T) => boolean): T[] {
  const before = new Map(s0.map((item) => [key(item), item]));
  const after = new Map(s1.map((item) => [key(item), item]));
  const result = new Map(current.map((item) => [key(item), item]));
  for (const [k, item] of after) {
    const old = before.get(k);
    if (old === undefined || !same(old, item)) result.set(k, item);
  }
  for (const k of before.keys()) if (!after.has(k)) result.delete(k);
  return [...result.values()];
}

export function cookieKey(c: Pick<JarCookie, 'name' | 'domain' | 'path'>): string {
  return JSON.stringify([c.name, c.domain, c.path]);
}

function sameCookie(a: JarCookie, b: JarCookie): boolean {
  return (
    a.value === b.value &&
    a.expires === b.expires &&
    a.httpOnly === b.httpOnly &&
    a.secure === b.secure &&
    a.sameSite === b.sameSite &&
    cookieKey(a) === cookieKey(b)
  );
}

interface OriginEntry {
  origin: string;
  name: string;
  value: string;
}

function flattenOrigins(origins: JarOrigin[]): OriginEntry[] {
  return origins.flatMap((o) => o.localStorage.map((e) => ({ origin: o.origin, name: e.name, value: e.value })));
}

function entryKey(e: OriginEntry): string {
  return JSON.stringify([e.origin, e.name]);
}

function sameEntry(a: OriginEntry, b: OriginEntry): boolean {
  return a.value === b.value && entryKey(a) === entryKey(b);
}

/** Origins in first-seen order; an origin left without entries disappears. */
function groupOrigins(entries: OriginEntry[]): JarOrigin[] {
  const byOrigin = new Map<string, JarOrigin>();
  for (const e of entries) {
    let origin = byOrigin.get(e.origin);
    if (!origin) byOrigin.set(e.origin, (origin = { origin: e.origin, localStorage: [] }));
    origin.localStorage.push({ name: e.name, value: e.value });
  }
  return [...byOrigin.values()];
}
