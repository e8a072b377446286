import { headerNames, parseCsv } from './parse-csv.js';

describe('parseCsv (§7.2)', () => {
  it.each<[string, string, Record<string, string>[]]>([
    ['empty input', '', []],
    ['header only', 'a,b', []],
    ['header only with newline', 'a,b\r\n', []],
    ['simple LF', 'a,b\n1,2\n3,4', [{ a: '1', b: '2' }, { a: '3', b: '4' }]],
    ['CRLF with trailing newline', 'a,b\r\n1,2\r\n', [{ a: '1', b: '2' }]],
    ['mixed row ends', 'a\r\n1\n2\r\n', [{ a: '1' }, { a: '2' }]],
    ['BOM removed', '\uFEFFname\nAda', [{ name: 'Ada' }]],
    ['BOM only at the start', 'x\n\uFEFFy', [{ x: '\uFEFFy' }]],
    ['quoted comma', 'a,b\n"1,5",2', [{ a: '1,5', b: '2' }]],
    ['doubled quotes', 'a\n"say ""hi"""', [{ a: 'say "hi"' }]],
    ['quoted newlines', 'a,b\n"line1\nline2",x\n"cr\r\nlf",y', [
      { a: 'line1\nline2', b: 'x' },
      { a: 'cr\r\nlf', b: 'y' },
    ]],
    ['quoted header', '"a,1","b"\n1,2', [{ 'a,1': '1', b: '2' }]],
    ['empty quoted field', 'a,b\n"",x', [{ a: '', b: 'x' }]],
    ['quote inside an unquoted field is literal', 'a\nsay "hi"', [{ a: 'say "hi"' }]],
    ['spaces are kept', 'a, b\n 1 , 2 ', [{ a: ' 1 ', ' b': ' 2 ' }]],
    ['missing cells are ""', 'a,b,c\n1\n1,2', [{ a: '1', b: '', c: '' }, { a: '1', b: '2', c: '' }]],
    ['extra cells dropped', 'a\n1,2,3', [{ a: '1' }]],
    ['empty cells', 'a,b\n,\n,x', [{ a: '', b: '' }, { a: '', b: 'x' }]],
    ['blank lines skipped', '\n\na,b\n\n1,2\r\n\r\n   \n3,4\n\n', [{ a: '1', b: '2' }, { a: '3', b: '4' }]],
    ['a line of commas is not blank', 'a,b\n,', [{ a: '', b: '' }]],
    ['a quoted empty line is not blank', 'a\n""\n', [{ a: '' }]],
    ['unterminated quote runs to the end', 'a,b\n"open,1\n2', [{ a: 'open,1\n2', b: '' }]],
    ['text after a closing quote is kept', 'a\n"x"y', [{ a: 'xy' }]],
    ['lone CR is data', 'a\nx\ry', [{ a: 'x\ry' }]],
    ['unicode', 'ключ,emoji\nзначение,😀', [{ ключ: 'значение', emoji: '😀' }]],
  ])('%s', (_label, input, expected) => {
    expect(parseCsv(input)).toEqual(expected);
  });

  it('names blank header cells column_<n> (1-based) and numbers duplicates', () => {
    expect(parseCsv('a,,a, ,a,b\n1,2,3,4,5,6')).toEqual([
      { a: '1', column_2: '2', a_2: '3', column_4: '4', a_3: '5', b: '6' },
    ]);
  });

  it('keeps generated names unique', () => {
    expect(headerNames(['a', 'a_2', 'a', ''])).toEqual(['a', 'a_2', 'a_3', 'column_4']);
    expect(headerNames(['column_2', ''])).toEqual(['column_2', 'column_2_2']);
  });

  it('makes __proto__ an ordinary key', () => {
    const [row] = parseCsv('__proto__,b\nx,y');
    expect(Object.hasOwn(row, '__proto__')).toBe(true);
    expect(row.b).toBe('y');
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
  });

  it('parses a large file', () => {
    const lines = ['id,text'];
    for (let i = 0; i < 20000; i++) lines.push(`${i},"row ""${i}"", with comma"`);
    const rows = parseCsv(lines.join('\r\n'));
    expect(rows).toHaveLength(20000);
    expect(rows[19999]).toEqual({ id: '19999', text: 'row "19999", with comma' });
  });
});
