/** Proxy server normalisation (API §7.1): `scheme://host:port` plus credentials taken from the URL. */

export const PROXY_SCHEMES = ['http', 'https', 'socks4', 'socks5'] as const;
export type ProxyScheme = (typeof PROXY_SCHEMES)[number];

const DEFAULT_PORTS: Partial<Record<ProxyScheme, number>> = { http: 80, https: 443 };

export interface NormalisedServer {
  scheme: ProxyScheme;
  /** `scheme://host:port`, scheme and host lower-cased, port always explicit. */
  server: string;
  /** URL-decoded credentials found in the URL, if any. */
  username?: string;
  password?: string;
}

/** A server string that cannot be used as a proxy; `reason` goes into `details.reason`. */
export class ProxyServerError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'ProxyServerError';
  }
}

const SCHEME_PREFIX = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;

function isProxyScheme(s: string): s is ProxyScheme {
  return (PROXY_SCHEMES as readonly string[]).includes(s);
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function parseAs(scheme: 'http' | 'https', rest: string): URL | null {
  try {
    return new URL(`${scheme}://${rest}`);
  } catch {
    return null;
  }
}

/**
 * Trims, adds `http://` when no scheme is given, keeps only scheme, host and port. The
 * authority is parsed with the WHATWG parser as a special (http) URL so hosts are lower-cased
 * and numeric IPv4 forms normalised whatever the proxy scheme. Throws ProxyServerError.
 */
export function normaliseProxyServer(input: string): NormalisedServer {
  const trimmed = input.trim();
  if (trimmed === '') throw new ProxyServerError('server is empty');
  if (CONTROL_CHARS.test(trimmed)) throw new ProxyServerError('server contains control characters');
  const match = SCHEME_PREFIX.exec(trimmed);
  const scheme = (match ? match[1] : 'http').toLowerCase();
  if (!isProxyScheme(scheme)) {
    throw new ProxyServerError(`unsupported scheme "${scheme}" (allowed: ${PROXY_SCHEMES.join(', ')})`);
  }
  const rest = match ? trimmed.slice(match[0].length) : trimmed;
  if (/^[/?#]/.test(rest) || rest === '') throw new ProxyServerError('host is required');
  const viaHttp = parseAs('http', rest);
  const viaHttps = parseAs('https', rest);
  if (!viaHttp || !viaHttps) throw new ProxyServerError('server is not a valid host[:port]');
  if (viaHttp.hostname === '') throw new ProxyServerError('host is required');
  // Each parser hides its own default port, so the explicit port is whichever one shows it.
  const explicitPort = viaHttp.port || viaHttps.port;
  let port: number;
  if (explicitPort !== '') {
    port = Number(explicitPort);
    if (port < 1 || port > 65535) throw new ProxyServerError('port must be from 1 to 65535');
  } else {
    const fallback = DEFAULT_PORTS[scheme];
    if (fallback === undefined) throw new ProxyServerError(`a port is required for ${scheme} proxies`);
    port = fallback;
  }
  const result: NormalisedServer = { scheme, server: `${scheme}://${viaHttp.hostname}:${port}` };
  if (viaHttp.username !== '') result.username = decode(viaHttp.username);
  if (viaHttp.password !== '') result.password = decode(viaHttp.password);
  return result;
}

/** Dedupe key of a stored or incoming proxy: lower-cased normalised server plus username. */
export function proxyIdentity(server: string, username: string | undefined): string {
  return `${server.toLowerCase()}\n${username ?? ''}`;
}
