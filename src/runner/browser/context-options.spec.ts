import { describe, expect, it } from '@jest/globals';
import { buildContextOptions, pickViewport, proxyLogName } from './context-options.js';

describe('pickViewport (RUNNER §11.3)', () => {
  it('is 1366×768 without rotation', () => {
    expect(pickViewport(false)).toEqual({ width: 1366, height: 768 });
  });

  it('draws width from [1280, 1919] and height from [720, 1079] with rotation', () => {
    const calls: Array<[number, number]> = [];
    const low = pickViewport(true, (min, max) => {
      calls.push([min, max]);
      return min;
    });
    expect(calls).toEqual([
      [1280, 1920],
      [720, 1080],
    ]);
    expect(low).toEqual({ width: 1280, height: 720 });
    expect(pickViewport(true, (_min, max) => max - 1)).toEqual({ width: 1919, height: 1079 });
    for (let i = 0; i < 50; i++) {
      const v = pickViewport(true);
      expect(v.width).toBeGreaterThanOrEqual(1280);
      expect(v.width).toBeLessThanOrEqual(1919);
      expect(v.height).toBeGreaterThanOrEqual(720);
      expect(v.height).toBeLessThanOrEqual(1079);
    }
  });
});

describe('buildContextOptions', () => {
  const base = { viewport: { width: 1400, height: 800 }, userAgent: 'UA', locale: 'fr-FR', timezoneId: 'Europe/Paris', storageState: null, proxy: null, videoDir: null };

  it('sets the fixed §11.3 options', () => {
    expect(buildContextOptions(base)).toEqual({
      viewport: { width: 1400, height: 800 },
      deviceScaleFactor: 1,
      isMobile: false,
      hasTouch: false,
      userAgent: 'UA',
      locale: 'fr-FR',
      timezoneId: 'Europe/Paris',
      colorScheme: 'light',
      permissions: [],
      acceptDownloads: true,
      serviceWorkers: 'block',
    });
  });

  it('adds storage state, video at viewport size and the proxy with credentials when given', () => {
    const state = { cookies: [], origins: [{ origin: 'https://a.test', localStorage: [{ name: 'k', value: 'v' }] }] };
    const o = buildContextOptions({
      ...base,
      storageState: state,
      videoDir: '/tmp/v',
      proxy: { id: 'proxy_1', server: 'http://203.0.113.5:8080', username: 'u', password: 'p', label: 'L' },
    });
    expect(o.storageState).toEqual(state);
    expect(o.recordVideo).toEqual({ dir: '/tmp/v', size: { width: 1400, height: 800 } });
    expect(o.proxy).toEqual({ server: 'http://203.0.113.5:8080', username: 'u', password: 'p' });
    expect(buildContextOptions({ ...base, proxy: { id: 'proxy_2', server: 'socks5://h:1080' } }).proxy).toEqual({ server: 'socks5://h:1080' });
  });
});

describe('proxyLogName', () => {
  it('names a proxy by label and id, never by credentials', () => {
    expect(proxyLogName(null)).toBe('none (host)');
    expect(proxyLogName({ id: 'proxy_1', server: 'http://h:1', password: 'secret', label: 'US' })).toBe('US (proxy_1)');
    expect(proxyLogName({ id: 'proxy_1', server: 'http://h:1', password: 'secret' })).toBe('proxy_1');
  });
});
