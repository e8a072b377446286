import { DnsResolver, type ResolvedAddress } from '../network/dns-resolver.js';
import { UrlGuard } from '../network/url-guard.service.js';
import { checkedBaseUrl } from './base-url.js';

class FakeResolver extends DnsResolver {
  readonly calls: string[] = [];
  constructor(private readonly table: Record<string, string>) {
    super();
  }
  async lookupAll(host: string): Promise<ResolvedAddress[]> {
    this.calls.push(host);
    const address = this.table[host];
    if (!address) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return [{ address, family: 4 }];
  }
}

describe('checkedBaseUrl (API §8, §1.9)', () => {
  const dns = new FakeResolver({ 'api.baserow.io': '93.184.215.14', 'internal.example': '10.1.2.3' });
  const guard = new UrlGuard({ allowPrivateNetworks: false }, dns);

  it.each([
    ['https://api.baserow.io', 'https://api.baserow.io'],
    ['https://api.baserow.io/', 'https://api.baserow.io'],
    ['https://API.Baserow.io:443//', 'https://api.baserow.io'],
    ['http://api.baserow.io:8080/baserow/', 'http://api.baserow.io:8080/baserow'],
  ])('%s → %s (resolved with DNS)', async (raw, normalised) => {
    dns.calls.length = 0;
    await expect(checkedBaseUrl(guard, raw)).resolves.toBe(normalised);
    expect(dns.calls).toEqual(['api.baserow.io']);
  });

  it('refuses private, loopback and unresolvable hosts', async () => {
    await expect(checkedBaseUrl(guard, 'https://internal.example')).rejects.toMatchObject({ code: 'PRIVATE_NETWORK_BLOCKED', details: { address: '10.1.2.3' } });
    await expect(checkedBaseUrl(guard, 'http://localhost:8000')).rejects.toMatchObject({ code: 'PRIVATE_NETWORK_BLOCKED' });
    await expect(checkedBaseUrl(guard, 'http://0x7f.1/')).rejects.toMatchObject({ code: 'PRIVATE_NETWORK_BLOCKED', details: { address: '127.0.0.1' } });
    await expect(checkedBaseUrl(guard, 'https://nowhere.example')).rejects.toMatchObject({ code: 'INVALID_URL', details: { reason: 'unresolvable' } });
  });

  it('refuses other schemes and unparsable text with INVALID_URL', async () => {
    await expect(checkedBaseUrl(guard, 'ftp://api.baserow.io')).rejects.toMatchObject({ code: 'INVALID_URL', details: { reason: 'unsupported_scheme' } });
    await expect(checkedBaseUrl(guard, 'garbage')).rejects.toMatchObject({ code: 'INVALID_URL', details: { reason: 'unparsable' } });
  });

  it('refuses user info, a query or a fragment with VALIDATION_FAILED on config.baseUrl', async () => {
    for (const raw of ['https://u:p@api.baserow.io', 'https://api.baserow.io/?a=1', 'https://api.baserow.io/#x']) {
      await expect(checkedBaseUrl(guard, raw)).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'config.baseUrl', message: expect.any(String) }] });
    }
  });
});
