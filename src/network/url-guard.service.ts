import { settleWithin } from '../common/promise-race.js';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { Clock, SystemClock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/config.service.js';
import { DnsResolver, type ResolvedAddress } from './dns-resolver.js';
import { classifyAddress, ipFamily, type AddressVerdict } from './ip-ranges.js';
import { redactUrl } from './url-redaction.js';
import { UrlRefusedError, type GuardFlavour, type Refusal, type RefusalKind } from './url-refused.error.js';

export interface CheckedUrl {
  url: URL;
  /** Host name as used for the connection (no brackets, no trailing dot). */
  hostname: string;
  /**
   * Addresses that passed the check; connect only to these (pinning). Empty only when private
   * networks are allowed and the name did not resolve.
   */
  addresses: ResolvedAddress[];
}

export type HostVerdict =
  | { allowed: true }
  | { allowed: false; kind: RefusalKind; address: string | null; range?: string };

type HostEvaluation =
  | { allowed: true; addresses: ResolvedAddress[] }
  | { allowed: false; kind: RefusalKind; address: string | null; range?: string; note?: string };

const DOCKER_HOST = 'host.docker.internal';
const VERDICT_TTL_MS = 60_000;
const VERDICT_CACHE_MAX = 10_000;
/** getaddrinfo cannot be cancelled; past this the name counts as unresolvable. */
const DNS_TIMEOUT_MS = 10_000;

/**
 * The SSRF guard (API §1.9, DECISIONS #9). `check` resolves fresh on every call (admission, each
 * outbound hop); `checkHostCached` is the cached fast path for browser request routing
 * (RUNNER §11.8).
 */
@Injectable()
export class UrlGuard {
  private readonly allowPrivateNetworks: boolean;
  private readonly clock: Clock;
  private readonly verdicts = new Map<string, { expiresAt: number; verdict: Promise<HostVerdict> }>();

  constructor(
    @Inject(APP_CONFIG) config: Pick<AppConfig, 'allowPrivateNetworks'>,
    private readonly dns: DnsResolver,
    @Optional() clock?: Clock,
  ) {
    this.allowPrivateNetworks = config.allowPrivateNetworks;
    this.clock = clock ?? new SystemClock();
  }

  get privateNetworksAllowed(): boolean {
    return this.allowPrivateNetworks;
  }

  /** WHATWG parse; only http/https. Throws INVALID_URL (or INVALID_WEBHOOK_URL). */
  parse(raw: string | URL, flavour: GuardFlavour = 'standard'): URL {
    let url: URL;
    try {
      url = typeof raw === 'string' ? new URL(raw) : new URL(raw.href);
    } catch {
      throw new UrlRefusedError({ kind: 'unparsable', url: redactUrl(String(raw)), address: null }, flavour);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new UrlRefusedError({ kind: 'unsupported_scheme', url: redactUrl(url), address: null, note: url.protocol }, flavour);
    }
    return url;
  }

  /** Full check with fresh DNS. Throws UrlRefusedError (INVALID_URL / PRIVATE_NETWORK_BLOCKED). */
  async check(raw: string | URL, flavour: GuardFlavour = 'standard'): Promise<CheckedUrl> {
    const url = this.parse(raw, flavour);
    const hostname = normaliseHost(url.hostname);
    const result = await this.evaluateHost(hostname);
    if (!result.allowed) {
      const { allowed: _allowed, ...rest } = result;
      const refusal: Refusal = { ...rest, url: redactUrl(url) };
      throw new UrlRefusedError(refusal, flavour);
    }
    return { url, hostname, addresses: result.addresses };
  }

  /** Same as `check`, with webhook errors: INVALID_WEBHOOK_URL `{reason}`. */
  checkWebhookUrl(raw: string | URL): Promise<CheckedUrl> {
    return this.check(raw, 'webhook');
  }

  /**
   * Cached verdict for a WHATWG host name (`example.com`, `[::1]`, `127.0.0.1`), for use inside
   * a Playwright route handler. Never throws; the scheme is the caller's concern. Verdicts,
   * including refusals for unresolvable names, are cached 60 s per host name.
   */
  checkHostCached(hostname: string): Promise<HostVerdict> {
    const host = canonicalHost(hostname);
    if (host === null) return Promise.resolve({ allowed: false, kind: 'unparsable', address: null });
    const now = this.clock.now();
    const hit = this.verdicts.get(host);
    if (hit && hit.expiresAt > now) return hit.verdict;
    // With private networks allowed no address can be refused, so the browser's own DNS suffices.
    const evaluation = this.allowPrivateNetworks && host !== DOCKER_HOST ? Promise.resolve<HostEvaluation>({ allowed: true, addresses: [] }) : this.evaluateHost(host);
    const verdict = evaluation.then(toVerdict, (): HostVerdict => ({ allowed: false, kind: 'unresolvable', address: null }));
    if (this.verdicts.size >= VERDICT_CACHE_MAX) this.sweep(now);
    this.verdicts.set(host, { expiresAt: now + VERDICT_TTL_MS, verdict });
    return verdict;
  }

  /** Drops every cached verdict (tests, settings changes). */
  clearCache(): void {
    this.verdicts.clear();
  }

  /**
   * The address rule (§1.9 ranges). Protected so a test double can let a local test server
   * through while everything else keeps the production rule.
   */
  protected classify(address: string): AddressVerdict {
    return classifyAddress(address);
  }

  private async evaluateHost(hostname: string): Promise<HostEvaluation> {
    if (hostname === DOCKER_HOST) return { allowed: false, kind: 'docker_host', address: DOCKER_HOST };
    const family = ipFamily(hostname);
    if (family !== 0) {
      const verdict = this.classify(hostname);
      if (verdict.blocked && !this.allowPrivateNetworks) {
        return { allowed: false, kind: 'private_address', address: hostname, range: verdict.range ?? undefined };
      }
      return { allowed: true, addresses: [{ address: hostname, family }] };
    }
    if (!this.allowPrivateNetworks && (hostname === 'localhost' || hostname.endsWith('.localhost'))) {
      return { allowed: false, kind: 'localhost', address: hostname };
    }
    let addresses: ResolvedAddress[];
    try {
      addresses = await settleWithin(this.dns.lookupAll(hostname), DNS_TIMEOUT_MS, dnsTimedOut);
    } catch (err) {
      if (this.allowPrivateNetworks) return { allowed: true, addresses: [] };
      return { allowed: false, kind: 'unresolvable', address: null, note: dnsErrorCode(err) };
    }
    if (this.allowPrivateNetworks) return { allowed: true, addresses };
    if (addresses.length === 0) return { allowed: false, kind: 'unresolvable', address: null };
    for (const a of addresses) {
      const verdict = this.classify(a.address);
      if (verdict.blocked) return { allowed: false, kind: 'private_address', address: a.address, range: verdict.range ?? undefined };
    }
    return { allowed: true, addresses };
  }

  private sweep(now: number): void {
    for (const [host, entry] of this.verdicts) if (entry.expiresAt <= now) this.verdicts.delete(host);
    // Still full of live entries: drop the oldest half (Map keeps insertion order).
    if (this.verdicts.size >= VERDICT_CACHE_MAX) {
      let toDrop = Math.ceil(this.verdicts.size / 2);
      for (const host of this.verdicts.keys()) {
        if (toDrop-- <= 0) break;
        this.verdicts.delete(host);
      }
    }
  }
}

/** Lower-case, brackets and trailing dots removed: `[::1]` → `::1`, `localhost.` → `localhost`. */
export function normaliseHost(hostname: string): string {
  let h = hostname;
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  while (h.endsWith('.')) h = h.slice(0, -1);
  return h.toLowerCase();
}

/** WHATWG host canonicalisation (`0x7f.1` → `127.0.0.1`, `[::ffff:127.0.0.1]` → `::ffff:7f00:1`). */
function canonicalHost(hostname: string): string | null {
  try {
    return normaliseHost(new URL(`http://${hostname}/`).hostname);
  } catch {
    return null;
  }
}

function dnsTimedOut(): never {
  throw Object.assign(new Error(`DNS lookup timed out after ${DNS_TIMEOUT_MS} ms`), { code: 'ETIMEOUT' });
}

function toVerdict(e: HostEvaluation): HostVerdict {
  if (e.allowed) return { allowed: true };
  return e.range === undefined ? { allowed: false, kind: e.kind, address: e.address } : { allowed: false, kind: e.kind, address: e.address, range: e.range };
}

function dnsErrorCode(err: unknown): string | undefined {
  if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'string') return err.code;
  return undefined;
}
