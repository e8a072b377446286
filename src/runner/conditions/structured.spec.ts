import { jest } from '@jest/globals';
import { RunError } from '../run-error.js';
import { createLookup, type RuntimeMap } from '../templating/lookup.js';
import { SafeRegexMatcher } from './regex-matcher.js';
import {
  CONDITION_OPERATORS,
  coerceConditionBoolean,
  evaluateStructuredCondition,
  isOperatorAllowed,
  isStructuredCondition,
  parseMatchPattern,
  type StructuredConditionFields,
} from './structured.js';

const vars: RuntimeMap = {
  name: 'Desk Lamp',
  count: 5,
  countText: ' 12 ',
  flagTrue: true,
  flagFalse: false,
  yes: 'YES',
  no: 'no',
  zero: 0,
  one: 1,
  nothing: null,
  list: [1, 2],
  obj: { a: 1 },
  user: { name: 'Ada' },
  slug: 'a.b',
  sel: '#main',
  notNumber: 'abc',
};

const regex = new SafeRegexMatcher();
afterAll(() => regex.close());

function evaluate(
  fields: StructuredConditionFields,
  selectorExists: (selector: string) => Promise<boolean> = () => Promise.resolve(false),
): Promise<boolean> {
  return evaluateStructuredCondition(fields, { lookup: createLookup({ vars }), selectorExists, regex });
}

async function failure(promise: Promise<unknown>): Promise<RunError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RunError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('operator table', () => {
  it('lists operators per type, default first', () => {
    expect(CONDITION_OPERATORS).toEqual({
      string: ['equals', 'not_equals', 'contains', 'starts_with', 'ends_with', 'matches'],
      number: ['equals', 'not_equals', 'gt', 'gte', 'lt', 'lte'],
      boolean: ['is_true', 'is_false'],
      selector: ['exists', 'not_exists'],
    });
  });

  it.each<[string | undefined, string | undefined, boolean]>([
    [undefined, undefined, true],
    ['', '', true],
    ['string', 'matches', true],
    ['string', 'gt', false],
    ['number', 'gte', true],
    ['number', 'contains', false],
    ['boolean', 'is_false', true],
    ['boolean', 'equals', false],
    ['string', 'exists', true],
    ['number', 'not_exists', true],
    ['boolean', 'exists', true],
    ['selector', 'equals', false],
    ['date', 'equals', false],
    [undefined, 'bogus', false],
  ])('type %p op %p allowed: %p', (type, op, allowed) => {
    expect(isOperatorAllowed(type, op)).toBe(allowed);
  });
});

describe('isStructuredCondition', () => {
  it.each<[StructuredConditionFields & { value?: string }, boolean]>([
    [{}, false],
    [{ conditionVar: '', conditionOp: '', conditionValue: '', conditionVarType: '' }, false],
    [{ value: 'x > 1' }, false],
    [{ conditionVar: 'x' }, true],
    [{ conditionVarType: 'number' }, true],
    [{ conditionOp: 'equals' }, true],
    [{ conditionValue: '0' }, true],
  ])('%p → %p', (fields, expected) => {
    expect(isStructuredCondition(fields)).toBe(expected);
  });
});

describe('string conditions', () => {
  it.each<[StructuredConditionFields, boolean]>([
    [{ conditionVar: '{$name}', conditionValue: 'Desk Lamp' }, true],
    [{ conditionVar: 'name', conditionValue: 'Desk Lamp' }, true],
    [{ conditionVar: '{$name}', conditionOp: 'equals', conditionValue: 'desk lamp' }, false],
    [{ conditionVar: '{$name}', conditionOp: 'not_equals', conditionValue: 'desk lamp' }, true],
    [{ conditionVar: '{$name}', conditionOp: 'contains', conditionValue: 'k L' }, true],
    [{ conditionVar: '{$name}', conditionOp: 'contains', conditionValue: 'lamp' }, false],
    [{ conditionVar: '{$name}', conditionOp: 'starts_with', conditionValue: 'Desk' }, true],
    [{ conditionVar: '{$name}', conditionOp: 'ends_with', conditionValue: 'Lamp' }, true],
    [{ conditionVar: '{$name}', conditionOp: 'ends_with', conditionValue: 'Desk' }, false],
    [{ conditionVar: '{$count}', conditionValue: '5' }, true],
    [{ conditionVar: '{$list}', conditionValue: '[1,2]' }, true],
    [{ conditionVar: '{$obj}', conditionOp: 'contains', conditionValue: '"a":1' }, true],
    [{ conditionVar: '{$nothing}', conditionValue: '' }, true],
    [{ conditionVar: '{$missing}', conditionValue: '' }, true],
    [{ conditionVar: 'user.name', conditionValue: 'Ada' }, true],
    [{ conditionVar: 'Hello {$user.name}', conditionValue: 'Hello Ada' }, true],
    [{ conditionVar: 'literal text', conditionValue: 'literal text' }, true],
    [{ conditionVar: '{$name}', conditionValue: '{$name}' }, true],
    [{ conditionVar: '{$slug}', conditionOp: 'equals', conditionValue: 'a.b' }, true],
  ])('%p → %p', async (fields, expected) => {
    await expect(evaluate(fields)).resolves.toBe(expected);
  });

  it.each<[string, string, boolean]>([
    ['Desk', '', true],
    ['^desk', '', false],
    ['/^desk/i', '', true],
    ['/lamp$/', '', false],
    ['/LAMP$/i', '', true],
    ['^\\w+ \\w+$', '', true],
    ['a.b', 'slug', true],
    ['/a.b/s', 'slug', true],
  ])('matches %p', async (pattern, source, expected) => {
    const conditionVar = source ? `{$${source}}` : '{$name}';
    await expect(evaluate({ conditionVar, conditionOp: 'matches', conditionValue: pattern })).resolves.toBe(expected);
  });

  it.each<[string, RegExp]>([
    ['(unclosed', /^Invalid regular expression/],
    ['x'.repeat(1001), /longer than 1000/],
  ])('matches fails for %p', async (pattern, message) => {
    const error = await failure(evaluate({ conditionVar: '{$name}', conditionOp: 'matches', conditionValue: pattern }));
    expect(error.code).toBe('CONDITION_FAILED');
    expect(error.message).toMatch(message);
  });

  it('takes /…/ with flags other than i, m, s as a plain pattern', async () => {
    const lookup = createLookup({ vars: { path: 'GET /api/users' } });
    const deps = { lookup, selectorExists: () => Promise.resolve(false), regex };
    const check = (conditionValue: string) =>
      evaluateStructuredCondition({ conditionVar: '{$path}', conditionOp: 'matches', conditionValue }, deps);
    await expect(check('/api/users')).resolves.toBe(true);
    await expect(check('/x/g')).resolves.toBe(false);
  });

  it('matches fails when the pattern takes too long', async () => {
    const lookup = createLookup({ vars: { s: 'a'.repeat(40) + 'b' } });
    const promise = evaluateStructuredCondition(
      { conditionVar: '{$s}', conditionOp: 'matches', conditionValue: '/^(a+)+$/' },
      { lookup, selectorExists: () => Promise.resolve(false), regex },
    );
    expect((await failure(promise)).code).toBe('CONDITION_FAILED');
  });
});

describe('parseMatchPattern', () => {
  it.each<[string, { pattern: string; flags: string }]>([
    ['abc', { pattern: 'abc', flags: '' }],
    ['/abc/', { pattern: 'abc', flags: '' }],
    ['/a/b/im', { pattern: 'a/b', flags: 'im' }],
    ['/api/users', { pattern: '/api/users', flags: '' }],
    ['/x/g', { pattern: '/x/g', flags: '' }],
    ['//', { pattern: '', flags: '' }],
    ['/', { pattern: '/', flags: '' }],
  ])('%p → %p', (value, expected) => {
    expect(parseMatchPattern(value)).toEqual(expected);
  });
});

describe('number conditions', () => {
  it.each<[StructuredConditionFields, boolean]>([
    [{ conditionVar: '{$count}', conditionVarType: 'number', conditionValue: '5' }, true],
    [{ conditionVar: '{$count}', conditionVarType: 'number', conditionValue: ' 5.0 ' }, true],
    [{ conditionVar: '{$count}', conditionVarType: 'number', conditionOp: 'not_equals', conditionValue: '5' }, false],
    [{ conditionVar: '{$count}', conditionVarType: 'number', conditionOp: 'gt', conditionValue: '4' }, true],
    [{ conditionVar: '{$count}', conditionVarType: 'number', conditionOp: 'gt', conditionValue: '5' }, false],
    [{ conditionVar: '{$count}', conditionVarType: 'number', conditionOp: 'gte', conditionValue: '5' }, true],
    [{ conditionVar: '{$count}', conditionVarType: 'number', conditionOp: 'lt', conditionValue: '10' }, true],
    [{ conditionVar: '{$count}', conditionVarType: 'number', conditionOp: 'lte', conditionValue: '4' }, false],
    [{ conditionVar: 'countText', conditionVarType: 'number', conditionOp: 'gt', conditionValue: '9' }, true],
    [{ conditionVar: '{$notNumber}', conditionVarType: 'number', conditionOp: 'not_equals', conditionValue: '1' }, false],
    [{ conditionVar: '{$count}', conditionVarType: 'number', conditionOp: 'not_equals', conditionValue: 'x' }, false],
    [{ conditionVar: '{$count}', conditionVarType: 'number', conditionOp: 'lt', conditionValue: 'Infinity' }, false],
    [{ conditionVar: '{$flagTrue}', conditionVarType: 'number', conditionValue: '1' }, false],
    [{ conditionVar: '{$list}', conditionVarType: 'number', conditionOp: 'gt', conditionValue: '0' }, false],
    [{ conditionVar: '0x10', conditionVarType: 'number', conditionValue: '16' }, true],
    [{ conditionVar: '{$missing}', conditionVarType: 'number', conditionValue: '0' }, true], // Number("") is 0
  ])('%p → %p', async (fields, expected) => {
    await expect(evaluate(fields)).resolves.toBe(expected);
  });
});

describe('boolean conditions', () => {
  it.each<[unknown, boolean]>([
    [true, true],
    [false, false],
    ['true', true],
    ['TRUE', true],
    [' yes ', true],
    ['1', true],
    ['false', false],
    ['No', false],
    ['0', false],
    ['', false],
    ['  ', false],
    ['maybe', true],
    [0, false],
    [2, true],
    [-1, true],
    [null, false],
    [undefined, false],
    [[], true],
    [{}, true],
  ])('coerces %p → %p', (value, expected) => {
    expect(coerceConditionBoolean(value)).toBe(expected);
  });

  it.each<[StructuredConditionFields, boolean]>([
    [{ conditionVar: '{$flagTrue}', conditionVarType: 'boolean' }, true],
    [{ conditionVar: '{$flagTrue}', conditionVarType: 'boolean', conditionOp: 'is_false' }, false],
    [{ conditionVar: 'flagFalse', conditionVarType: 'boolean', conditionOp: 'is_true' }, false],
    [{ conditionVar: '{$yes}', conditionVarType: 'boolean' }, true],
    [{ conditionVar: '{$no}', conditionVarType: 'boolean' }, false],
    [{ conditionVar: '{$zero}', conditionVarType: 'boolean' }, false],
    [{ conditionVar: '{$one}', conditionVarType: 'boolean' }, true],
    [{ conditionVar: '{$nothing}', conditionVarType: 'boolean' }, false],
    [{ conditionVar: '{$missing}', conditionVarType: 'boolean' }, false],
    [{ conditionVar: '{$list}', conditionVarType: 'boolean' }, true],
    [{ conditionVar: 'yes', conditionVarType: 'boolean', conditionOp: 'is_false' }, false],
  ])('%p → %p', async (fields, expected) => {
    await expect(evaluate(fields)).resolves.toBe(expected);
  });
});

describe('selector conditions', () => {
  it('uses the rendered selector field when non-empty', async () => {
    const exists = jest.fn((_s: string) => Promise.resolve(true));
    await expect(evaluate({ conditionVarType: 'selector', selector: '{$sel} .item', conditionVar: '#ignored' }, exists)).resolves.toBe(true);
    expect(exists.mock.calls).toEqual([['#main .item']]);
  });

  it('falls back to the rendered conditionVar, with every type', async () => {
    const exists = jest.fn((_s: string) => Promise.resolve(false));
    await expect(evaluate({ conditionVar: '{$sel}', conditionVarType: 'string', conditionOp: 'exists' }, exists)).resolves.toBe(false);
    await expect(evaluate({ conditionVar: '.x', conditionVarType: 'number', conditionOp: 'not_exists' }, exists)).resolves.toBe(true);
    await expect(evaluate({ conditionVar: 'sel', conditionVarType: 'selector' }, exists)).resolves.toBe(false);
    expect(exists.mock.calls).toEqual([['#main'], ['.x'], ['sel']]);
  });

  it('wraps selector errors as CONDITION_FAILED', async () => {
    const error = await failure(
      evaluate({ conditionVar: '##bad', conditionOp: 'exists' }, () => Promise.reject(new Error('Unexpected token'))),
    );
    expect(error.code).toBe('CONDITION_FAILED');
    expect(error.message).toBe("Selector '##bad' could not be checked: Unexpected token");
  });

  it('passes RunErrors and aborts through unchanged', async () => {
    const crash = new RunError('BROWSER_CRASHED', 'gone');
    expect(await failure(evaluate({ conditionVar: 'a', conditionOp: 'exists' }, () => Promise.reject(crash)))).toBe(crash);
    const abort = new DOMException('aborted', 'AbortError');
    await expect(evaluate({ conditionVar: 'a', conditionOp: 'exists' }, () => Promise.reject(abort))).rejects.toBe(abort);
  });

  it('fails without any selector', async () => {
    expect((await failure(evaluate({ conditionVarType: 'selector' }))).code).toBe('CONDITION_FAILED');
  });
});

describe('invalid operators', () => {
  it.each<[StructuredConditionFields]>([
    [{ conditionVar: 'a', conditionVarType: 'number', conditionOp: 'contains' }],
    [{ conditionVar: 'a', conditionVarType: 'weird' }],
  ])('%p fails with CONDITION_FAILED', async (fields) => {
    expect((await failure(evaluate(fields))).code).toBe('CONDITION_FAILED');
  });
});

describe('unknown variables', () => {
  it('are reported only for template tokens, not for bare operand names', async () => {
    const onUnknown = jest.fn<(name: string) => void>();
    const lookup = createLookup({ vars, onUnknown });
    const deps = { lookup, selectorExists: () => Promise.resolve(false), regex };
    await evaluateStructuredCondition({ conditionVar: 'bareWord', conditionValue: 'x' }, deps);
    await evaluateStructuredCondition({ conditionVar: '{$ghost}', conditionValue: '{$ghost2}' }, deps);
    expect(onUnknown.mock.calls).toEqual([['ghost'], ['ghost2']]);
  });
});
