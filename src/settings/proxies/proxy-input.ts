import { normaliseProxyServer, ProxyServerError, type ProxyScheme } from './proxy-server.js';

/** What every response shows instead of a stored proxy password. */
export const PASSWORD_MASK = '••••••••';
export const LABEL_MAX = 100;
export const SERVER_MAX = 2048;
export const USERNAME_MAX = 512;
export const PASSWORD_MAX = 1024;

/** Fields of an add/update request or an import entry, before normalisation. */
export interface ProxyInput {
  server: string;
  username?: string | null;
  password?: string | null;
  label?: string | null;
  isRotatingPool?: boolean | null;
  estimatedPoolSize?: number | null;
}

export type PasswordChange = { kind: 'keep' } | { kind: 'clear' } | { kind: 'set'; value: string };

/** A normalised, not yet stored proxy. */
export interface ProxyDraft {
  scheme: ProxyScheme;
  server: string;
  username?: string;
  password: PasswordChange;
  label?: string;
  isRotatingPool?: boolean;
  estimatedPoolSize?: number;
}

const present = (s: string | null | undefined): s is string => typeof s === 'string' && s !== '';

/**
 * Normalises the server and settles the credentials. Precedence for the password: an explicit
 * value in the request, else one in the server URL, else `null`/`""` (clear), else keep (omitted
 * or the mask). An explicit `username` wins over one in the URL. Throws ProxyServerError.
 */
export function toDraft(input: ProxyInput): ProxyDraft {
  if (input.server.length > SERVER_MAX) throw new ProxyServerError(`server must be at most ${SERVER_MAX} characters`);
  if ((input.username?.length ?? 0) > USERNAME_MAX) throw new ProxyServerError(`username must be at most ${USERNAME_MAX} characters`);
  if ((input.password?.length ?? 0) > PASSWORD_MAX) throw new ProxyServerError(`password must be at most ${PASSWORD_MAX} characters`);
  const normalised = normaliseProxyServer(input.server);
  const username = present(input.username) ? input.username : normalised.username;
  const given = input.password;
  let password: PasswordChange;
  if (typeof given === 'string' && given !== '' && given !== PASSWORD_MASK) password = { kind: 'set', value: given };
  else if (normalised.password !== undefined) password = { kind: 'set', value: normalised.password };
  else if (given === null || given === '') password = { kind: 'clear' };
  else password = { kind: 'keep' };
  const draft: ProxyDraft = { scheme: normalised.scheme, server: normalised.server, password };
  if (username !== undefined) draft.username = username;
  const label = input.label?.trim();
  if (label) draft.label = label;
  if (typeof input.isRotatingPool === 'boolean') draft.isRotatingPool = input.isRotatingPool;
  if (typeof input.estimatedPoolSize === 'number') draft.estimatedPoolSize = input.estimatedPoolSize;
  return draft;
}

/** Chromium cannot authenticate to SOCKS proxies (API §7.1). */
export function assertSocksWithoutCredentials(scheme: ProxyScheme, hasUsername: boolean, hasPassword: boolean): void {
  if (scheme.startsWith('socks') && (hasUsername || hasPassword)) {
    throw new ProxyServerError('SOCKS proxies cannot have a username or password (Chromium cannot authenticate to SOCKS)');
  }
}

const firstString = (o: Record<string, unknown>, keys: string[]): string | null | undefined => {
  for (const k of keys) {
    const v = o[k];
    if (v !== undefined && v !== null) return typeof v === 'string' ? v : null;
  }
  return undefined;
};

/**
 * One `POST /api/settings/proxies/import` entry: `[scheme://][user:pass@]host:port` or an object
 * with `server`|`url`|`proxy`, `username`|`user`, `password`|`pass`, `label`. Throws
 * ProxyServerError for an unusable entry (it is counted as invalid).
 */
export function parseImportEntry(entry: unknown): ProxyDraft {
  if (typeof entry === 'string') return toDraft({ server: entry });
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new ProxyServerError('entry must be a string or an object');
  }
  const o = entry as Record<string, unknown>;
  const server = firstString(o, ['server', 'url', 'proxy']);
  const username = firstString(o, ['username', 'user']);
  const password = firstString(o, ['password', 'pass']);
  const label = firstString(o, ['label']);
  if (typeof server !== 'string') throw new ProxyServerError('server must be a string');
  if (username === null || password === null || label === null) throw new ProxyServerError('username, password and label must be strings');
  if (label !== undefined && label.length > LABEL_MAX) throw new ProxyServerError(`label must be at most ${LABEL_MAX} characters`);
  // An empty password in an import entry means "none given", never "clear the stored one".
  return toDraft({ server, username, password: password === '' ? undefined : password, label });
}
