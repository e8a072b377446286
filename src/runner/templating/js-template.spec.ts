import { jest } from '@jest/globals';
import { createLookup, type RuntimeMap } from './lookup.js';
import { substituteJsTemplate } from './js-template.js';
import { toText } from './render.js';

// Evaluation happens in this test only, to prove what the produced code means.
type AsyncFn = (...args: unknown[]) => Promise<unknown>;
const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...src: string[]) => AsyncFn;

function run(source: string, vars: RuntimeMap): Promise<unknown> {
  const { code } = substituteJsTemplate(source, createLookup({ vars }));
  return new AsyncFunction('vars', code)(vars);
}

const HOSTILE_STRINGS: readonly string[] = [
  'plain',
  '',
  '"',
  "'",
  '`',
  '\\',
  '\\\\"',
  "\\'",
  '${globalThis.pwned = 1}',
  '$',
  '$$',
  '{',
  '}',
  '*/ globalThis.pwned = 1; /*',
  '// x',
  '</script><script>alert(1)</script>',
  'line\nbreak',
  'crlf\r\nbreak\r',
  'ls\u2028ps\u2029end',
  '"; globalThis.pwned = 1; "',
  "'; globalThis.pwned = 1; '",
  '`; globalThis.pwned = 1; `',
  '/; globalThis.pwned = 1; /',
  '\\u0041\\x41\\0',
  'lone \uD800 high and \uDC00 low',
  'emoji 😀 pair',
  '.*+?^$()[]{}|/-',
  ']-[^',
  '&&!!##%%,,::;;<<==>>@@``~~',
  '{$other}',
  '\0nul',
  'tab\tand\u00a0nbsp',
];

beforeEach(() => {
  delete (globalThis as { pwned?: unknown }).pwned;
});
afterEach(() => {
  expect((globalThis as { pwned?: unknown }).pwned).toBeUndefined();
});

describe('code position: JSON literal', () => {
  const values: unknown[] = [
    ...HOSTILE_STRINGS,
    0,
    -1,
    -0.5,
    3.25,
    1e21,
    true,
    false,
    null,
    [1, '"]', { a: '</script>' }],
    { '"key': "'v'", nested: { list: ['`${x}`', '\u2028'] } },
    {},
    [],
  ];

  it.each(values.map((v) => [v]))('value %p keeps its meaning', async (value) => {
    await expect(run('return {$v};', { v: value })).resolves.toEqual(value);
  });

  it('undefined (unknown variable) becomes undefined', async () => {
    await expect(run('return [typeof {$missing}, {$missing}];', {})).resolves.toEqual(['undefined', undefined]);
  });

  it.each<[string, RuntimeMap, unknown]>([
    ['return{$n};', { n: 5 }, 5],
    ['return typeof{$s};', { s: 'x' }, 'string'],
    ['return {$n}.toFixed(1);', { n: 5 }, '5.0'],
    ['const a = 1; return a-{$n};', { n: -1 }, 2],
    ['return -{$n};', { n: -4 }, 4],
    ['return {$n} ** 2;', { n: -2 }, 4],
    ['return {$n}in{$o};', { n: 'a', o: { a: 1 } }, true],
    ['return [{$a},{$b}];', { a: 'x', b: 2 }, ['x', 2]],
    ['const o = {$o}; return o.k;', { o: { k: 'v' } }, 'v'],
    ['return 10 / {$n} / 2;', { n: 5 }, 1],
    ['return ({$o}).a;', { o: { a: 1 } }, 1],
  ])('%s', async (source, vars, expected) => {
    await expect(run(source, vars)).resolves.toEqual(expected);
  });

  it('keeps adjacent literals apart (no fused token such as `true1`)', () => {
    const { code } = substituteJsTemplate('return {$a}{$b};', createLookup({ vars: { a: true, b: 1 } }));
    expect(code).toBe('return true 1;');
    expect(() => new AsyncFunction('vars', code)).toThrow(SyntaxError);
  });

  it('escapes </script> inside JSON strings', () => {
    const { code } = substituteJsTemplate('x = {$v}', createLookup({ vars: { v: '</script>' } }));
    expect(code).not.toContain('</script>');
  });
});

describe('string literals', () => {
  it.each(HOSTILE_STRINGS.map((s) => [s]))('%p inside "…" and \'…\'', async (value) => {
    await expect(run('return ["{$v}", \'{$v}\', "<{$v}>"];', { v: value })).resolves.toEqual([
      value,
      value,
      `<${value}>`,
    ]);
  });

  it('renders non-strings as text', async () => {
    const vars = { n: -2, o: { a: '"' }, a: [1], t: true, z: null };
    await expect(run("return '{$n}|{$o}|{$a}|{$t}|{$z}|{$missing}';", vars)).resolves.toBe(
      `-2|${toText(vars.o)}|[1]|true||`,
    );
  });

  it('does not treat an escaped brace as a token', async () => {
    await expect(run('return "\\{$v}";', { v: 'X' })).resolves.toBe('{$v}');
  });

  it('handles escaped quotes and line continuations before a token', async () => {
    await expect(run('return "a\\"{$v}\\\n{$v}";', { v: '"' })).resolves.toBe('a"""');
    await expect(run("return 'it\\'s {$v}';", { v: "'" })).resolves.toBe("it's '");
  });
});

describe('template literals', () => {
  it.each(HOSTILE_STRINGS.map((s) => [s]))('%p in template text', async (value) => {
    await expect(
      run('const one = 1; return [`{$v}`, `a${one}{$v}b`, `{$v}${one}`, `x{$v}{one}`];', { v: value }),
    ).resolves.toEqual([value, `a1${value}b`, `${value}1`, `x${value}{one}`]);
  });

  it('substitutes as code inside ${…}, tracking nested braces and templates', async () => {
    const vars = { v: 'a`b', n: 2 };
    await expect(run('return `<${ {k: {$n}}.k }|${`in{$v}`}|${(() => { return {$v}; })()}>`;', vars)).resolves.toBe(
      '<2|ina`b|a`b>',
    );
  });

  it('keeps ${ written by the user as an interpolation', async () => {
    await expect(run('const $v = 7; return `${$v}`;', { v: 'no' })).resolves.toBe('7');
  });
});

describe('regular-expression literals', () => {
  const regexValues = HOSTILE_STRINGS.filter((s) => s !== '');

  it.each(regexValues.map((s) => [s]))('%p matches itself literally', async (value) => {
    const source = [
      'const s = vars.v;',
      'return [',
      '  /^{$v}$/.test(s),',
      '  /^{$v}$/u.test(s),',
      '  /^{$v}$/v.test(s),',
      '  /^[{$v}]+$/.test(s),',
      '  /^[{$v}]+$/u.test(s),',
      '  /^[{$v}]+$/v.test(s),',
      '  /^(?:{$v})+$/i.test(s + s),',
      '  /^{$v}$/.test(s + "!"),',
      '];',
    ].join('\n');
    await expect(run(source, { v: value })).resolves.toEqual([true, true, true, true, true, true, true, false]);
  });

  it('escapes metacharacters so they match literally', async () => {
    await expect(run('return /^a{$v}c$/.test("abc");', { v: '.' })).resolves.toBe(false);
    await expect(run('return /^a{$v}c$/.test("a.c");', { v: '.' })).resolves.toBe(true);
    await expect(run('return /^[{$v}]$/.test("b");', { v: 'a-c' })).resolves.toBe(false);
  });

  it('tells regexes from division', async () => {
    const vars = { v: 'x' };
    await expect(run('const a = 8, b = 2, g = 2; return a / b / g;', vars)).resolves.toBe(2);
    await expect(run('const a = [8]; return a[0] / {$n} / 2;', { n: 2 })).resolves.toBe(2);
    await expect(run('if (true) /{$v}/.test("x") && (vars.hit = 1); return vars.hit;', vars)).resolves.toBe(1);
    await expect(run('const f = (a) => a; return f(8) / {$n} / 2;', { n: 2 })).resolves.toBe(2);
    await expect(run('return typeof /{$v}/;', vars)).resolves.toBe('object');
    await expect(run('const f = (x) => x; return f(/{$v}/).source;', vars)).resolves.toBe('x');
    await expect(run('{ } /{$v}/.test("x"); return 1;', vars)).resolves.toBe(1);
  });
});

describe('comments', () => {
  it('leaves tokens in comments unchanged and does not look them up', async () => {
    const onUnknown = jest.fn<(name: string) => void>();
    const source = '// {$a}\n/* {$b} */ <!-- {$c}\n--> {$d}\nreturn "{$e}";';
    const { code, substitutions } = substituteJsTemplate(source, createLookup({ vars: { e: 'E' }, onUnknown }));
    expect(code).toBe('// {$a}\n/* {$b} */ <!-- {$c}\n--> {$d}\nreturn "E";');
    expect(substitutions).toEqual([{ name: 'e', position: 'string', start: code.indexOf('E'), end: code.indexOf('E') + 1 }]);
    expect(onUnknown).not.toHaveBeenCalled();
  });

  it('ends a line comment at U+2028', async () => {
    await expect(run('// note\u2028return {$v};', { v: 9 })).resolves.toBe(9);
  });

  it('does not take a `-->` operator for a comment', async () => {
    await expect(run('let x = 3; const r = x-->{$n}; return [r, x];', { n: 2 })).resolves.toEqual([true, 2]);
  });
});

describe('substitution bookkeeping', () => {
  it('reports positions of inserted text in order, with the value looked up once per token', () => {
    const get = jest.fn((name: string) => (name === 'a' ? 'AA' : 5));
    const lookup = { get, resolve: () => ({ found: false as const, value: undefined }) };
    const { code, substitutions } = substituteJsTemplate('f({$a}, "{$b}", `{$a}`, /{$b}/)', lookup);
    expect(code).toBe('f("AA", "5", `AA`, /5/)');
    expect(substitutions.map((s) => [s.name, s.position, code.slice(s.start, s.end)])).toEqual([
      ['a', 'code', '"AA"'],
      ['b', 'string', '5'],
      ['a', 'template', 'AA'],
      ['b', 'regex', '5'],
    ]);
    expect(get.mock.calls.map(([n]) => n)).toEqual(['a', 'b', 'a', 'b']);
  });

  it('is single-pass: inserted text is not scanned again', async () => {
    const get = jest.fn((name: string) => (name === 'v' ? '{$w}' : 'W'));
    const { code } = substituteJsTemplate('"{$v}" + {$v}', { get, resolve: () => ({ found: false, value: undefined }) });
    expect(code).toBe('"{$w}" + "{$w}"');
    expect(get).not.toHaveBeenCalledWith('w');
  });

  it('leaves tokens of an unterminated regex untouched', () => {
    const { code, substitutions } = substituteJsTemplate('x = /{$v}\n', createLookup({ vars: { v: 1 } }));
    expect(code).toBe('x = /{$v}\n');
    expect(substitutions).toEqual([]);
  });
});
