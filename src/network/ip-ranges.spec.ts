import { BLOCKED_RANGES, classifyAddress, ipFamily, isBlockedAddress, parseIpv4, parseIpv6 } from './ip-ranges.js';

describe('ip-ranges', () => {
  // [address, expected matching range or null when allowed]
  const table: [string, string | null][] = [
    // IPv4: each range, first and last address, and the neighbours just outside.
    ['0.0.0.0', '0.0.0.0/8'],
    ['0.255.255.255', '0.0.0.0/8'],
    ['1.0.0.0', null],
    ['9.255.255.255', null],
    ['10.0.0.0', '10.0.0.0/8'],
    ['10.255.255.255', '10.0.0.0/8'],
    ['11.0.0.0', null],
    ['100.63.255.255', null],
    ['100.64.0.0', '100.64.0.0/10'],
    ['100.127.255.255', '100.64.0.0/10'],
    ['100.128.0.0', null],
    ['126.255.255.255', null],
    ['127.0.0.0', '127.0.0.0/8'],
    ['127.0.0.1', '127.0.0.0/8'],
    ['127.255.255.255', '127.0.0.0/8'],
    ['128.0.0.0', null],
    ['169.253.255.255', null],
    ['169.254.0.0', '169.254.0.0/16'],
    ['169.254.169.254', '169.254.0.0/16'],
    ['169.254.255.255', '169.254.0.0/16'],
    ['169.255.0.0', null],
    ['172.15.255.255', null],
    ['172.16.0.0', '172.16.0.0/12'],
    ['172.31.255.255', '172.16.0.0/12'],
    ['172.32.0.0', null],
    ['191.255.255.255', null],
    ['192.0.0.0', '192.0.0.0/24'],
    ['192.0.0.255', '192.0.0.0/24'],
    ['192.0.1.0', null],
    ['192.0.2.0', '192.0.2.0/24'],
    ['192.0.2.255', '192.0.2.0/24'],
    ['192.0.3.0', null],
    ['192.167.255.255', null],
    ['192.168.0.0', '192.168.0.0/16'],
    ['192.168.255.255', '192.168.0.0/16'],
    ['192.169.0.0', null],
    ['198.17.255.255', null],
    ['198.18.0.0', '198.18.0.0/15'],
    ['198.19.255.255', '198.18.0.0/15'],
    ['198.20.0.0', null],
    ['198.51.99.255', null],
    ['198.51.100.0', '198.51.100.0/24'],
    ['198.51.100.255', '198.51.100.0/24'],
    ['198.51.101.0', null],
    ['203.0.112.255', null],
    ['203.0.113.0', '203.0.113.0/24'],
    ['203.0.113.255', '203.0.113.0/24'],
    ['203.0.114.0', null],
    ['223.255.255.255', null],
    ['224.0.0.0', '224.0.0.0/4'],
    ['239.255.255.255', '224.0.0.0/4'],
    ['240.0.0.0', '240.0.0.0/4'],
    ['255.255.255.255', '240.0.0.0/4'],
    ['8.8.8.8', null],
    ['1.1.1.1', null],
    // IPv6 ranges.
    ['::', '::/128'],
    ['::1', '::1/128'],
    ['[::1]', '::1/128'],
    ['0:0:0:0:0:0:0:1', '::1/128'],
    ['::2', '0.0.0.0/8'], // IPv4-compatible ::0.0.0.2
    ['64:ff9b::', '64:ff9b::/96'],
    ['64:ff9b::8.8.8.8', '64:ff9b::/96'],
    ['64:ff9b::1:0:0', null], // just past the /96
    ['64:ff9b:1::1', '64:ff9b:1::/48'],
    ['64:ff9b:1:ffff:ffff:ffff:ffff:ffff', '64:ff9b:1::/48'],
    ['64:ff9b:2::', null],
    ['100::', '100::/64'],
    ['100::ffff:ffff:ffff:ffff', '100::/64'],
    ['100:0:0:1::', null],
    ['2001::1', '2001::/23'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', '2001::/23'], // Teredo
    ['2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff', '2001::/23'],
    ['2001:200::', null],
    ['2001:db8::1', '2001:db8::/32'],
    ['2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', '2001:db8::/32'],
    ['2001:db9::', null],
    ['2002::1', '2002::/16'],
    ['2002:7f00:1::', '2002::/16'],
    ['2003::', null],
    ['fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', null],
    ['fc00::', 'fc00::/7'],
    ['fd12:3456::1', 'fc00::/7'],
    ['fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'fc00::/7'],
    ['fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff', null],
    ['fe80::', 'fe80::/10'],
    ['fe80::1%eth0', 'fe80::/10'],
    ['febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'fe80::/10'],
    ['fec0::', 'fec0::/10'],
    ['feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'fec0::/10'],
    ['ff00::', 'ff00::/8'],
    ['ff02::1', 'ff00::/8'],
    ['2606:4700::1111', null],
    ['2001:4860:4860::8888', null],
    ['FE80::ABCD', 'fe80::/10'],
    // IPv4-mapped (dotted and hex) and IPv4-compatible: judged as the embedded IPv4.
    ['::ffff:127.0.0.1', '127.0.0.0/8'],
    ['::ffff:7f00:1', '127.0.0.0/8'],
    ['[::ffff:7f00:1]', '127.0.0.0/8'],
    ['0:0:0:0:0:ffff:7f00:0001', '127.0.0.0/8'],
    ['::ffff:a00:1', '10.0.0.0/8'],
    ['::ffff:169.254.169.254', '169.254.0.0/16'],
    ['::ffff:8.8.8.8', null],
    ['::ffff:808:808', null],
    ['::127.0.0.1', '127.0.0.0/8'],
    ['::7f00:1', '127.0.0.0/8'],
    ['::192.168.1.1', '192.168.0.0/16'],
    ['::8.8.8.8', null],
  ];

  it.each(table)('%s → %s', (address, range) => {
    const verdict = classifyAddress(address);
    expect(verdict.range).toBe(range);
    expect(verdict.blocked).toBe(range !== null);
    expect(isBlockedAddress(address)).toBe(range !== null);
  });

  it('reports the embedded IPv4 address for mapped and compatible forms', () => {
    expect(classifyAddress('::ffff:7f00:1').embeddedIpv4).toBe('127.0.0.1');
    expect(classifyAddress('::a00:1').embeddedIpv4).toBe('10.0.0.1');
    expect(classifyAddress('2606:4700::1111').embeddedIpv4).toBeUndefined();
  });

  it.each(['', 'localhost', '127.1', '2130706433', '0x7f.0.0.1', '1.2.3', '1.2.3.4.5', '256.0.0.1', ':::1', 'fe80::1%', 'gggg::1'])(
    'treats non-addresses as blocked (fail closed): %j',
    (input) => {
      expect(classifyAddress(input)).toEqual({ blocked: true, range: 'invalid' });
    },
  );

  it('covers exactly the ranges of API §1.9', () => {
    expect(BLOCKED_RANGES.ipv4).toHaveLength(14);
    expect(BLOCKED_RANGES.ipv6).toHaveLength(12);
  });

  it('parses IPv4 and IPv6 text to integers', () => {
    expect(parseIpv4('255.255.255.255')).toBe(0xffffffff);
    expect(parseIpv4('1.2.3.4')).toBe(0x01020304);
    expect(parseIpv4('01.2.3.4')).toBeNull();
    expect(parseIpv6('::')).toBe(0n);
    expect(parseIpv6('1::')).toBe(1n << 112n);
    expect(parseIpv6('::ffff:1.2.3.4')).toBe((0xffffn << 32n) | 0x01020304n);
    expect(parseIpv6('1:2:3:4:5:6:7:8')).toBe(0x00010002000300040005000600070008n);
    expect(parseIpv6('1.2.3.4')).toBeNull();
  });

  it('tells the family of IP literals', () => {
    expect(ipFamily('127.0.0.1')).toBe(4);
    expect(ipFamily('[::1]')).toBe(6);
    expect(ipFamily('::1')).toBe(6);
    expect(ipFamily('example.com')).toBe(0);
  });
});
