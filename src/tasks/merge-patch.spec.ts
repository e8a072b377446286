import { applyMergePatch, MAX_PATCH_DEPTH, MergePatchTooDeepError } from './merge-patch.js';

describe('applyMergePatch (RFC 7396)', () => {
  // The examples of RFC 7396 Appendix A.
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('merge(%j, %j) = %j', (target, patch, expected) => {
    expect(applyMergePatch(target, patch)).toEqual(expected);
  });

  it('keeps nulls inside arrays and does not modify its inputs', () => {
    const target = { actions: [{ id: 'a' }], variables: { q: { type: 'string', value: 'x' } } };
    const patch = { actions: [{ id: 'b', x: null }], variables: { q: { value: 'y' } } };
    const before = JSON.stringify([target, patch]);
    expect(applyMergePatch(target, patch)).toEqual({ actions: [{ id: 'b', x: null }], variables: { q: { type: 'string', value: 'y' } } });
    expect(JSON.stringify([target, patch])).toBe(before);
  });

  it('treats __proto__ as a plain key', () => {
    const patch = JSON.parse('{"__proto__":{"polluted":true},"a":1}') as unknown;
    const out = applyMergePatch({}, patch) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual({ polluted: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses patches nested deeper than the limit instead of overflowing the stack', () => {
    let deep: unknown = { leaf: 1 };
    for (let i = 0; i < 100_000; i++) deep = { n: deep };
    expect(() => applyMergePatch({}, deep)).toThrow(MergePatchTooDeepError);
    let ok: unknown = 1;
    for (let i = 0; i < MAX_PATCH_DEPTH - 1; i++) ok = { n: ok };
    expect(() => applyMergePatch({}, ok)).not.toThrow();
  });
});
