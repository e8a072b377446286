import { parseCsv } from './parse-csv.js';
import { formatCell, formatCsv } from './format-csv.js';

describe('formatCsv (§10.5)', () => {
  it.each<[string, unknown, string]>([
    ['null', null, ''],
    ['undefined', undefined, ''],
    ['plain string stays', 'hello, "world"', 'hello, "world"'],
    ['JSON scalar string stays', '42', '42'],
    ['JSON string literal stays', '"x"', '"x"'],
    ['object', { a: 1, b: 'x' }, 'a,b\r\n1,x\r\n'],
    ['array of objects: key union in first-seen order', [{ a: 1 }, { b: 2, a: 3 }, { c: null }], 'a,b,c\r\n1,,\r\n3,2,\r\n,,\r\n'],
    ['array of arrays: no header', [[1, 'a'], [], [true, null, 'z']], '1,a\r\n\r\ntrue,,z\r\n'],
    ['array of primitives: one per row', [1, 'two', null, false], '1\r\ntwo\r\n\r\nfalse\r\n'],
    ['JSON array string is converted', '[{"a":1},{"a":2}]', 'a\r\n1\r\n2\r\n'],
    ['JSON object string is converted', ' {"k":"v"} ', 'k\r\nv\r\n'],
    ['nested values become JSON', [{ o: { x: 1 }, l: [1, 2] }], 'o,l\r\n"{""x"":1}","[1,2]"\r\n'],
    ['empty array', [], ''],
    ['number', 7, '7'],
    ['boolean', true, 'true'],
    ['mixed array: one value per row', [{ a: 1 }, [1], 'x'], '"{""a"":1}"\r\n[1]\r\nx\r\n'],
  ])('%s', (_label, data, expected) => {
    expect(formatCsv(data)).toBe(expected);
  });

  it.each<[unknown, string]>([
    ['plain', 'plain'],
    ['a"b', '"a""b"'],
    ['a,b', '"a,b"'],
    ['a\rb', '"a\rb"'],
    ['a\nb', '"a\nb"'],
    [' lead', '" lead"'],
    ['trail ', '"trail "'],
    ['in side', 'in side'],
    ['', ''],
    [null, ''],
    [undefined, ''],
    [1.5, '1.5'],
    [{ q: '"' }, '"{""q"":""\\""""}"'],
  ])('cell %p → %p', (value, expected) => {
    expect(formatCell(value)).toBe(expected);
  });

  it('quotes header cells too', () => {
    expect(formatCsv([{ 'a,b': 1, ' c': 2 }])).toBe('"a,b"," c"\r\n1,2\r\n');
  });

  it('round-trips through parseCsv', () => {
    const rows = [
      { name: 'Ada, Countess', quote: 'said "hi"', multi: 'l1\r\nl2', pad: ' x ' },
      { name: 'Bob', quote: '', multi: '', pad: '' },
    ];
    expect(parseCsv(formatCsv(rows))).toEqual(rows);
  });
});
