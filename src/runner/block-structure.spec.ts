import { analyzeBlocks, foreachMembership, type BlockTables } from './block-structure.js';

const list = (...types: string[]) => types.map((type) => ({ type }));

function tables(types: string[]): BlockTables {
  const r = analyzeBlocks(list(...types));
  if (!r.ok) throw new Error(`unexpected errors: ${JSON.stringify(r.errors)}`);
  return r.tables;
}

function errorsOf(types: Array<string | { type: unknown }>): Array<{ field: string; message: string }> {
  const r = analyzeBlocks(types.map((t) => (typeof t === 'string' ? { type: t } : t)));
  if (r.ok) throw new Error('expected structure errors');
  return r.errors;
}

describe('analyzeBlocks: valid structures and jump tables', () => {
  it('if / else / end', () => {
    const t = tables(['click', 'if', 'click', 'else', 'click', 'end', 'click']);
    expect([...t.endOf]).toEqual([[1, 5]]);
    expect([...t.elseOf]).toEqual([[1, 3]]);
    expect([...t.endOfElse]).toEqual([[3, 5]]);
    expect([...t.openerOf]).toEqual([[5, 1]]);
  });

  it('if without else has no else entries', () => {
    const t = tables(['if', 'click', 'end']);
    expect([...t.endOf]).toEqual([[0, 2]]);
    expect(t.elseOf.size).toBe(0);
    expect(t.endOfElse.size).toBe(0);
  });

  it('nested openers of every kind, each closed by the next unmatched end', () => {
    const types = ['on_error', 'do_nothing', 'end', 'while', 'repeat', 'foreach', 'if', 'else', 'end', 'end', 'end', 'end'];
    const t = tables(types);
    expect(Object.fromEntries(t.endOf)).toEqual({ 0: 2, 3: 11, 4: 10, 5: 9, 6: 8 });
    expect(Object.fromEntries(t.openerOf)).toEqual({ 2: 0, 11: 3, 10: 4, 9: 5, 8: 6 });
    expect(Object.fromEntries(t.elseOf)).toEqual({ 6: 7 });
    expect(Object.fromEntries(t.endOfElse)).toEqual({ 7: 8 });
  });

  it('else belongs to the innermost if', () => {
    const t = tables(['if', 'if', 'else', 'end', 'else', 'end']);
    expect(Object.fromEntries(t.elseOf)).toEqual({ 1: 2, 0: 4 });
    expect(Object.fromEntries(t.endOfElse)).toEqual({ 2: 3, 4: 5 });
  });

  it('empty list and lists without blocks are valid', () => {
    expect(analyzeBlocks([]).ok).toBe(true);
    expect(tables(['navigate', 'click', 'goto']).endOf.size).toBe(0);
  });

  it('counts disabled actions: a disabled end still closes its block', () => {
    const r = analyzeBlocks([{ type: 'if', disabled: true } as { type: string }, { type: 'end', disabled: true } as { type: string }]);
    expect(r.ok).toBe(true);
  });

  it('treats unknown, missing and non-string types as plain actions', () => {
    const r = analyzeBlocks([{ type: 'if' }, { type: 'bogus' }, {}, { type: 5 }, null, { type: 'end' }]);
    expect(r.ok).toBe(true);
  });
});

describe('analyzeBlocks: errors', () => {
  it.each([
    ['end with no open block', ['click', 'end'], [{ field: 'actions[1]', message: 'end without an open block' }]],
    ['else with no open block', ['else', 'click'], [{ field: 'actions[0]', message: 'else without an open if' }]],
    ['else inside a while', ['while', 'else', 'end'], [{ field: 'actions[1]', message: expect.stringContaining('while') }]],
    ['second else for one if', ['if', 'else', 'else', 'end'], [{ field: 'actions[2]', message: expect.stringContaining('second else') }]],
    ['unclosed opener reported on the opener', ['click', 'foreach', 'click'], [{ field: 'actions[1]', message: expect.stringContaining('never closed') }]],
  ])('%s', (_name, types, expected) => {
    expect(errorsOf(types)).toEqual(expected);
  });

  it('reports every problem together, in index order', () => {
    const errors = errorsOf(['end', 'if', 'else', 'else', 'repeat', 'else', 'end']);
    expect(errors.map((e) => e.field)).toEqual(['actions[0]', 'actions[1]', 'actions[3]', 'actions[5]']);
    expect(errors[1].message).toContain('if block is never closed');
  });

  it('reports every unclosed opener', () => {
    expect(errorsOf(['if', 'while', 'on_error']).map((e) => e.field)).toEqual(['actions[0]', 'actions[1]', 'actions[2]']);
  });

  it('a disabled else is still structural', () => {
    expect(errorsOf([{ type: 'else', disabled: true } as { type: string }]).map((e) => e.field)).toEqual(['actions[0]']);
  });
});

describe('foreachMembership', () => {
  it('marks actions inside a foreach at any depth, not the opener itself', () => {
    expect(foreachMembership(list('click', 'foreach', 'if', 'click', 'end', 'hover', 'end', 'click'))).toEqual([
      false, false, true, true, true, true, true, false,
    ]);
  });

  it('is best effort on a broken structure', () => {
    expect(foreachMembership(list('end', 'foreach', 'click'))).toEqual([false, false, true]);
  });
});
