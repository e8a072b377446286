import { beforeEach, describe, expect, it } from '@jest/globals';
import { Clock } from '../../common/clock.js';
import { DomainError } from '../../common/errors.js';
import type { SecretBox } from '../../crypto/secret-box.service.js';
import { InMemoryProxies, InMemorySettings, testSecretBox } from '../../../test/settings/support/in-memory-repositories.js';
import { PASSWORD_MASK } from './proxy-input.js';
import { ProxyRotationStore } from './proxy-rotation.store.js';
import { ProxySettingsService } from './proxy-settings.service.js';

class FixedClock extends Clock {
  constructor(public t = 1_700_000_000_000) {
    super();
  }
  now(): number {
    return this.t;
  }
}

async function rejection(p: Promise<unknown>): Promise<DomainError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(err)}`);
  return err;
}

describe('ProxySettingsService', () => {
  let proxies: InMemoryProxies;
  let settings: InMemorySettings;
  let box: SecretBox;
  let service: ProxySettingsService;

  beforeEach(async () => {
    proxies = new InMemoryProxies();
    settings = new InMemorySettings();
    box = await testSecretBox();
    service = new ProxySettingsService(proxies, new ProxyRotationStore(settings), box, new FixedClock());
  });

  it('lists only the virtual host entry at first, with the rotation defaults', async () => {
    expect(await service.list()).toEqual({
      proxies: [{ id: 'host', server: 'host_ip', label: 'Host IP (no proxy)', isDefault: true }],
      defaultProxyId: 'host',
      includeDefaultInRotation: false,
      rotationMode: 'round-robin',
    });
  });

  it('adds a proxy with an encrypted password and shows only the mask', async () => {
    const list = await service.add({ server: 'http://u:secret-pw@203.0.113.5:8080', label: 'US node' });
    const entry = list.proxies[1];
    expect(entry).toEqual({
      id: expect.stringMatching(/^proxy_[0-9a-f]{12}$/),
      server: 'http://203.0.113.5:8080',
      username: 'u',
      password: PASSWORD_MASK,
      label: 'US node',
      isRotatingPool: false,
      isDefault: false,
    });
    const stored = [...proxies.rows.values()][0];
    expect(stored.passwordEnc).not.toContain('secret-pw');
    expect(box.decrypt(stored.passwordEnc as string)).toBe('secret-pw');
  });

  it('refuses duplicates (same normalised server and username) with PROXY_EXISTS', async () => {
    const first = (await service.add({ server: 'Proxy.Example:8080', username: 'u' })).proxies[1];
    const err = await rejection(service.add({ server: 'http://proxy.example:8080', username: 'u' }));
    expect(err.code).toBe('PROXY_EXISTS');
    expect(err.details).toEqual({ id: first.id });
    // Another username is a different proxy.
    expect((await service.add({ server: 'http://proxy.example:8080', username: 'v' })).proxies).toHaveLength(3);
  });

  it('refuses socks with credentials and unusable servers with INVALID_PROXY', async () => {
    const socks = await rejection(service.add({ server: 'socks5://1.2.3.4:1080', username: 'u' }));
    expect(socks.code).toBe('INVALID_PROXY');
    expect(socks.details).toEqual({ reason: expect.stringMatching(/SOCKS/) });
    expect((await rejection(service.add({ server: 'socks5://1.2.3.4' }))).code).toBe('INVALID_PROXY');
  });

  it('PUT replaces fields, clears omitted ones, and keeps the password unless given', async () => {
    const id = (await service.add({ server: 'h:1', username: 'u', password: 'pw1', label: 'L', isRotatingPool: true, estimatedPoolSize: 9 })).proxies[1].id;
    const createdAt = proxies.rows.get(id)?.createdAt;
    let entry = (await service.update(id, { server: 'h:2', password: PASSWORD_MASK })).proxies[1];
    expect(entry).toEqual({ id, server: 'http://h:2', password: PASSWORD_MASK, isRotatingPool: false, isDefault: false });
    expect(box.decrypt(proxies.rows.get(id)?.passwordEnc as string)).toBe('pw1');
    expect(proxies.rows.get(id)?.createdAt).toBe(createdAt);
    await service.update(id, { server: 'h:2', password: 'pw2' });
    expect(box.decrypt(proxies.rows.get(id)?.passwordEnc as string)).toBe('pw2');
    entry = (await service.update(id, { server: 'h:2', password: null })).proxies[1];
    expect(entry).not.toHaveProperty('password');
    await service.update(id, { server: 'h:2', password: 'pw3' });
    entry = (await service.update(id, { server: 'h:2', password: '' })).proxies[1];
    expect(entry).not.toHaveProperty('password');
  });

  it('PUT errors: host is read-only, unknown id, duplicate of another proxy, socks with a kept password', async () => {
    expect((await rejection(service.update('host', { server: 'h:1' }))).code).toBe('PROXY_READ_ONLY');
    const missing = await rejection(service.update('proxy_000000000000', { server: 'h:1' }));
    expect(missing.code).toBe('PROXY_NOT_FOUND');
    expect(missing.details).toEqual({ id: 'proxy_000000000000' });
    const a = (await service.add({ server: 'a:1', password: 'pw' })).proxies[1].id;
    await service.add({ server: 'b:1' });
    expect((await rejection(service.update(a, { server: 'b:1' }))).code).toBe('PROXY_EXISTS');
    expect((await rejection(service.update(a, { server: 'socks5://a:1' }))).code).toBe('INVALID_PROXY');
    expect((await service.update(a, { server: 'socks5://a:1', password: null })).proxies[1].server).toBe('socks5://a:1');
  });

  it('deleting the default resets it to host; bulk delete skips host and unknown ids', async () => {
    const a = (await service.add({ server: 'a:1' })).proxies[1].id;
    const b = (await service.add({ server: 'b:1' })).proxies[2].id;
    const c = (await service.add({ server: 'c:1' })).proxies[3].id;
    let list = await service.setDefault(a);
    expect(list.defaultProxyId).toBe(a);
    expect(list.proxies.map((p) => p.isDefault)).toEqual([false, true, false, false]);
    list = await service.remove(a);
    expect(list.defaultProxyId).toBe('host');
    expect(list.proxies[0].isDefault).toBe(true);
    expect((await rejection(service.remove(a))).code).toBe('PROXY_NOT_FOUND');
    expect((await rejection(service.remove('host'))).code).toBe('PROXY_READ_ONLY');
    await service.setDefault(c);
    list = await service.removeMany(['host', 'proxy_unknown', c]);
    expect(list.proxies.map((p) => p.id)).toEqual(['host', b]);
    expect(list.defaultProxyId).toBe('host');
  });

  it('setDefault: null and "host" select host; unknown ids are PROXY_NOT_FOUND', async () => {
    const a = (await service.add({ server: 'a:1' })).proxies[1].id;
    await service.setDefault(a);
    expect((await service.setDefault(null)).defaultProxyId).toBe('host');
    await service.setDefault(a);
    expect((await service.setDefault('host')).defaultProxyId).toBe('host');
    expect((await rejection(service.setDefault('proxy_nope'))).code).toBe('PROXY_NOT_FOUND');
  });

  it('reports host as the default when the stored default disappeared behind its back', async () => {
    const a = (await service.add({ server: 'a:1' })).proxies[1].id;
    await service.setDefault(a);
    proxies.rows.delete(a);
    expect((await service.list()).defaultProxyId).toBe('host');
  });

  it('rotation settings change only the fields given', async () => {
    expect(await service.setRotation({ rotationMode: 'random' })).toMatchObject({ rotationMode: 'random', includeDefaultInRotation: false });
    expect(await service.setRotation({ includeDefaultInRotation: true })).toMatchObject({ rotationMode: 'random', includeDefaultInRotation: true });
    expect(settings.values.get('proxyRotation')).toEqual({ defaultProxyId: 'host', includeDefaultInRotation: true, rotationMode: 'random' });
  });

  it('imports strings and objects, updates matches in place, counts invalid entries', async () => {
    const existing = (await service.add({ server: 'http://1.2.3.4:8080', username: 'u', password: 'old', label: 'keep me' })).proxies[1].id;
    const result = await service.import([
      'u:new@1.2.3.4:8080',
      'socks5://5.6.7.8:1080',
      { url: 'https://9.9.9.9:443', user: 'x', pass: 'y', label: 'obj' },
      'not a proxy',
      { server: 'socks5://5.5.5.5:1080', username: 'nope' },
      42,
      'HTTP://9.9.9.9:443',
    ]);
    expect(result.import).toEqual({ added: 3, updated: 1, invalid: 3 });
    // Import order is kept even though every new entry was added in the same millisecond.
    expect(result.proxies.map((p) => p.server)).toEqual(['host_ip', 'http://1.2.3.4:8080', 'socks5://5.6.7.8:1080', 'https://9.9.9.9:443', 'http://9.9.9.9:443']);
    const updated = proxies.rows.get(existing);
    expect(updated?.label).toBe('keep me');
    expect(box.decrypt(updated?.passwordEnc as string)).toBe('new');
    const again = await service.import(['https://9.9.9.9:443', { server: '1.2.3.4:8080', username: 'u' }]);
    expect(again.import).toEqual({ added: 1, updated: 1, invalid: 0 });
    expect(box.decrypt(proxies.rows.get(existing)?.passwordEnc as string)).toBe('new');
  });

  it('an import with no valid entry is INVALID_PROXY and changes nothing', async () => {
    const err = await rejection(service.import(['ftp://x:1', 7]));
    expect(err.code).toBe('INVALID_PROXY');
    expect(err.details).toEqual({ reason: expect.stringContaining('2 entries') });
    expect(proxies.rows.size).toBe(0);
  });

  it('serialises concurrent adds so duplicates cannot slip in', async () => {
    const results = await Promise.allSettled([service.add({ server: 'h:1' }), service.add({ server: 'h:1' }), service.add({ server: 'h:1' })]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(proxies.rows.size).toBe(1);
  });
});
