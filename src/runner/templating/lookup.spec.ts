import { jest } from '@jest/globals';
import { createLookup, EMPTY_VALUE_LOOKUP, oncePerName, resolveName, type RuntimeMap } from './lookup.js';

const vars: RuntimeMap = {
  user: { name: 'Ada', tags: ['x', 'y'], 'first.last': 'nested literal' },
  'user.name': 'literal dotted',
  'user.profile': { city: 'Paris' },
  'a.b.c': 'three',
  'a.b': { c: 'two-then-walk', d: 'd-value' },
  list: [10, { id: 7 }, [1, 2]],
  block: { output: null },
  zero: 0,
  empty: '',
  falsy: false,
  gone: undefined,
  nul: null,
};

describe('resolveName (§4.3)', () => {
  it.each<[string, unknown]>([
    ['user', vars.user],
    ['user.tags.1', 'y'],
    ['list.0', 10],
    ['list.1.id', 7],
    ['list.2.1', 2],
    ['block.output', null],
    ['zero', 0],
    ['empty', ''],
    ['falsy', false],
    ['nul', null],
  ])('walks %s', (name, expected) => {
    expect(resolveName(name, { vars })).toEqual({ found: true, value: expected });
  });

  it.each([
    'missing',
    'user.missing',
    'list.3',
    'list.-1',
    'list.01',
    'list.length',
    'user.tags.x',
    'zero.toFixed',
    'empty.length',
    'gone',
    'nul.x',
    'user.name.length',
    'toString',
    'constructor',
    '__proto__',
    'user.__proto__',
  ])('does not resolve %s', (name) => {
    expect(resolveName(name, { vars })).toEqual({ found: false, value: undefined });
  });

  it('prefers the walk over a literal dotted key', () => {
    expect(resolveName('user.name', { vars }).value).toBe('Ada');
  });

  it('falls back to literal dotted keys, longest first, walking the rest', () => {
    expect(resolveName('user.profile.city', { vars }).value).toBe('Paris');
    expect(resolveName('a.b.c', { vars }).value).toBe('three'); // "a.b.c" beats "a.b" + walk "c"
    expect(resolveName('a.b.d', { vars }).value).toBe('d-value');
  });

  it('tries a shorter literal key when the longer one fails to walk', () => {
    const map: RuntimeMap = { 'x.y.z': 'no walk possible', 'x.y': { z: { w: 1 } } };
    expect(resolveName('x.y.z.w', { vars: map }).value).toBe(1);
  });

  it('computes now through the callback, defaulting to the current ISO time', () => {
    expect(resolveName('now', { vars, now: () => '2024-01-02T03:04:05.000Z' }).value).toBe('2024-01-02T03:04:05.000Z');
    const value = resolveName('now', { vars }).value as string;
    expect(value).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(Math.abs(Date.parse(value) - Date.now())).toBeLessThan(5000);
  });

  it('computes html through the callback when given, on every use', () => {
    const html = jest.fn(() => '<p>x</p>');
    expect(resolveName('html', { vars, html }).value).toBe('<p>x</p>');
    expect(resolveName('html', { vars, html }).value).toBe('<p>x</p>');
    expect(html).toHaveBeenCalledTimes(2);
    expect(resolveName('html', { vars: { html: 'from map' } }).value).toBe('from map');
  });

  it('uses own properties only, also for a null-prototype map', () => {
    const map = Object.assign(Object.create(null) as RuntimeMap, { a: { b: 1 } });
    expect(resolveName('a.b', { vars: map }).value).toBe(1);
    expect(resolveName('hasOwnProperty', { vars: {} }).found).toBe(false);
  });
});

describe('createLookup', () => {
  it('get reports unknown names through onUnknown; resolve stays silent', () => {
    const onUnknown = jest.fn<(name: string) => void>();
    const lookup = createLookup({ vars, onUnknown });
    expect(lookup.get('user.name')).toBe('Ada');
    expect(lookup.get('nope')).toBeUndefined();
    expect(lookup.resolve('nope2')).toEqual({ found: false, value: undefined });
    expect(onUnknown.mock.calls).toEqual([['nope']]);
  });
});

describe('oncePerName', () => {
  it('reports each name once', () => {
    const report = jest.fn<(name: string) => void>();
    const once = oncePerName(report);
    once('a');
    once('b');
    once('a');
    expect(report.mock.calls).toEqual([['a'], ['b']]);
  });
});

describe('EMPTY_VALUE_LOOKUP', () => {
  it('resolves every name to the empty string', () => {
    expect(EMPTY_VALUE_LOOKUP.get('anything.at.all')).toBe('');
    expect(EMPTY_VALUE_LOOKUP.resolve('x')).toEqual({ found: true, value: '' });
  });
});
