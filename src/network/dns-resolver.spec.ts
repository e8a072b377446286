import { classifyAddress } from './ip-ranges.js';
import { SystemDnsResolver } from './dns-resolver.js';

// Only names the OS answers locally (hosts file, literals): tests never query real DNS.
describe('SystemDnsResolver', () => {
  const resolver = new SystemDnsResolver();

  it('returns an IP literal as itself with its family', async () => {
    await expect(resolver.lookupAll('127.0.0.1')).resolves.toEqual([{ address: '127.0.0.1', family: 4 }]);
    await expect(resolver.lookupAll('::1')).resolves.toEqual([{ address: '::1', family: 6 }]);
  });

  it('returns every address of localhost, all loopback', async () => {
    const found = await resolver.lookupAll('localhost');
    expect(found.length).toBeGreaterThan(0);
    for (const a of found) expect(classifyAddress(a.address).range).toMatch(/^(127\.0\.0\.0\/8|::1\/128)$/);
  });
});
