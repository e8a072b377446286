import { describe, expect, it } from '@jest/globals';
import type { TaskVariables } from '../../tasks/model/task.types.js';
import { resolveInputs } from './run-inputs.js';

const declared: TaskVariables = {
  n: { type: 'number', value: 1 },
  b: { type: 'boolean', value: false },
  s: { type: 'string', value: 'x' },
  j: { type: 'json', value: [1] },
  p: { type: 'string', value: 'hunter22', secret: true },
};
const v = (value: unknown, secret = false) => ({ value, secret });

describe('resolveInputs', () => {
  it('starts from the declared values and marks declared secrets', () => {
    expect(resolveInputs(declared, [])).toEqual({ inputs: { n: 1, b: false, s: 'x', j: [1], p: 'hunter22' }, secretNames: ['p'] });
  });

  it('applies layers in order (variables win) and coerces to the declared types', () => {
    const r = resolveInputs(declared, [
      { field: 'taskVariables', values: { n: v('5'), s: v(3), extra: v('tv') } },
      { field: 'variables', values: { n: v('7'), b: v('1'), s: v(true), extra: v({ a: 1 }), q: v('lamp', true) } },
    ]);
    expect(r).toEqual({ inputs: { n: 7, b: true, s: 'true', j: [1], p: 'hunter22', extra: { a: 1 }, q: 'lamp' }, secretNames: ['p', 'q'] });
  });

  it('reports values that cannot be coerced, with the layer path', () => {
    const r = resolveInputs(declared, [
      { field: 'taskVariables', values: { n: v('five') } },
      { field: 'variables', values: { b: v('maybe'), s: v({}) } },
    ]);
    expect(r).toEqual({
      errors: [
        { field: 'taskVariables.n', message: 'must be a number' },
        { field: 'variables.b', message: 'must be true or false' },
        { field: 'variables.s', message: 'must be a string' },
      ],
    });
  });
});
