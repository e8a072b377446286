import { coerceText } from './coerce.js';

describe('coerceText (§7.3)', () => {
  it.each<[string, unknown]>([
    ['', ''],
    ['   ', ''],
    ['true', true],
    [' false ', false],
    ['TRUE', 'TRUE'],
    ['True', 'True'],
    ['42', 42],
    [' -7 ', -7],
    ['3.5', 3.5],
    ['-0.25', -0.25],
    ['007', 7],
    ['1.', '1.'],
    ['.5', '.5'],
    ['1e3', '1e3'],
    ['+1', '+1'],
    ['0x10', '0x10'],
    ['1 000', '1 000'],
    ['{"a":1}', { a: 1 }],
    ['  [1, "x", null]  ', [1, 'x', null]],
    ['[]', []],
    ['{not json}', '{not json}'],
    [' {oops ', ' {oops '],
    ['null', 'null'],
    ['"quoted"', '"quoted"'],
    ['  keep my spaces  ', '  keep my spaces  '],
    ['hello', 'hello'],
  ])('%p → %p', (input, expected) => {
    expect(coerceText(input)).toEqual(expected);
  });
});
