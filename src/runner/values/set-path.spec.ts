import { RunError } from '../run-error.js';
import { createLookup, type RuntimeMap } from '../templating/lookup.js';
import { normalizeVarName, setPath, setValueOf } from './set-path.js';

describe('setValueOf (set value: raw or coerced text)', () => {
  const vars: RuntimeMap = { list: [1, 2], s: ' 42 ', n: 7, o: { a: 1 } };
  const lookup = createLookup({ vars });

  it.each<[string, unknown]>([
    ['{$list}', vars.list],
    [' {$s} ', ' 42 '],
    ['{$missing}', undefined],
    ['{$n}', 7],
    ['{$n}{$n}', 77],
    ['{$s}', ' 42 '],
    ['x{$s}', 'x 42 '],
    ['[{$n}, 1]', [7, 1]],
    ['{"k": {$o}}', { k: { a: 1 } }],
    ['true', true],
    ['', ''],
    ['  text  ', '  text  '],
  ])('%p → %p', (value, expected) => {
    expect(setValueOf(value, lookup)).toEqual(expected);
  });

  it('keeps the identity of a raw value', () => {
    expect(setValueOf('{$list}', lookup)).toBe(vars.list);
  });
});

describe('setPath (set action)', () => {
  it('sets a top-level variable and returns the value', () => {
    const vars: RuntimeMap = {};
    expect(setPath(vars, 'name', 'Ada')).toBe('Ada');
    expect(vars).toEqual({ name: 'Ada' });
  });

  it('removes a {$…} wrapper', () => {
    const vars: RuntimeMap = {};
    setPath(vars, ' {$user.name} ', 'x');
    expect(vars).toEqual({ user: { name: 'x' } });
  });

  it('creates missing intermediate objects', () => {
    const vars: RuntimeMap = { keep: 1 };
    setPath(vars, 'a.b.c', [1]);
    expect(vars).toEqual({ keep: 1, a: { b: { c: [1] } } });
  });

  it('walks existing plain objects and keeps their other keys', () => {
    const vars: RuntimeMap = { user: { name: 'a', address: { city: 'x', zip: '1' } } };
    setPath(vars, 'user.address.city', 'y');
    expect(vars).toEqual({ user: { name: 'a', address: { city: 'y', zip: '1' } } });
  });

  it('treats an undefined intermediate as missing', () => {
    const vars: RuntimeMap = { a: undefined };
    setPath(vars, 'a.b', 1);
    expect(vars).toEqual({ a: { b: 1 } });
  });

  it('replaces a non-object at the final segment', () => {
    const vars: RuntimeMap = { a: { b: [1, 2] } };
    setPath(vars, 'a.b', 'now a string');
    expect(vars).toEqual({ a: { b: 'now a string' } });
  });

  it('does not change objects shared with other variables', () => {
    const shared = { k: 1 };
    const vars: RuntimeMap = { a: shared, b: shared };
    setPath(vars, 'b.k', 2);
    expect(vars).toEqual({ a: { k: 1 }, b: { k: 2 } });
    expect(shared).toEqual({ k: 1 });
  });

  it.each<[string, RuntimeMap, string]>([
    ['s.x', { s: 'text' }, "'s' exists and is not an object"],
    ['n.x', { n: 0 }, "'n' exists and is not an object"],
    ['z.x', { z: null }, "'z' exists and is not an object"],
    ['arr.0', { arr: [1] }, "'arr' exists and is not an object"],
    ['o.list.x', { o: { list: [] } }, "'o.list' exists and is not an object"],
  ])('fails with ACTION_FAILED for %s over a non-object', (path, vars, reason) => {
    const before = JSON.stringify(vars);
    let error: unknown;
    try {
      setPath(vars, path, 1);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RunError);
    expect((error as RunError).code).toBe('ACTION_FAILED');
    expect((error as RunError).message).toContain(reason);
    expect(JSON.stringify(vars)).toBe(before);
  });

  it.each(['a..b', '.a', 'a.', ''])('rejects the malformed path %p', (path) => {
    expect(() => setPath({}, path, 1)).toThrow(RunError);
  });

  it('stores __proto__ as an ordinary key without touching prototypes', () => {
    const vars: RuntimeMap = {};
    setPath(vars, '__proto__.polluted', 'yes');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(vars)).toBe(Object.prototype);
    expect(Object.hasOwn(vars, '__proto__')).toBe(true);
    expect(JSON.parse(JSON.stringify(vars))).toEqual(JSON.parse('{"__proto__":{"polluted":"yes"}}'));
  });

  it('normalizeVarName', () => {
    expect(normalizeVarName('{$a.b}')).toBe('a.b');
    expect(normalizeVarName(' a ')).toBe('a');
  });
});
