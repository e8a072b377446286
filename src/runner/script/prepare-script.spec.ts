import { RunError } from '../run-error.js';
import { createLookup, EMPTY_VALUE_LOOKUP, type RuntimeMap } from '../templating/lookup.js';
import { prepareConditionScript, prepareScript } from './prepare-script.js';

// Evaluation happens in this test only; src never evaluates user code.
type AsyncFn = (...args: unknown[]) => Promise<unknown>;
const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...src: string[]) => AsyncFn;

function evaluate(body: string, vars: RuntimeMap = {}): Promise<unknown> {
  return new AsyncFunction('vars', body)(vars);
}

function prepare(source: string, vars: RuntimeMap = {}) {
  return prepareScript(source, createLookup({ vars }));
}

function runError(fn: () => unknown): RunError {
  try {
    fn();
  } catch (error) {
    if (error instanceof RunError) return error;
    throw error;
  }
  throw new Error('expected a RunError');
}

describe('prepareScript: last-expression return (§7.1)', () => {
  it.each<[string, unknown]>([
    ['1 + 2', 3],
    ['const a = 2; a * 21', 42],
    ['const a = 2;\na * 21;', 42],
    ['41 + 1 // trailing comment', 42],
    ['41 + 1; ;;', 42],
    ['await Promise.resolve(4)', 4],
    ['1, 2', 2],
    ["'directive-like string'", 'directive-like string'],
    ['function f() { return 1 } f() + 1', 2],
    ['const f = () => { return 2 }; f()', 2],
    ['const f = () => 3; f()', 3],
    ['class A { m() { return 5 } } new A().m()', 5],
    ['const o = { get x() { return 6 } }; o.x', 6],
    ['vars.a = 1\nvars.a + 1', 2],
    ['if (true) { 1 }', undefined],
    ['const a = 1', undefined],
    ['', undefined],
    ['// only a comment', undefined],
  ])('%p → %p', async (source, expected) => {
    await expect(evaluate(prepare(source).body, {})).resolves.toEqual(expected);
  });

  it.each<[string, unknown]>([
    ['if (true) { return 5 } 7', 5],
    ['for (const x of [1]) { if (x) return x + 10 } 0', 11],
    ['try { return 8 } finally { } 9', 8],
    ['switch (1) { case 1: return "one" } 2', 'one'],
    ['return', undefined],
  ])('keeps code with its own top-level return unchanged: %p', async (source, expected) => {
    const { body } = prepare(source);
    expect(body).toBe(source);
    await expect(evaluate(body)).resolves.toEqual(expected);
  });

  it('rewrites only the expression statement', () => {
    expect(prepare('let a = 1;\n  a + 1; // done').body).toBe('let a = 1;\n  return (a + 1); // done');
  });
});

describe('prepareScript: templating and parse', () => {
  it('templates before parsing', async () => {
    const { body } = prepare('const q = "{$q}"; [q, {$q}, vars.q]', { q: 'a"b' });
    await expect(evaluate(body, { q: 'a"b' })).resolves.toEqual(['a"b', 'a"b', 'a"b']);
  });

  it('accepts top-level await and return, and async function body syntax', async () => {
    const { body } = prepare('const x = await Promise.resolve(1);\nfor await (const y of [Promise.resolve(2)]) { return x + y }');
    await expect(evaluate(body)).resolves.toBe(3);
  });

  it.each<[string, RegExp]>([
    ['const = 1', /^Syntax error at line 1, column 7: Unexpected token$/],
    ['let a = 1;\nlet b = ;', /^Syntax error at line 2, column 9: Unexpected token$/],
    ['"unterminated', /^Syntax error at line 1, column 1: Unterminated string constant$/],
    ['let a; let a;', /^Syntax error at line 1, column 12: Identifier 'a' has already been declared$/],
    ['#!/usr/bin/env node\n1', /^Syntax error at line 1, column \d+: Unexpected character/],
    ['/a(/', /^Syntax error at line 1, column \d+: Invalid regular expression/],
    ['}); (function () {', /^Syntax error at line 1, column 1/],
  ])('rejects %p with SCRIPT_ERROR', (source, message) => {
    const error = runError(() => prepare(source));
    expect(error.code).toBe('SCRIPT_ERROR');
    expect(error.message).toMatch(message);
  });

  it('uses the requested error code', () => {
    expect(runError(() => prepareScript('(', EMPTY_VALUE_LOOKUP, { errorCode: 'EXTRACTION_FAILED' })).code).toBe(
      'EXTRACTION_FAILED',
    );
  });

  it('checks syntax with empty values (save-time validation)', () => {
    expect(() => prepareScript('return [{$a}, "{$b}", /{$c}x/]', EMPTY_VALUE_LOOKUP)).not.toThrow();
    expect(() => prepareScript('return {$a', EMPTY_VALUE_LOOKUP)).toThrow(RunError);
  });

  // Where the scanner's regex-vs-division guess disagrees with the real parser, the value could
  // otherwise change the program; the substitution is refused instead.
  it.each<[string]>([['let a = 1; return a++ / {$x} / 2;'], ['const x = {} / {$x} / 1; x']])(
    'refuses a value the parser would read differently: %p',
    (source) => {
      const vars = { x: '1;alert`x`;1' }; // parses as code if taken for a regex body
      const error = runError(() => prepare(source, vars));
      expect(error.code).toBe('SCRIPT_ERROR');
      expect(error.message).toBe(
        'Variable {$x} at line 1 cannot be inserted safely at that position; read it as vars.x instead',
      );
    },
  );

  it('accepts division the scanner reads correctly', async () => {
    const { body } = prepare('let a = 4; return a / {$x} / 2;', { x: 2 });
    await expect(evaluate(body)).resolves.toBe(1);
  });
});

describe('prepareScript: hostile values end to end', () => {
  const hostile = [
    '"; globalThis.pwned = 1; "',
    "'; globalThis.pwned = 1; '",
    '`; globalThis.pwned = 1; ${globalThis.pwned = 2}`',
    '*/ globalThis.pwned = 1; /*',
    '</script><script>globalThis.pwned = 1</script>',
    'a\nb\r\nc\u2028d\u2029e',
    '\\ \\\\ \\"',
    '/; globalThis.pwned = 1; //',
    '.*+?^$()[]{}|-',
    '😀 \uD800',
  ];

  it.each(hostile.map((v) => [v]))('%p is seen unchanged in every position', async (value) => {
    const source = [
      '// comment {$v}',
      'const inCode = {$v};',
      'const inDouble = "{$v}";',
      "const inSingle = '{$v}';",
      'const inTemplate = `[{$v}]${"|"}[{$v}]`;',
      'const inRegex = /^{$v}$/.test(vars.v) && /^[{$v}]+$/u.test(vars.v);',
      '/* {$v} */',
      '[inCode, inDouble, inSingle, inTemplate, inRegex, globalThis.pwned]',
    ].join('\n');
    const vars = { v: value };
    const { body } = prepare(source, vars);
    await expect(evaluate(body, vars)).resolves.toEqual([
      value,
      value,
      value,
      `[${value}]|[${value}]`,
      true,
      undefined,
    ]);
  });
});

describe('prepareScript: html binding', () => {
  it.each<[string, boolean]>([
    ['html.length', true],
    ['const n = html.match(/x/g); n', true],
    ['`${html}`', true],
    ['\\u0068tml', true],
    ['$$data.html()', false],
    ['vars.html', false],
    ['vars?.html', false],
    ['"html"', false],
    ['// html\n1', false],
    ['htmlish + 1', false],
    ['{$html}', false],
  ])('%p → %p', (source, usesHtml) => {
    const lookup = createLookup({ vars: {}, html: () => '<p></p>' });
    expect(prepareScript(source, lookup).usesHtml).toBe(usesHtml);
  });
});

describe('prepareConditionScript (§6.2)', () => {
  it('is null for an empty expression', () => {
    expect(prepareConditionScript('  \n ', EMPTY_VALUE_LOOKUP)).toBeNull();
  });

  it.each<[string, RuntimeMap, boolean]>([
    ['{$n} > 2', { n: 3 }, true],
    ['{$n} > 2', { n: 1 }, false],
    ['"{$s}".includes("a")', { s: 'cat' }, true],
    ['vars.s // a trailing comment', { s: 'x' }, true],
    ['0', {}, false],
    ['{$missing}', {}, false],
  ])('%p with %p → %p', async (expression, vars, expected) => {
    const prepared = prepareConditionScript(expression, createLookup({ vars }));
    expect(prepared?.body.startsWith('return !!(')).toBe(true);
    await expect(evaluate(prepared?.body ?? '', vars)).resolves.toBe(expected);
  });

  it('reports syntax errors as CONDITION_FAILED with the line of the expression', () => {
    const error = runError(() => prepareConditionScript('a &&\n* b', EMPTY_VALUE_LOOKUP));
    expect(error.code).toBe('CONDITION_FAILED');
    expect(error.message).toMatch(/^Syntax error at line 2, column 1: Unexpected token$/);
  });

  it('refuses misplaced values in conditions too', () => {
    const error = runError(() => prepareConditionScript('({}) && {} / {$x} / 1', createLookup({ vars: { x: '1' } })));
    expect(error.code).toBe('CONDITION_FAILED');
    expect(error.message).toMatch(/^Variable \{\$x\} at line 1 cannot be inserted safely/);
  });

  it('reports html use', () => {
    expect(prepareConditionScript('html.includes("x")', EMPTY_VALUE_LOOKUP)?.usesHtml).toBe(true);
  });
});
