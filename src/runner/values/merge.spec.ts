import { jest } from '@jest/globals';
import { createLookup, type RuntimeMap } from '../templating/lookup.js';
import { combineValues, mergeSources } from './merge.js';

const vars: RuntimeMap = {
  a: [1, 2],
  b: [3],
  o1: { x: 1, y: 1 },
  o2: { y: 2, z: 2 },
  s: 'str',
  n: 5,
  user: { tags: ['t1'] },
  label: 'lbl',
};

function merge(value: string, map: RuntimeMap = vars, onUnknown?: (name: string) => void): unknown {
  return mergeSources(value, createLookup({ vars: map, onUnknown }));
}

describe('mergeSources (merge action)', () => {
  it.each<[string, unknown]>([
    ['{$a}, {$b}', [1, 2, 3]],
    ['a,b', [1, 2, 3]],
    [' a , {$b} , a ', [1, 2, 3, 1, 2]],
    ['{$o1},{$o2}', { x: 1, y: 2, z: 2 }],
    ['o2, o1', { y: 1, z: 2, x: 1 }],
    ['{$a}, {$s}', [1, 2, 'str']],
    ['{$a}, {$o1}', [1, 2, { x: 1, y: 1 }]],
    ['{$s}, {$n}', ['str', 5]],
    ['user.tags, {$b}', ['t1', 3]],
    ['{$a}, 7, true, x', [1, 2, 7, true, 'x']],
    ['{$a}, [9, 8]', [1, 2, '[9', '8]']], // split on commas first
    ['{$a}, [9]', [1, 2, 9]],
    ['{$o1}, {"w":0}', { x: 1, y: 1, w: 0 }],
    ['{$a}, pre-{$s}', [1, 2, 'pre-str']],
    ['{$a}, {$label}', [1, 2, 'lbl']],
    ['{$a}', [1, 2]],
    ['{$s}', ['str']],
    ['{$o1}', { x: 1, y: 1 }],
    ['', []],
    ['{$a},,', [1, 2]],
  ])('%p → %p', (value, expected) => {
    expect(merge(value)).toEqual(expected);
  });

  it('a bare word that is not a variable is a literal', () => {
    expect(merge('{$a}, missing')).toEqual([1, 2, 'missing']);
  });

  it('leaves out unknown {$name} references and reports them', () => {
    const onUnknown = jest.fn<(name: string) => void>();
    expect(merge('{$a}, {$nope}', vars, onUnknown)).toEqual([1, 2]);
    expect(onUnknown).toHaveBeenCalledWith('nope');
  });

  it('does not modify the source values', () => {
    const map: RuntimeMap = { a: [1], o: { k: 1 } };
    const arrays = merge('a, a', map) as unknown[];
    const objects = merge('o, o', map) as Record<string, unknown>;
    arrays.push(2);
    objects.k = 2;
    expect(map).toEqual({ a: [1], o: { k: 1 } });
  });
});

describe('combineValues', () => {
  it.each<[unknown[], unknown]>([
    [[], []],
    [[[1], [[2]]], [1, [2]]],
    [[{ a: 1 }, { a: 2, b: 3 }], { a: 2, b: 3 }],
    [[null, [1]], [null, 1]],
    [[{ a: 1 }, 'x'], [{ a: 1 }, 'x']],
  ])('%p → %p', (values, expected) => {
    expect(combineValues(values)).toEqual(expected);
  });
});
