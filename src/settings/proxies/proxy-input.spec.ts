import { describe, expect, it } from '@jest/globals';
import { assertSocksWithoutCredentials, parseImportEntry, PASSWORD_MASK, toDraft } from './proxy-input.js';
import { ProxyServerError } from './proxy-server.js';

describe('toDraft', () => {
  it('settles the password: explicit value, URL value, clear, keep', () => {
    expect(toDraft({ server: 'h:1', password: 'pw' }).password).toEqual({ kind: 'set', value: 'pw' });
    expect(toDraft({ server: 'u:url@h:1', password: 'body' }).password).toEqual({ kind: 'set', value: 'body' });
    expect(toDraft({ server: 'u:url@h:1' }).password).toEqual({ kind: 'set', value: 'url' });
    expect(toDraft({ server: 'u:url@h:1', password: PASSWORD_MASK }).password).toEqual({ kind: 'set', value: 'url' });
    expect(toDraft({ server: 'h:1', password: null }).password).toEqual({ kind: 'clear' });
    expect(toDraft({ server: 'h:1', password: '' }).password).toEqual({ kind: 'clear' });
    expect(toDraft({ server: 'h:1', password: PASSWORD_MASK }).password).toEqual({ kind: 'keep' });
    expect(toDraft({ server: 'h:1' }).password).toEqual({ kind: 'keep' });
  });

  it('prefers an explicit username over the URL one; empty means none', () => {
    expect(toDraft({ server: 'urluser@h:1', username: 'body' }).username).toBe('body');
    expect(toDraft({ server: 'urluser@h:1', username: '' }).username).toBe('urluser');
    expect(toDraft({ server: 'h:1', username: '' })).not.toHaveProperty('username');
    expect(toDraft({ server: 'h:1', username: null })).not.toHaveProperty('username');
  });

  it('trims labels and drops empty ones; keeps informational fields', () => {
    expect(toDraft({ server: 'h:1', label: '  US node ', isRotatingPool: true, estimatedPoolSize: 5 })).toEqual({
      scheme: 'http',
      server: 'http://h:1',
      password: { kind: 'keep' },
      label: 'US node',
      isRotatingPool: true,
      estimatedPoolSize: 5,
    });
    expect(toDraft({ server: 'h:1', label: '   ' })).not.toHaveProperty('label');
  });

  it('rejects oversized values', () => {
    expect(() => toDraft({ server: `h${'x'.repeat(3000)}:1` })).toThrow(ProxyServerError);
    expect(() => toDraft({ server: 'h:1', username: 'u'.repeat(513) })).toThrow(ProxyServerError);
    expect(() => toDraft({ server: 'h:1', password: 'p'.repeat(1025) })).toThrow(ProxyServerError);
  });
});

describe('assertSocksWithoutCredentials', () => {
  it('refuses credentials on socks only', () => {
    expect(() => assertSocksWithoutCredentials('socks5', true, false)).toThrow(/SOCKS/);
    expect(() => assertSocksWithoutCredentials('socks4', false, true)).toThrow(/SOCKS/);
    expect(() => assertSocksWithoutCredentials('socks5', false, false)).not.toThrow();
    expect(() => assertSocksWithoutCredentials('http', true, true)).not.toThrow();
  });
});

describe('parseImportEntry', () => {
  it('parses strings in [scheme://][user:pass@]host:port form', () => {
    expect(parseImportEntry('socks5://1.2.3.4:1080')).toMatchObject({ server: 'socks5://1.2.3.4:1080', password: { kind: 'keep' } });
    expect(parseImportEntry(' u:p@1.2.3.4:8080 ')).toMatchObject({ server: 'http://1.2.3.4:8080', username: 'u', password: { kind: 'set', value: 'p' } });
  });

  it('parses objects with every alias', () => {
    expect(parseImportEntry({ server: 'h:1', username: 'a', password: 'b', label: 'L' })).toMatchObject({
      server: 'http://h:1',
      username: 'a',
      password: { kind: 'set', value: 'b' },
      label: 'L',
    });
    expect(parseImportEntry({ url: 'h:2', user: 'a', pass: 'b' })).toMatchObject({ server: 'http://h:2', username: 'a', password: { kind: 'set', value: 'b' } });
    expect(parseImportEntry({ proxy: 'https://h' })).toMatchObject({ server: 'https://h:443' });
  });

  it('treats an empty password as "not given" (never clears on import)', () => {
    expect(parseImportEntry({ server: 'h:1', password: '' }).password).toEqual({ kind: 'keep' });
  });

  it.each([
    [42],
    [null],
    [['h:1']],
    [{}],
    [{ server: 5 }],
    [{ server: 'h:1', username: 7 }],
    [{ server: 'h:1', label: 'x'.repeat(101) }],
    ['ftp://h:1'],
    [''],
  ])('rejects %j', (entry) => {
    expect(() => parseImportEntry(entry)).toThrow(ProxyServerError);
  });
});
