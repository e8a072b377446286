/** Playwright storage state (API §6.2 Cookie; RUNNER §11.5): the shape of the cookie jar. */
export type SameSite = 'Strict' | 'Lax' | 'None';

export interface JarCookie {
  name: string;
  value: string;
  domain: string;
  path: string;
  /** Unix time in seconds; -1 = session cookie. */
  expires: number;
  httpOnly: boolean;
  secure: boolean;
  sameSite: SameSite;
}

export interface LocalStorageEntry {
  name: string;
  value: string;
}

export interface JarOrigin {
  origin: string;
  localStorage: LocalStorageEntry[];
}

export interface StorageState {
  cookies: JarCookie[];
  origins: JarOrigin[];
}

export const emptyStorageState = (): StorageState => ({ cookies: [], origins: [] });

const SAME_SITE: readonly SameSite[] = ['Strict', 'Lax', 'None'];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function toCookie(raw: unknown): JarCookie | null {
  if (!isRecord(raw)) return null;
  const { name, value, domain, path, expires, httpOnly, secure, sameSite } = raw;
  if (typeof name !== 'string' || typeof value !== 'string' || typeof domain !== 'string' || typeof path !== 'string') return null;
  return {
    name,
    value,
    domain,
    path,
    expires: typeof expires === 'number' && Number.isFinite(expires) ? expires : -1,
    httpOnly: httpOnly === true,
    secure: secure === true,
    sameSite: SAME_SITE.includes(sameSite as SameSite) ? (sameSite as SameSite) : 'Lax',
  };
}

function toOrigin(raw: unknown): JarOrigin | null {
  if (!isRecord(raw) || typeof raw.origin !== 'string' || !Array.isArray(raw.localStorage)) return null;
  const localStorage = raw.localStorage
    .filter((e): e is LocalStorageEntry => isRecord(e) && typeof e.name === 'string' && typeof e.value === 'string')
    .map((e) => ({ name: e.name, value: e.value }));
  return { origin: raw.origin, localStorage };
}

/**
 * Keeps exactly the documented fields of a storage state from any source (stored jar, a
 * browser context). Malformed entries are dropped; missing attributes get Playwright's defaults.
 */
export function normalizeStorageState(raw: unknown): StorageState {
  if (!isRecord(raw)) return emptyStorageState();
  const cookies = Array.isArray(raw.cookies) ? raw.cookies.map(toCookie).filter((c): c is JarCookie => c !== null) : [];
  const origins = Array.isArray(raw.origins) ? raw.origins.map(toOrigin).filter((o): o is JarOrigin => o !== null) : [];
  return { cookies, origins };
}

/** Session cookies (negative `expires`) never expire here; others at their `expires` second. */
export function isExpired(cookie: JarCookie, nowSeconds: number): boolean {
  return cookie.expires >= 0 && cookie.expires <= nowSeconds;
}
