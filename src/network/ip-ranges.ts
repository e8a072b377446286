import { isIPv4, isIPv6 } from 'node:net';

/**
 * Address ranges refused by the SSRF guard (API §1.9), and pure helpers to classify an address.
 * Addresses are compared as integers (number for IPv4, bigint for IPv6), so no input form
 * (compressed, zero-padded, embedded dotted quad, zone id) can slip past a string comparison.
 */

export type IpFamily = 4 | 6;

interface Range<T extends number | bigint> {
  cidr: string;
  base: T;
  bits: number;
}

export interface AddressVerdict {
  blocked: boolean;
  /** The blocked range that matched (e.g. `127.0.0.0/8`, `fc00::/7`); null when allowed. */
  range: string | null;
  /**
   * For IPv4-mapped / IPv4-compatible IPv6 addresses: the embedded IPv4 address that was checked.
   */
  embeddedIpv4?: string;
}

const BLOCKED_IPV4_CIDRS = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/4',
  '240.0.0.0/4',
] as const;

const BLOCKED_IPV6_CIDRS = [
  '::/128',
  '::1/128',
  '64:ff9b::/96',
  '64:ff9b:1::/48',
  '100::/64',
  '2001::/23',
  '2001:db8::/32',
  '2002::/16',
  'fc00::/7',
  'fe80::/10',
  'fec0::/10',
  'ff00::/8',
] as const;

/** Parses a canonical dotted-quad IPv4 address to an unsigned 32-bit integer; null if not one. */
export function parseIpv4(address: string): number | null {
  if (!isIPv4(address)) return null;
  const parts = address.split('.').map(Number);
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

export function formatIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff].join('.');
}

/** Parses any valid IPv6 text form (with optional zone id `%eth0`) to a 128-bit bigint; null if invalid. */
export function parseIpv6(address: string): bigint | null {
  const withoutZone = stripZone(address);
  if (withoutZone === null || !isIPv6(withoutZone)) return null;
  let text = withoutZone.toLowerCase();
  // An embedded dotted quad becomes the last two groups.
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = parseIpv4(tail);
    if (v4 === null) return null;
    text = `${text.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = text.split('::');
  const head = halves[0] === '' ? [] : halves[0].split(':');
  const rest = halves.length === 2 && halves[1] !== '' ? halves[1].split(':') : [];
  const missing = 8 - head.length - rest.length;
  const groups = halves.length === 2 ? [...head, ...Array<string>(missing).fill('0'), ...rest] : head;
  if (groups.length !== 8) return null;
  let value = 0n;
  for (const g of groups) value = (value << 16n) | BigInt(parseInt(g, 16));
  return value;
}

/** `fe80::1%eth0` → `fe80::1`; null for an empty zone id. */
function stripZone(address: string): string | null {
  const pct = address.indexOf('%');
  if (pct === -1) return address;
  return pct === address.length - 1 ? null : address.slice(0, pct);
}

function buildRanges4(cidrs: readonly string[]): Range<number>[] {
  return cidrs.map((cidr) => {
    const [ip, bits] = cidr.split('/');
    return { cidr, base: parseIpv4(ip) as number, bits: Number(bits) };
  });
}

function buildRanges6(cidrs: readonly string[]): Range<bigint>[] {
  return cidrs.map((cidr) => {
    const [ip, bits] = cidr.split('/');
    return { cidr, base: parseIpv6(ip) as bigint, bits: Number(bits) };
  });
}

const RANGES4 = buildRanges4(BLOCKED_IPV4_CIDRS);
const RANGES6 = buildRanges6(BLOCKED_IPV6_CIDRS);
const ALL_ONES_128 = (1n << 128n) - 1n;

function inRange4(value: number, r: Range<number>): boolean {
  if (r.bits === 0) return true;
  const mask = r.bits === 32 ? 0xffffffff : (0xffffffff << (32 - r.bits)) >>> 0;
  return ((value & mask) >>> 0) === r.base;
}

function inRange6(value: bigint, r: Range<bigint>): boolean {
  const mask = (ALL_ONES_128 << BigInt(128 - r.bits)) & ALL_ONES_128;
  return (value & mask) === r.base;
}

function classifyIpv4Value(value: number): AddressVerdict {
  const hit = RANGES4.find((r) => inRange4(value, r));
  return { blocked: hit !== undefined, range: hit?.cidr ?? null };
}

const MAPPED_HIGH_96 = 0xffffn; // ::ffff:0:0/96
const LOW_32 = 0xffffffffn;

function classifyIpv6Value(value: bigint): AddressVerdict {
  const high96 = value >> 32n;
  // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d): judge the embedded IPv4.
  // `::` and `::1` fall in the compatible form too; their embedded addresses are in 0.0.0.0/8,
  // but the explicit IPv6 entries are reported first for clearer messages.
  if (value === 0n || value === 1n) return classifyListedIpv6(value);
  if (high96 === MAPPED_HIGH_96 || high96 === 0n) {
    const embedded = formatIpv4(Number(value & LOW_32));
    return { ...classifyIpv4Value(Number(value & LOW_32)), embeddedIpv4: embedded };
  }
  return classifyListedIpv6(value);
}

function classifyListedIpv6(value: bigint): AddressVerdict {
  const hit = RANGES6.find((r) => inRange6(value, r));
  return { blocked: hit !== undefined, range: hit?.cidr ?? null };
}

/**
 * Classifies an IP address given as text (IPv4 dotted quad, or IPv6 with or without brackets
 * and zone id). Anything that is not a valid IP address is reported as blocked (fail closed)
 * with range `invalid`.
 */
export function classifyAddress(address: string): AddressVerdict {
  const text = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const v4 = parseIpv4(text);
  if (v4 !== null) return classifyIpv4Value(v4);
  const v6 = parseIpv6(text);
  if (v6 !== null) return classifyIpv6Value(v6);
  return { blocked: true, range: 'invalid' };
}

export function isBlockedAddress(address: string): boolean {
  return classifyAddress(address).blocked;
}

/** 4 or 6 for an IP literal (brackets allowed), 0 for anything else. */
export function ipFamily(host: string): 0 | IpFamily {
  const text = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (isIPv4(text)) return 4;
  return parseIpv6(text) === null ? 0 : 6;
}

export const BLOCKED_RANGES: { ipv4: readonly string[]; ipv6: readonly string[] } = {
  ipv4: BLOCKED_IPV4_CIDRS,
  ipv6: BLOCKED_IPV6_CIDRS,
};
