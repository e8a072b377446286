import { describe, expect, it } from '@jest/globals';
import { normaliseProxyServer, ProxyServerError, proxyIdentity } from './proxy-server.js';

const reason = (input: string): string => {
  try {
    normaliseProxyServer(input);
  } catch (err) {
    if (err instanceof ProxyServerError) return err.reason;
    throw err;
  }
  throw new Error(`expected ${input} to be rejected`);
};

describe('normaliseProxyServer (API §7.1)', () => {
  it.each([
    ['203.0.113.5:8080', 'http://203.0.113.5:8080'],
    ['  203.0.113.5:8080  ', 'http://203.0.113.5:8080'],
    ['proxy.example', 'http://proxy.example:80'],
    ['https://proxy.example', 'https://proxy.example:443'],
    ['HTTP://Proxy.Example:3128', 'http://proxy.example:3128'],
    ['http://proxy.example:80', 'http://proxy.example:80'],
    ['https://proxy.example:80', 'https://proxy.example:80'],
    ['http://proxy.example:443', 'http://proxy.example:443'],
    ['socks5://Proxy.Example:1080', 'socks5://proxy.example:1080'],
    ['socks4://10.0.0.1:80', 'socks4://10.0.0.1:80'],
    ['socks5://10.0.0.1:443', 'socks5://10.0.0.1:443'],
    ['http://proxy.example:8080/some/path?q=1#frag', 'http://proxy.example:8080'],
    ['http://[2001:db8::1]:8080', 'http://[2001:db8::1]:8080'],
    ['http://2130706433:8080', 'http://127.0.0.1:8080'],
  ])('%s → %s', (input, server) => {
    expect(normaliseProxyServer(input).server).toBe(server);
  });

  it('decodes credentials from the URL and drops them from server', () => {
    expect(normaliseProxyServer('http://us%40er:p%3Ass@proxy.example:8080')).toEqual({
      scheme: 'http',
      server: 'http://proxy.example:8080',
      username: 'us@er',
      password: 'p:ss',
    });
    expect(normaliseProxyServer('user:pw@1.2.3.4:3128')).toEqual({ scheme: 'http', server: 'http://1.2.3.4:3128', username: 'user', password: 'pw' });
    expect(normaliseProxyServer('http://onlyuser@1.2.3.4:3128')).toEqual({ scheme: 'http', server: 'http://1.2.3.4:3128', username: 'onlyuser' });
  });

  it('rejects unusable servers with a reason', () => {
    expect(reason('   ')).toMatch(/empty/);
    expect(reason('ftp://proxy.example:21')).toMatch(/unsupported scheme "ftp"/);
    expect(reason('socks5h://proxy.example:1080')).toMatch(/unsupported scheme/);
    expect(reason('socks5://proxy.example')).toMatch(/port is required for socks5/);
    expect(reason('socks4://proxy.example')).toMatch(/port is required for socks4/);
    expect(reason('http://')).toMatch(/host is required/);
    expect(reason('http://:8080')).toMatch(/valid|host/);
    expect(reason('http:///path')).toMatch(/host is required/);
    expect(reason('http://proxy.example:0')).toMatch(/port must be/);
    expect(reason('http://proxy.example:70000')).toMatch(/valid/);
    expect(reason('http://prox y.example:80')).toMatch(/valid/);
    expect(reason('http://proxy.exa\nmple:80')).toMatch(/control/);
  });

  it('builds the dedupe key from the lower-cased server and the username', () => {
    expect(proxyIdentity('HTTP://A:1', 'U')).toBe(proxyIdentity('http://a:1', 'U'));
    expect(proxyIdentity('http://a:1', 'U')).not.toBe(proxyIdentity('http://a:1', 'u'));
    expect(proxyIdentity('http://a:1', undefined)).not.toBe(proxyIdentity('http://a:1', 'u'));
  });
});
