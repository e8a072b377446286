import { escapeForRegex, escapeForString, escapeForTemplate, toJsLiteral } from './js-escape.js';

describe('escapeForString', () => {
  it.each<[string, "'" | '"', string]>([
    ['plain', '"', 'plain'],
    ['a"b', '"', 'a\\"b'],
    ["a'b", '"', "a'b"],
    ["a'b", "'", "a\\'b"],
    ['a\\b', "'", 'a\\\\b'],
    ['\r\n\u2028\u2029', '"', '\\r\\n\\u2028\\u2029'],
    ['`${x}`', '"', '`${x}`'],
    ['\uD800x\uDC00', '"', '\\ud800x\\udc00'],
    ['😀', '"', '😀'],
  ])('%p in %s…%s', (text, quote, expected) => {
    expect(escapeForString(text, quote)).toBe(expected);
  });
});

describe('escapeForTemplate', () => {
  it.each<[string, string]>([
    ['`', '\\`'],
    ['${a}', '\\${a}'],
    ['$', '\\$'],
    ['\\', '\\\\'],
    ['"\'', '"\''],
    ['a\r\nb', 'a\\r\\nb'],
  ])('%p → %p', (text, expected) => {
    expect(escapeForTemplate(text)).toBe(expected);
  });
});

describe('escapeForRegex', () => {
  it.each<[string, boolean, string, string]>([
    ['a.b', false, '', 'a\\.b'],
    ['^$\\.*+?()[]{}|/', false, '', '\\^\\$\\\\\\.\\*\\+\\?\\(\\)\\[\\]\\{\\}\\|\\/'],
    ['a-b', false, 'u', 'a-b'],
    ['a-b', true, 'u', 'a\\-b'],
    ['&&', true, '', '&&'],
    ['&&', true, 'v', '\\&\\&'],
    ['x\ny', false, '', 'x\\ny'],
  ])('%p (class %p, flags %p) → %p', (text, inClass, flags, expected) => {
    expect(escapeForRegex(text, inClass, flags)).toBe(expected);
  });

  it('always produces a valid pattern that matches the text literally', () => {
    const text = '^$\\.*+?()[]{}|/-&!#%,:;<=>@`~ \n\u2028';
    for (const flags of ['', 'u', 'v']) {
      expect(new RegExp(`^${escapeForRegex(text, false, flags)}$`, flags).test(text)).toBe(true);
      expect(new RegExp(`^[${escapeForRegex(text, true, flags)}]+$`, flags).test(text)).toBe(true);
    }
  });
});

describe('toJsLiteral', () => {
  it.each<[unknown, string]>([
    [undefined, 'undefined'],
    [() => 1, 'undefined'],
    [null, 'null'],
    [true, 'true'],
    [3, '3'],
    [-3, '(-3)'],
    ['s', '"s"'],
    ['</script>', '"\\u003c/script>"'],
    ['\u2028', '"\\u2028"'],
    [[1, -1], '[1,-1]'],
    [{ a: '"' }, '{"a":"\\""}'],
    [BigInt(1), 'undefined'],
  ])('%p → %s', (value, expected) => {
    expect(toJsLiteral(value)).toBe(expected);
  });
});
