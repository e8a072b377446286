import { jest } from '@jest/globals';
import { createLookup, type RuntimeMap } from './lookup.js';
import { renderRaw, renderText, singleTokenName, templateNames, toText } from './render.js';

const vars: RuntimeMap = {
  q: 'desk lamp',
  n: 3,
  f: 1.5,
  yes: true,
  no: false,
  nothing: null,
  arr: [1, 'two', { three: 3 }],
  obj: { a: 1, b: [true] },
  selfRef: '{$q}',
  dollar: '$& $1 $$',
  user: { name: 'Ada' },
};
const lookup = createLookup({ vars, now: () => 'NOW' });

describe('toText (§4.4)', () => {
  it.each<[unknown, string]>([
    [undefined, ''],
    [null, ''],
    ['s', 's'],
    ['', ''],
    [0, '0'],
    [-1.25, '-1.25'],
    [true, 'true'],
    [false, 'false'],
    [[1, 'a'], '[1,"a"]'],
    [{ a: { b: null } }, '{"a":{"b":null}}'],
    [[], '[]'],
  ])('%p → %p', (value, expected) => {
    expect(toText(value)).toBe(expected);
  });
});

describe('renderText (§4.1, §4.4)', () => {
  it.each<[string, string]>([
    ['find {$q} now', 'find desk lamp now'],
    ['{$n}/{$f}', '3/1.5'],
    ['{$yes},{$no},[{$nothing}]', 'true,false,[]'],
    ['{$arr}', '[1,"two",{"three":3}]'],
    ['{$obj}', '{"a":1,"b":[true]}'],
    ['{$arr.2.three}', '3'],
    ['{$user.name}!', 'Ada!'],
    ['at {$now}', 'at NOW'],
    ['[{$missing}]', '[]'],
    ['no tokens', 'no tokens'],
    ['{{$q}}', '{desk lamp}'],
    ['${q} {{q}} {$ q} {$q-x} {$}', '${q} {{q}} {$ q} {$q-x} {$}'],
    ['{$selfRef}', '{$q}'],
    ['{$dollar}', '$& $1 $$'],
    ['  {$q}  ', '  desk lamp  '],
  ])('%p → %p', (template, expected) => {
    expect(renderText(template, lookup)).toBe(expected);
  });

  it('reports each unknown reference', () => {
    const onUnknown = jest.fn<(name: string) => void>();
    renderText('{$a} {$b} {$q}', createLookup({ vars, onUnknown }));
    expect(onUnknown.mock.calls).toEqual([['a'], ['b']]);
  });
});

describe('renderRaw', () => {
  it('returns the value itself for exactly one token (trimmed)', () => {
    expect(renderRaw('{$arr}', lookup)).toBe(vars.arr);
    expect(renderRaw('  {$obj}\n', lookup)).toBe(vars.obj);
    expect(renderRaw('{$n}', lookup)).toBe(3);
    expect(renderRaw('{$nothing}', lookup)).toBeNull();
    expect(renderRaw('{$missing}', lookup)).toBeUndefined();
  });

  it('renders text otherwise', () => {
    expect(renderRaw('{$n}{$n}', lookup)).toBe('33');
    expect(renderRaw(' x {$arr}', lookup)).toBe(' x [1,"two",{"three":3}]');
    expect(renderRaw('plain', lookup)).toBe('plain');
  });
});

describe('helpers', () => {
  it('singleTokenName', () => {
    expect(singleTokenName(' {$a.b} ')).toBe('a.b');
    expect(singleTokenName('{$a} ')).toBe('a');
    expect(singleTokenName('{$a}{$b}')).toBeUndefined();
    expect(singleTokenName('a')).toBeUndefined();
  });

  it('templateNames lists names once in order', () => {
    expect(templateNames('{$b} {$a} {$b} {$html}')).toEqual(['b', 'a', 'html']);
    expect(templateNames('none')).toEqual([]);
  });
});
