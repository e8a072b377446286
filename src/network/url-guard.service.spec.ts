import { jest } from '@jest/globals';
import { Test } from '@nestjs/testing';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/errors.js';
import { ConfigModule } from '../config/config.module.js';
import type { AppConfig } from '../config/config.service.js';
import { DnsResolver, type ResolvedAddress } from './dns-resolver.js';
import { NetworkModule } from './network.module.js';
import { UrlGuard } from './url-guard.service.js';
import { redactUrl } from './url-redaction.js';
import { UrlRefusedError } from './url-refused.error.js';

/** Fake DNS: a fixed table; unknown names fail like getaddrinfo's ENOTFOUND. */
class FakeResolver extends DnsResolver {
  readonly calls: string[] = [];
  constructor(private readonly table: Record<string, string[]>) {
    super();
  }
  async lookupAll(host: string): Promise<ResolvedAddress[]> {
    this.calls.push(host);
    const found = this.table[host];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  }
}

class FakeClock extends Clock {
  t = 1_000_000;
  now(): number {
    return this.t;
  }
}

const DNS: Record<string, string[]> = {
  'public.test': ['8.8.8.8'],
  'public6.test': ['2606:4700::1111'],
  'dual.test': ['1.1.1.1', '2606:4700::1111'],
  'mixed.test': ['8.8.8.8', '10.0.0.5'],
  'mixed6.test': ['2606:4700::1111', 'fd00::1'],
  'mapped.test': ['::ffff:127.0.0.1'],
  'metadata.test': ['169.254.169.254'],
  'empty.test': [],
};

function makeGuard(allowPrivateNetworks: boolean, table = DNS, clock?: Clock) {
  const resolver = new FakeResolver(table);
  return { guard: new UrlGuard({ allowPrivateNetworks }, resolver, clock), resolver };
}

async function refusal(promise: Promise<unknown>): Promise<UrlRefusedError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof UrlRefusedError) return err;
    throw err;
  }
  throw new Error('expected the URL to be refused');
}

type Expect = 'allow' | 'blocked' | 'invalid' | 'unresolvable';

describe('UrlGuard.check (ALLOW_PRIVATE_NETWORKS=false)', () => {
  const { guard } = makeGuard(false);

  const table: [string, Expect, string | null][] = [
    // Numeric-encoded IPv4 forms, normalised by the WHATWG parser.
    ['http://2130706433/', 'blocked', '127.0.0.1'],
    ['http://0x7f.1/', 'blocked', '127.0.0.1'],
    ['http://0177.0.0.1/', 'blocked', '127.0.0.1'],
    ['http://127.1/', 'blocked', '127.0.0.1'],
    ['http://0/', 'blocked', '0.0.0.0'],
    ['http://%31%32%37.0.0.1/', 'blocked', '127.0.0.1'],
    ['http://127.0.0.1:8080/x', 'blocked', '127.0.0.1'],
    ['https://10.1.2.3/', 'blocked', '10.1.2.3'],
    ['http://100.64.0.0/', 'blocked', '100.64.0.0'],
    ['http://100.63.255.255/', 'allow', null],
    ['http://169.254.169.254/latest/meta-data/', 'blocked', '169.254.169.254'],
    ['http://172.31.255.255/', 'blocked', '172.31.255.255'],
    ['http://172.32.0.0/', 'allow', null],
    ['http://192.168.1.1/', 'blocked', '192.168.1.1'],
    ['http://224.0.0.1/', 'blocked', '224.0.0.1'],
    ['http://255.255.255.255/', 'blocked', '255.255.255.255'],
    ['http://8.8.8.8/', 'allow', null],
    ['https://1.1.1.1/dns-query', 'allow', null],
    // IPv6 literals.
    ['http://[::1]/', 'blocked', '::1'],
    ['http://[::]/', 'blocked', '::'],
    ['http://[::ffff:127.0.0.1]/', 'blocked', '::ffff:7f00:1'],
    ['http://[::ffff:7f00:1]/', 'blocked', '::ffff:7f00:1'],
    ['http://[::127.0.0.1]/', 'blocked', '::7f00:1'],
    ['http://[::ffff:a9fe:a9fe]/', 'blocked', '::ffff:a9fe:a9fe'],
    ['http://[fe80::1]/', 'blocked', 'fe80::1'],
    ['http://[fd00::1]:8080/', 'blocked', 'fd00::1'],
    ['http://[2001:db8::1]/', 'blocked', '2001:db8::1'],
    ['http://[2002:7f00:1::]/', 'blocked', '2002:7f00:1::'],
    ['http://[64:ff9b::7f00:1]/', 'blocked', '64:ff9b::7f00:1'],
    ['http://[ff02::1]/', 'blocked', 'ff02::1'],
    ['http://[2606:4700::1111]/', 'allow', null],
    ['http://[::ffff:8.8.8.8]/', 'allow', null],
    // Names.
    ['http://localhost/', 'blocked', 'localhost'],
    ['http://LOCALHOST:3000/', 'blocked', 'localhost'],
    ['http://localhost./', 'blocked', 'localhost'],
    ['http://foo.localhost/', 'blocked', 'foo.localhost'],
    ['http://a.b.localhost./', 'blocked', 'a.b.localhost'],
    ['http://host.docker.internal/', 'blocked', 'host.docker.internal'],
    ['http://HOST.DOCKER.INTERNAL.:8080/', 'blocked', 'host.docker.internal'],
    ['http://public.test/', 'allow', null],
    ['https://public6.test/', 'allow', null],
    ['https://dual.test/', 'allow', null],
    ['http://mixed.test/', 'blocked', '10.0.0.5'],
    ['http://mixed6.test/', 'blocked', 'fd00::1'],
    ['http://mapped.test/', 'blocked', '::ffff:127.0.0.1'],
    ['http://metadata.test/', 'blocked', '169.254.169.254'],
    ['http://nowhere.test/', 'unresolvable', null],
    ['http://empty.test/', 'unresolvable', null],
    // Schemes and syntax.
    ['ftp://public.test/', 'invalid', null],
    ['file:///etc/passwd', 'invalid', null],
    ['javascript:alert(1)', 'invalid', null],
    ['data:text/html,hi', 'invalid', null],
    ['ws://public.test/', 'invalid', null],
    ['not a url', 'invalid', null],
    ['//public.test/', 'invalid', null],
    ['http://', 'invalid', null],
  ];

  it.each(table)('%s → %s', async (url, expected, address) => {
    if (expected === 'allow') {
      const checked = await guard.check(url);
      expect(checked.url.href).toBe(new URL(url).href);
      expect(checked.addresses.length).toBeGreaterThan(0);
      return;
    }
    const err = await refusal(guard.check(url));
    expect(err).toBeInstanceOf(DomainError);
    if (expected === 'blocked') {
      expect(err.code).toBe('PRIVATE_NETWORK_BLOCKED');
      expect(err.status).toBe(400);
      expect(err.details).toEqual({ url: redactUrl(new URL(url)), address });
    } else {
      expect(err.code).toBe('INVALID_URL');
      expect(err.details).toMatchObject({ reason: expected === 'unresolvable' ? 'unresolvable' : expect.stringMatching(/^(unparsable|unsupported_scheme)$/) });
    }
  });

  it('returns every checked address of a name, for pinning', async () => {
    const checked = await guard.check('https://dual.test/a?b=1');
    expect(checked.hostname).toBe('dual.test');
    expect(checked.addresses).toEqual([
      { address: '1.1.1.1', family: 4 },
      { address: '2606:4700::1111', family: 6 },
    ]);
  });

  it('returns IP literals without brackets and without asking DNS', async () => {
    const { guard: g, resolver } = makeGuard(false);
    const checked = await g.check('http://[2606:4700::1111]:8080/');
    expect(checked.hostname).toBe('2606:4700::1111');
    expect(checked.addresses).toEqual([{ address: '2606:4700::1111', family: 6 }]);
    expect(resolver.calls).toEqual([]);
  });

  it('never asks DNS for localhost names', async () => {
    const { guard: g, resolver } = makeGuard(false);
    await refusal(g.check('http://localhost./'));
    expect(resolver.calls).toEqual([]);
  });

  it('names the scheme and the blocked range in the message, and redacts the URL', async () => {
    const scheme = await refusal(guard.check('ftp://user:pw@public.test/x?token=1'));
    expect(scheme.details).toEqual({ url: 'ftp://public.test/x?…', reason: 'unsupported_scheme' });
    expect(scheme.message).toContain('ftp:');
    const blocked = await refusal(guard.check('http://user:secret@10.0.0.1/path?key=abc'));
    expect(blocked.message).toContain('10.0.0.0/8');
    expect(blocked.message).not.toContain('secret');
    expect(blocked.message).not.toContain('abc');
    expect(blocked.details).toEqual({ url: 'http://10.0.0.1/path?…', address: '10.0.0.1' });
  });

  it('parse() accepts http and https only', () => {
    expect(guard.parse('HTTPS://Example.COM/a').href).toBe('https://example.com/a');
    expect(() => guard.parse('gopher://x/')).toThrow(UrlRefusedError);
    expect(() => guard.parse('http//x')).toThrow(expect.objectContaining({ code: 'INVALID_URL', details: { url: 'http//x', reason: 'unparsable' } }));
  });
});

describe('UrlGuard.check (ALLOW_PRIVATE_NETWORKS=true)', () => {
  const { guard, resolver } = makeGuard(true);

  it.each(['http://127.0.0.1/', 'http://[::1]/', 'http://localhost/', 'http://foo.localhost/', 'http://10.0.0.1/', 'http://mixed.test/', 'http://2130706433/'])(
    'allows %s',
    async (url) => {
      await expect(guard.check(url)).resolves.toMatchObject({ url: new URL(url) });
    },
  );

  it.each(['http://host.docker.internal/', 'https://host.docker.internal:2375/v1'])('still refuses %s', async (url) => {
    const err = await refusal(guard.check(url));
    expect(err.code).toBe('PRIVATE_NETWORK_BLOCKED');
  });

  it.each(['ftp://127.0.0.1/', 'file:///etc/passwd', 'javascript:alert(1)'])('still refuses scheme %s', async (url) => {
    const err = await refusal(guard.check(url));
    expect(err.code).toBe('INVALID_URL');
  });

  it('still resolves names so the connection can be pinned', async () => {
    resolver.calls.length = 0;
    const checked = await guard.check('http://mixed.test/');
    expect(resolver.calls).toEqual(['mixed.test']);
    expect(checked.addresses.map((a) => a.address)).toEqual(['8.8.8.8', '10.0.0.5']);
  });

  it('lets an unresolvable name through with no addresses (the connection fails later)', async () => {
    await expect(guard.check('http://nowhere.test/')).resolves.toMatchObject({ addresses: [] });
  });
});

describe('UrlGuard DNS timeout', () => {
  afterEach(() => jest.useRealTimers());

  it('refuses a name whose lookup hangs for 10 s as unresolvable', async () => {
    jest.useFakeTimers();
    const hanging = new (class extends DnsResolver {
      lookupAll(): Promise<ResolvedAddress[]> {
        return new Promise(() => undefined);
      }
    })();
    const guard = new UrlGuard({ allowPrivateNetworks: false }, hanging);
    const outcome = refusal(guard.check('http://slow.test/'));
    await jest.advanceTimersByTimeAsync(9_999);
    let settled = false;
    void outcome.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    const err = await outcome;
    expect(err.details).toMatchObject({ reason: 'unresolvable' });
    expect(err.message).toContain('ETIMEOUT');
  });
});

describe('UrlGuard.checkWebhookUrl', () => {
  const { guard } = makeGuard(false);

  it.each([
    ['not a url', 'unparsable'],
    ['ftp://public.test/', 'unsupported_scheme'],
    ['http://10.0.0.1/hook', 'private_network'],
    ['http://localhost/hook', 'private_network'],
    ['http://mixed.test/hook', 'private_network'],
    ['http://host.docker.internal/hook', 'private_network'],
    ['http://nowhere.test/hook', 'unresolvable'],
  ])('%s → INVALID_WEBHOOK_URL %s', async (url, reason) => {
    const err = await refusal(guard.checkWebhookUrl(url));
    expect(err.code).toBe('INVALID_WEBHOOK_URL');
    expect(err.status).toBe(400);
    expect(err.details).toEqual({ reason });
  });

  it('accepts a public webhook URL', async () => {
    await expect(guard.checkWebhookUrl('https://public.test/hook')).resolves.toMatchObject({ hostname: 'public.test' });
  });
});

describe('UrlGuard.checkHostCached', () => {
  it('caches verdicts per host name for 60 s', async () => {
    const clock = new FakeClock();
    const table: Record<string, string[]> = { 'flip.test': ['8.8.8.8'] };
    const { guard, resolver } = makeGuard(false, table, clock);
    await expect(guard.checkHostCached('flip.test')).resolves.toEqual({ allowed: true });
    table['flip.test'] = ['10.0.0.1'];
    clock.t += 59_000;
    await expect(guard.checkHostCached('FLIP.test.')).resolves.toEqual({ allowed: true });
    expect(resolver.calls).toEqual(['flip.test']);
    clock.t += 1_001;
    await expect(guard.checkHostCached('flip.test')).resolves.toEqual({ allowed: false, kind: 'private_address', address: '10.0.0.1', range: '10.0.0.0/8' });
    expect(resolver.calls).toEqual(['flip.test', 'flip.test']);
  });

  it('shares one lookup between concurrent callers', async () => {
    const { guard, resolver } = makeGuard(false);
    await Promise.all([guard.checkHostCached('public.test'), guard.checkHostCached('public.test'), guard.checkHostCached('public.test')]);
    expect(resolver.calls).toEqual(['public.test']);
  });

  it('never throws and reports why a host is refused', async () => {
    const { guard } = makeGuard(false);
    await expect(guard.checkHostCached('[::1]')).resolves.toEqual({ allowed: false, kind: 'private_address', address: '::1', range: '::1/128' });
    await expect(guard.checkHostCached('foo.localhost')).resolves.toEqual({ allowed: false, kind: 'localhost', address: 'foo.localhost' });
    await expect(guard.checkHostCached('nowhere.test')).resolves.toEqual({ allowed: false, kind: 'unresolvable', address: null });
    await expect(guard.checkHostCached('host.docker.internal')).resolves.toMatchObject({ allowed: false, kind: 'docker_host' });
    await expect(guard.checkHostCached('8.8.8.8')).resolves.toEqual({ allowed: true });
  });

  it('canonicalises host names the way the URL parser does', async () => {
    const { guard, resolver } = makeGuard(false);
    await expect(guard.checkHostCached('0x7f.1')).resolves.toMatchObject({ allowed: false, address: '127.0.0.1' });
    await expect(guard.checkHostCached('2130706433')).resolves.toMatchObject({ allowed: false, address: '127.0.0.1' });
    await expect(guard.checkHostCached('[::ffff:127.0.0.1]')).resolves.toMatchObject({ allowed: false, range: '127.0.0.0/8' });
    await expect(guard.checkHostCached('bad host')).resolves.toEqual({ allowed: false, kind: 'unparsable', address: null });
    expect(resolver.calls).toEqual([]);
  });

  it('a resolver that throws something odd still yields a refusal', async () => {
    const broken = new (class extends DnsResolver {
      lookupAll(): Promise<ResolvedAddress[]> {
        return Promise.reject(new Error('boom'));
      }
    })();
    const guard = new UrlGuard({ allowPrivateNetworks: false }, broken);
    await expect(guard.checkHostCached('public.test')).resolves.toMatchObject({ allowed: false, kind: 'unresolvable' });
  });

  it('with private networks allowed, only host.docker.internal is refused and DNS is not needed', async () => {
    const { guard, resolver } = makeGuard(true);
    await expect(guard.checkHostCached('localhost')).resolves.toEqual({ allowed: true });
    await expect(guard.checkHostCached('10.0.0.1')).resolves.toEqual({ allowed: true });
    await expect(guard.checkHostCached('host.docker.internal')).resolves.toMatchObject({ allowed: false });
    expect(resolver.calls).toEqual([]);
  });
});

describe('NetworkModule wiring', () => {
  it('builds UrlGuard from APP_CONFIG and a replaced DnsResolver', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot({ allowPrivateNetworks: false } as AppConfig), NetworkModule],
    })
      .overrideProvider(DnsResolver)
      .useValue(new FakeResolver(DNS))
      .compile();
    const guard = moduleRef.get(UrlGuard);
    expect(guard.privateNetworksAllowed).toBe(false);
    await expect(guard.check('http://public.test/')).resolves.toMatchObject({ hostname: 'public.test' });
    await expect(guard.check('http://mixed.test/')).rejects.toMatchObject({ code: 'PRIVATE_NETWORK_BLOCKED' });
  });
});
