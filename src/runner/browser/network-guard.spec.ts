import { describe, expect, it } from '@jest/globals';
import type { HostVerdict } from '../../network/url-guard.service.js';
import { checkRequestUrl, isBlockedByGuard } from './network-guard.js';

function guard(verdicts: Record<string, HostVerdict>) {
  const asked: string[] = [];
  return {
    asked,
    checkHostCached: async (host: string): Promise<HostVerdict> => {
      asked.push(host);
      return verdicts[host] ?? { allowed: true };
    },
  };
}

describe('checkRequestUrl (RUNNER §11.8)', () => {
  it('lets about:, data: and blob: through without a host check', async () => {
    const g = guard({});
    for (const url of ['about:blank', 'data:text/html,hi', 'blob:https://a.test/0b1c']) expect(await checkRequestUrl(url, g)).toEqual({ allowed: true });
    expect(g.asked).toEqual([]);
  });

  it('refuses other schemes and unparsable URLs', async () => {
    const g = guard({});
    for (const url of ['file:///etc/passwd', 'chrome://version', 'ftp://a.test/x', 'javascript:alert(1)']) {
      expect(await checkRequestUrl(url, g)).toMatchObject({ allowed: false, kind: 'unsupported_scheme' });
    }
    expect(await checkRequestUrl('not a url', g)).toMatchObject({ allowed: false, kind: 'unparsable' });
    expect(g.asked).toEqual([]);
  });

  it('checks the host of http(s) and ws(s) URLs and explains a refusal', async () => {
    const g = guard({
      '10.0.0.1': { allowed: false, kind: 'private_address', address: '10.0.0.1', range: '10.0.0.0/8' },
      'host.docker.internal': { allowed: false, kind: 'docker_host', address: 'host.docker.internal' },
      'nowhere.test': { allowed: false, kind: 'unresolvable', address: null },
      localhost: { allowed: false, kind: 'localhost', address: 'localhost' },
    });
    expect(await checkRequestUrl('https://example.com/a?b', g)).toEqual({ allowed: true });
    expect(await checkRequestUrl('http://10.0.0.1:8080/', g)).toEqual({
      allowed: false,
      kind: 'private_address',
      address: '10.0.0.1',
      reason: 'the host resolves to blocked address 10.0.0.1 (10.0.0.0/8)',
    });
    expect(await checkRequestUrl('wss://host.docker.internal/ws', g)).toMatchObject({ allowed: false, reason: 'host.docker.internal is always refused' });
    expect(await checkRequestUrl('http://nowhere.test/', g)).toMatchObject({ allowed: false, kind: 'unresolvable', reason: 'the host does not resolve' });
    expect(await checkRequestUrl('ws://localhost:1/', g)).toMatchObject({ allowed: false, kind: 'localhost' });
    expect(g.asked).toEqual(['example.com', '10.0.0.1', 'host.docker.internal', 'nowhere.test', 'localhost']);
  });

  it('passes WHATWG-normalised hosts (numeric forms) to the guard', async () => {
    const g = guard({});
    await checkRequestUrl('http://0x7f.1/', g);
    await checkRequestUrl('http://[::1]:80/', g);
    expect(g.asked).toEqual(['127.0.0.1', '[::1]']);
  });
});

describe('isBlockedByGuard', () => {
  it('recognises ERR_BLOCKED_BY_CLIENT navigation errors only', () => {
    expect(isBlockedByGuard(new Error('page.goto: net::ERR_BLOCKED_BY_CLIENT at http://x/'))).toBe(true);
    expect(isBlockedByGuard(new Error('page.goto: net::ERR_CONNECTION_REFUSED at http://x/'))).toBe(false);
    expect(isBlockedByGuard('net::ERR_BLOCKED_BY_CLIENT')).toBe(false);
  });
});
