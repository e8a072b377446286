import { beforeEach, describe, expect, it } from '@jest/globals';
import type { SecretBox } from '../../crypto/secret-box.service.js';
import { InMemoryProxies, InMemorySettings, testSecretBox } from '../../../test/settings/support/in-memory-repositories.js';
import { ProxyRotationStore, type ProxyRotationSettings } from './proxy-rotation.store.js';
import { ProxySelector } from './proxy-selector.service.js';

/** Makes the random mode deterministic: returns the queued indexes and records the pool sizes. */
class ScriptedSelector extends ProxySelector {
  readonly sizes: number[] = [];
  next: number[] = [];
  protected override randomIndex(size: number): number {
    this.sizes.push(size);
    return this.next.shift() ?? 0;
  }
}

describe('ProxySelector (RUNNER §11.4)', () => {
  let proxies: InMemoryProxies;
  let settings: InMemorySettings;
  let box: SecretBox;
  let selector: ScriptedSelector;
  const rotation = (r: Partial<ProxyRotationSettings>) =>
    settings.set('proxyRotation', { defaultProxyId: 'host', includeDefaultInRotation: false, rotationMode: 'round-robin', ...r });
  const ids = async (n: number, rotate = true) => {
    const out: (string | null)[] = [];
    for (let i = 0; i < n; i++) out.push((await selector.select({ rotate }))?.id ?? null);
    return out;
  };

  beforeEach(async () => {
    proxies = new InMemoryProxies();
    settings = new InMemorySettings();
    box = await testSecretBox();
    await proxies.saveMany([
      { id: 'proxy_aaaaaaaaaaaa', server: 'http://a:1', username: 'ua', passwordEnc: box.encrypt('secret-a'), label: 'A', createdAt: 1 },
      { id: 'proxy_bbbbbbbbbbbb', server: 'http://b:1', createdAt: 2 },
      { id: 'proxy_cccccccccccc', server: 'socks5://c:1', createdAt: 3 },
    ]);
    selector = new ScriptedSelector(proxies, new ProxyRotationStore(settings), box);
  });

  it('without rotation uses the default; host (or a vanished default) means no proxy', async () => {
    expect(await selector.select({ rotate: false })).toBeNull();
    await rotation({ defaultProxyId: 'proxy_aaaaaaaaaaaa' });
    expect(await selector.select({ rotate: false })).toEqual({
      id: 'proxy_aaaaaaaaaaaa',
      server: 'http://a:1',
      username: 'ua',
      password: 'secret-a',
      label: 'A',
    });
    await rotation({ defaultProxyId: 'proxy_gone00000000' });
    expect(await selector.select({ rotate: false })).toBeNull();
  });

  it('round-robin cycles over host + proxies minus the default (host here)', async () => {
    expect(await ids(4)).toEqual(['proxy_aaaaaaaaaaaa', 'proxy_bbbbbbbbbbbb', 'proxy_cccccccccccc', 'proxy_aaaaaaaaaaaa']);
  });

  it('round-robin removes a stored default unless includeDefaultInRotation', async () => {
    await rotation({ defaultProxyId: 'proxy_bbbbbbbbbbbb' });
    expect(await ids(3)).toEqual([null, 'proxy_aaaaaaaaaaaa', 'proxy_cccccccccccc']);
    await rotation({ defaultProxyId: 'proxy_bbbbbbbbbbbb', includeDefaultInRotation: true });
    // The counter is shared and keeps going: 3 % 4, 4 % 4, …
    expect(await ids(4)).toEqual(['proxy_cccccccccccc', null, 'proxy_aaaaaaaaaaaa', 'proxy_bbbbbbbbbbbb']);
  });

  it('random picks uniformly by index from the pool', async () => {
    await rotation({ rotationMode: 'random', includeDefaultInRotation: true });
    selector.next = [2, 0, 3];
    expect(await ids(3)).toEqual(['proxy_bbbbbbbbbbbb', null, 'proxy_cccccccccccc']);
    expect(selector.sizes).toEqual([4, 4, 4]);
  });

  it('the default random source covers the whole pool', async () => {
    const real = new ProxySelector(proxies, new ProxyRotationStore(settings), box);
    await rotation({ rotationMode: 'random', includeDefaultInRotation: true });
    const seen = new Set<string | null>();
    for (let i = 0; i < 200; i++) seen.add((await real.select({ rotate: true }))?.id ?? null);
    expect(seen).toEqual(new Set([null, 'proxy_aaaaaaaaaaaa', 'proxy_bbbbbbbbbbbb', 'proxy_cccccccccccc']));
  });

  it('an empty pool falls back to the default', async () => {
    proxies.rows.clear();
    expect(await ids(2)).toEqual([null, null]);
    await proxies.save({ id: 'proxy_dddddddddddd', server: 'http://d:1', createdAt: 4 });
    await rotation({ defaultProxyId: 'proxy_dddddddddddd' });
    // Pool = host only (the default is removed): host every time.
    expect(await ids(2)).toEqual([null, null]);
    expect(await ids(1, false)).toEqual(['proxy_dddddddddddd']);
  });
});
