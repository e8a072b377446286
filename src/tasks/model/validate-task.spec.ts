import type { FieldError } from '../../common/errors.js';
import { ACTION_TYPES, ACTION_TYPE_ALIASES, SECRET_MASK, canonicalType, type NormalisedTask } from './task.types.js';
import { validateTask, type TaskValidationContext } from './validate-task.js';

type Json = Record<string, unknown>;

function makeCtx(over: Partial<TaskValidationContext> = {}): TaskValidationContext {
  let n = 0;
  return {
    maxTaskBytes: 5 * 1024 * 1024,
    maxRunTimeoutSeconds: 3600,
    credentialExists: (id) => id === 'cred_ok',
    newActionId: () => `act_gen${++n}`,
    ...over,
  };
}

function ok(input: unknown, over: Partial<TaskValidationContext> = {}): NormalisedTask {
  const r = validateTask(input, makeCtx(over));
  if ('errors' in r) throw new Error(`unexpected errors: ${JSON.stringify(r.errors)}`);
  return r.task;
}

function errs(input: unknown, over: Partial<TaskValidationContext> = {}): FieldError[] {
  const r = validateTask(input, makeCtx(over));
  if ('task' in r) throw new Error(`expected errors, got a task: ${JSON.stringify(r.task).slice(0, 300)}`);
  return r.errors;
}

const fields = (input: unknown, over: Partial<TaskValidationContext> = {}) => errs(input, over).map((e) => e.field);
const task = (extra: Json = {}): Json => ({ name: 'T', ...extra });
const withActions = (...actions: unknown[]): Json => task({ actions });
const one = (action: Json): Json => withActions(action);

describe('validateTask: defaults and normalisation', () => {
  it('fills every default of RUNNER §2.1', () => {
    expect(ok({ name: '  My task  ' })).toEqual({
      name: 'My task',
      url: '',
      mode: 'agent',
      wait: 0,
      selector: '',
      rotateUserAgents: false,
      rotateProxies: false,
      rotateViewport: false,
      humanTyping: false,
      stealth: {
        allowTypos: false,
        idleMovements: false,
        overscroll: false,
        deadClicks: false,
        fatigue: false,
        naturalTyping: false,
        cursorGlide: false,
        randomizeClicks: false,
      },
      actions: [],
      variables: {},
      extractionScript: '',
      extractionFormat: 'json',
      includeHtml: false,
      includeShadowDom: true,
      disableRecording: false,
      statelessExecution: false,
      timeoutSeconds: 300,
      retryOnCrash: false,
    });
  });

  it('normalises boolean strings and numeric strings', () => {
    const t = ok(task({ rotateProxies: 'true', humanTyping: '1', includeShadowDom: '0', retryOnCrash: 'false', wait: '2.5', timeoutSeconds: '60', last_opened: '1733220000000' }));
    expect(t).toMatchObject({ rotateProxies: true, humanTyping: true, includeShadowDom: false, retryOnCrash: false, wait: 2.5, timeoutSeconds: 60, last_opened: 1733220000000 });
  });

  it('null means the default for optional fields', () => {
    expect(ok(task({ wait: null, description: null, output: null, mode: null }))).toMatchObject({ wait: 0, mode: 'agent' });
  });

  it('removes an empty description and keeps a non-empty one', () => {
    expect(ok(task({ description: '' }))).not.toHaveProperty('description');
    expect(ok(task({ description: 'Reads prices' })).description).toBe('Reads prices');
  });

  it('ignores createdAt, updatedAt and versions on input', () => {
    const t = ok(task({ createdAt: 1, updatedAt: 2, versions: [{ id: 'v' }] }));
    expect(t).not.toHaveProperty('createdAt');
    expect(t).not.toHaveProperty('updatedAt');
    expect(t).not.toHaveProperty('versions');
  });

  it('keeps unknown top-level keys verbatim (as copies)', () => {
    const extra = { nested: [1, { a: 'b' }], n: null };
    const t = ok(task({ cabinet: 'x', upstreamMeta: extra }));
    expect(t.cabinet).toBe('x');
    expect(t.upstreamMeta).toEqual(extra);
    expect(t.upstreamMeta).not.toBe(extra);
  });

  it('keeps a valid client id; leaves id absent when none is sent', () => {
    expect(ok(task({ id: 'my.task:v1_2-3' })).id).toBe('my.task:v1_2-3');
    expect(ok(task())).not.toHaveProperty('id');
  });

  it('timeoutSeconds defaults to the configured maximum when that is lower than 300', () => {
    expect(ok(task(), { maxRunTimeoutSeconds: 100 }).timeoutSeconds).toBe(100);
  });

  it('reads legacy stealth.humanCursor as cursorGlide and drops it', () => {
    const t = ok(task({ stealth: { humanCursor: true, allowTypos: 'true', future: 1 } }));
    expect(t.stealth).toMatchObject({ cursorGlide: true, allowTypos: true, future: 1 });
    expect(t.stealth).not.toHaveProperty('humanCursor');
    expect(ok(task({ stealth: { humanCursor: true, cursorGlide: false } })).stealth.cursorGlide).toBe(false);
  });

  it('fills missing action ids and converts numeric string fields', () => {
    const t = ok(withActions({ type: 'click', selector: 5 }, { id: 'a1', type: 'wait', value: 2 }, { id: '', type: 'reload' }, { id: 7, type: 'reload' }));
    expect(t.actions).toEqual([
      { id: 'act_gen1', type: 'click', selector: '5' },
      { id: 'a1', type: 'wait', value: '2' },
      { id: 'act_gen2', type: 'reload' },
      { id: '7', type: 'reload' },
    ]);
  });

  it('keeps alias types as given', () => {
    const t = ok(withActions({ type: 'goto', value: 'https://a.example' }, { type: 'fill', selector: '#q', value: 'x' }, { type: 'noop' }, { type: 'pass' }));
    expect(t.actions.map((a) => a.type)).toEqual(['goto', 'fill', 'noop', 'pass']);
  });

  it('normalises common action fields and keeps unknown action keys', () => {
    const t = ok(one({ type: 'click', selector: '#a', disabled: 'true', continueOnError: '0', timeout: '5000', uiColor: { r: 1 } }));
    expect(t.actions[0]).toEqual({ id: 'act_gen1', type: 'click', selector: '#a', disabled: true, continueOnError: false, timeout: 5000, uiColor: { r: 1 } });
  });

  it('normalises output: default provider and onError, numeric tableId to string', () => {
    expect(ok(task({ output: { credentialId: 'cred_ok', tableId: 42, databaseId: 7, note: 'x' } })).output).toEqual({
      provider: 'baserow',
      credentialId: 'cred_ok',
      tableId: '42',
      onError: 'fail',
      databaseId: 7,
      note: 'x',
    });
  });

  it('uppercases http_request method', () => {
    expect(ok(one({ type: 'http_request', value: 'https://api.example', method: 'post' })).actions[0].method).toBe('POST');
  });
});

describe('validateTask: top-level field rules', () => {
  it.each<[string, Json, string[]]>([
    ['name missing', { name: undefined }, ['name']],
    ['name blank', { name: '   ' }, ['name']],
    ['name not a string', { name: 5 }, ['name']],
    ['name over 200 chars', { name: 'n'.repeat(201) }, ['name']],
    ['id starting with a dot', { id: '.hidden' }, ['id']],
    ['id with a space', { id: 'a b' }, ['id']],
    ['id over 128 chars', { id: 'a'.repeat(129) }, ['id']],
    ['id not a string', { id: 123 }, ['id']],
    ['description over 2000 chars', { description: 'd'.repeat(2001) }, ['description']],
    ['description not a string', { description: 1 }, ['description']],
    ['url not http(s)', { url: 'ftp://files.example' }, ['url']],
    ['url relative', { url: '/path' }, ['url']],
    ['url garbage', { url: 'not a url' }, ['url']],
    ['url over 4096 chars', { url: `https://a.example/${'p'.repeat(4096)}` }, ['url']],
    ['url with a bad template host', { url: 'https://{$a} b/' }, ['url']],
    ['url required in scrape mode', { mode: 'scrape' }, ['url']],
    ['url not a string in scrape mode (one error)', { mode: 'scrape', url: 5 }, ['url']],
    ['mode unknown', { mode: 'robot' }, ['mode']],
    ['mode unknown and url invalid', { mode: 'robot', url: 'ftp://x' }, ['mode', 'url']],
    ['wait negative', { wait: -1 }, ['wait']],
    ['wait over 300', { wait: 301 }, ['wait']],
    ['wait not numeric', { wait: 'soon' }, ['wait']],
    ['selector over 2000 chars', { selector: 's'.repeat(2001) }, ['selector']],
    ['boolean "yes"', { rotateProxies: 'yes' }, ['rotateProxies']],
    ['boolean as number', { disableRecording: 1 }, ['disableRecording']],
    ['stealth not an object', { stealth: true }, ['stealth']],
    ['stealth flag not boolean', { stealth: { allowTypos: 'maybe' } }, ['stealth.allowTypos']],
    ['stealth legacy flag not boolean', { stealth: { humanCursor: 3 } }, ['stealth.humanCursor']],
    ['extractionFormat unknown', { extractionFormat: 'xml' }, ['extractionFormat']],
    ['timeoutSeconds 0', { timeoutSeconds: 0 }, ['timeoutSeconds']],
    ['timeoutSeconds over max', { timeoutSeconds: 3601 }, ['timeoutSeconds']],
    ['timeoutSeconds fractional', { timeoutSeconds: 1.5 }, ['timeoutSeconds']],
    ['last_opened negative', { last_opened: -1 }, ['last_opened']],
    ['last_opened fractional', { last_opened: 1.5 }, ['last_opened']],
    ['actions not an array', { actions: {} }, ['actions']],
    ['variables not an object', { variables: [] }, ['variables']],
    ['output not an object', { output: 'baserow' }, ['output']],
  ])('rejects %s', (_name, patch, expected) => {
    expect(fields(task(patch))).toEqual(expected);
  });

  it.each<[string, Json]>([
    ['name of 200 chars', { name: 'n'.repeat(200) }],
    ['id of 128 chars', { id: 'a'.repeat(128) }],
    ['empty url', { url: '' }],
    ['http url', { url: 'http://shop.example.com/search' }],
    ['url with a template in the query', { url: 'https://shop.example.com/search?q={$query}' }],
    ['url with a template as host', { url: 'https://{$host}/path' }],
    ['url starting with a template (not checked)', { url: '{$baseUrl}/search' }],
    ['scrape mode with url', { mode: 'scrape', url: 'https://a.example' }],
    ['headful without url', { mode: 'headful' }],
    ['wait 0 and 300', { wait: 300 }],
    ['timeoutSeconds at max', { timeoutSeconds: 3600 }],
    ['last_opened 0', { last_opened: 0 }],
    ['extractionFormat csv without output', { extractionFormat: 'csv' }],
  ])('accepts %s', (_name, patch) => {
    expect(() => ok(task(patch))).not.toThrow();
  });

  it('rejects a value that is not an object', () => {
    for (const input of [null, [], 'task', 5, undefined]) {
      expect(errs(input)).toEqual([{ field: 'task', message: 'must be a JSON object' }]);
    }
  });

  it('timeoutSeconds respects the configured maximum', () => {
    expect(fields(task({ timeoutSeconds: 200 }), { maxRunTimeoutSeconds: 100 })).toEqual(['timeoutSeconds']);
  });

  it('reports several problems together with exact paths', () => {
    const input = {
      url: 'ftp://x',
      wait: 'x',
      actions: [{ type: 'solve_captcha' }, { type: 'click', selector: '#a', timeout: 50 }, { type: 'end' }],
      variables: { now: 'x' },
      output: { tableId: 'abc', credentialId: 'cred_ok' },
    };
    expect(fields(input)).toEqual(['name', 'url', 'wait', 'actions[0].type', 'actions[1].timeout', 'actions[2]', 'variables.now', 'output.tableId']);
  });
});

describe('validateTask: extractionScript', () => {
  it.each([
    ['plain return', 'return document.title;'],
    ['top-level await', 'const r = await fetch(location.href); return r.status;'],
    ['template in code', 'return {$query};'],
    ['dotted template in code', 'return {$user.name};'],
    ['template in strings, template literals and regex', "const a = '{$q}'; const b = `x${1}{$q}`; return /{$q}/.test(a + b);"],
    ['template inside a comment', '// uses {$q}\nreturn 1;'],
    ['last expression style', 'document.title'],
    ['blank', '   \n  '],
  ])('accepts %s', (_name, script) => {
    expect(ok(task({ extractionScript: script })).extractionScript).toBe(script);
  });

  it.each([
    ['unbalanced brace', 'return {'],
    ['closing the function early', '}); (function () {'],
    ['await in a plain function', 'function f() { await g(); }'],
    ['template glued to an identifier', 'return foo{$x};'],
  ])('rejects %s', (_name, script) => {
    const e = errs(task({ extractionScript: script }));
    expect(e.map((x) => x.field)).toEqual(['extractionScript']);
    expect(e[0].message).toMatch(/syntax error/i);
  });

  it('rejects a script over 256 KiB', () => {
    expect(fields(task({ extractionScript: `//${'x'.repeat(256 * 1024)}` }))).toEqual(['extractionScript']);
  });

  it('reports a pathologically nested script instead of throwing', () => {
    const e = errs(task({ extractionScript: `return ${'('.repeat(100000)}1${')'.repeat(100000)};` }));
    expect(e.map((x) => x.field)).toEqual(['extractionScript']);
  });

  it('rejects a non-string script', () => {
    expect(fields(task({ extractionScript: ['return 1'] }))).toEqual(['extractionScript']);
  });
});

describe('validateTask: output', () => {
  const out = (o: Json) => task({ output: { credentialId: 'cred_ok', tableId: '12', ...o } });
  it.each<[string, Json, string[]]>([
    ['unknown provider', { provider: 'airtable' }, ['output.provider']],
    ['missing credentialId', { credentialId: undefined }, ['output.credentialId']],
    ['unknown credential', { credentialId: 'cred_missing' }, ['output.credentialId']],
    ['credentialId not a string', { credentialId: 5 }, ['output.credentialId']],
    ['missing tableId', { tableId: undefined }, ['output.tableId']],
    ['tableId with letters', { tableId: '12a' }, ['output.tableId']],
    ['tableId negative number', { tableId: -3 }, ['output.tableId']],
    ['tableId fractional', { tableId: 1.5 }, ['output.tableId']],
    ['onError unknown', { onError: 'retry' }, ['output.onError']],
    ['databaseId object', { databaseId: {} }, ['output.databaseId']],
  ])('rejects %s', (_name, patch, expected) => {
    expect(fields(out(patch))).toEqual(expected);
  });

  it('accepts onError ignore and a string databaseId', () => {
    expect(ok(out({ onError: 'ignore', databaseId: '9', provider: 'baserow' })).output).toMatchObject({ onError: 'ignore', databaseId: '9', tableId: '12' });
  });

  it('is not allowed with extractionFormat csv', () => {
    expect(fields(task({ extractionFormat: 'csv', output: { credentialId: 'cred_ok', tableId: '1' } }))).toEqual(['output']);
  });
});

describe('validateTask: actions — every type with its required fields', () => {
  // [type, a minimal valid action, invalid variants with the field expected to fail]
  const table: Array<[string, Json, Array<[Json, string]>]> = [
    ['navigate', { value: 'https://a.example' }, [[{}, 'value'], [{ value: '  ' }, 'value']]],
    ['goto', { value: '{$next}' }, [[{}, 'value']]],
    ['click', { selector: '#buy' }, [[{}, 'selector'], [{ selector: ' ' }, 'selector']]],
    ['type', { selector: '#q', value: ' ' }, [[{ selector: '#q' }, 'value'], [{ value: '' }, 'value']]],
    ['fill', { value: 'lamp' }, [[{}, 'value']]],
    ['hover', { selector: 'nav a' }, [[{}, 'selector']]],
    ['press', { key: 'Enter' }, [[{}, 'key'], [{ key: ' ', value: '' }, 'key']]],
    ['wait', {}, []],
    ['wait_selector', { selector: '.product', state: 'hidden' }, [[{ value: '3' }, 'selector']]],
    ['wait_downloads', {}, []],
    ['scroll', { value: 'bottom', duration: 300 }, []],
    ['screenshot', { label: 'final', fullPage: 'true' }, []],
    ['javascript', { value: 'return 1', varName: 'x' }, [[{ value: ' ' }, 'value']]],
    ['csv', { value: 'a,b\n1,2' }, []],
    ['merge', { value: 'a, b', varName: 'all' }, [[{}, 'value']]],
    ['set', { varName: 'user.name', value: 'Ann' }, [[{ value: 'x' }, 'varName']]],
    ['stop', {}, []],
    ['start', { value: 'task_child' }, [[{}, 'value']]],
    ['http_request', { value: 'https://api.example', method: 'GET', headers: { 'X-A': 'b' }, body: { a: 1 } }, [[{ method: 'POST' }, 'value']]],
    ['get_content', {}, []],
    ['select', { selector: 'select#c', value: 'red' }, [[{ selector: 'select#c' }, 'value'], [{ value: 'red' }, 'selector']]],
    ['check', { selector: '#agree' }, [[{}, 'selector']]],
    ['uncheck', { selector: '#agree' }, [[{}, 'selector']]],
    ['reload', {}, []],
    ['drag_and_drop', { selector: '#a', targetSelector: '#b' }, [[{ selector: '#a' }, 'targetSelector'], [{ targetSelector: '#b' }, 'selector']]],
    ['do_nothing', {}, []],
    ['noop', {}, []],
    ['pass', {}, []],
  ];

  it('covers every action type and alias', () => {
    const structural = ['if', 'else', 'end', 'while', 'repeat', 'foreach', 'on_error'];
    const covered = new Set([...table.map(([t]) => t), ...structural]);
    for (const t of [...ACTION_TYPES, ...Object.keys(ACTION_TYPE_ALIASES)]) expect(covered.has(t)).toBe(true);
  });

  describe.each(table)('%s', (type, valid, invalid) => {
    it('accepts a minimal valid action', () => {
      const t = ok(one({ type, ...valid }));
      expect(t.actions[0].type).toBe(type);
    });
    if (invalid.length > 0) {
      it.each(invalid)('rejects %j', (variant, field) => {
        expect(fields(one({ type, ...variant }))).toEqual([`actions[0].${field}`]);
      });
    }
  });

  it.each([
    ['if / else / end', [{ type: 'if', value: 'true' }, { type: 'else' }, { type: 'end' }]],
    ['while', [{ type: 'while', value: 'exists(".more")', maxIterations: 5 }, { type: 'end' }]],
    ['repeat', [{ type: 'repeat', value: '3' }, { type: 'end' }]],
    ['foreach', [{ type: 'foreach', selector: '.item' }, { type: 'click' }, { type: 'end' }]],
    ['on_error', [{ type: 'on_error' }, { type: 'screenshot' }, { type: 'end' }]],
  ])('accepts the structural type %s', (_name, actions) => {
    expect(ok(withActions(...actions)).actions).toHaveLength(actions.length);
  });

  it('canonicalType resolves aliases and rejects unknown types', () => {
    expect(canonicalType('goto')).toBe('navigate');
    expect(canonicalType('fill')).toBe('type');
    expect(canonicalType('noop')).toBe('do_nothing');
    expect(canonicalType('pass')).toBe('do_nothing');
    expect(canonicalType('click')).toBe('click');
    expect(canonicalType('constructor')).toBeNull();
    expect(canonicalType('solve_captcha')).toBeNull();
  });
});

describe('validateTask: action rules', () => {
  it.each([['solve_captcha'], ['wait_captcha'], ['upload'], ['finalize_uploads'], ['bogus'], ['Click'], ['toString']])('rejects type %s', (type) => {
    expect(fields(one({ type }))).toEqual(['actions[0].type']);
  });

  it('names unsupported upstream types as such', () => {
    expect(errs(one({ type: 'upload' }))[0].message).toContain('not supported');
  });

  it.each<[string, unknown[], string[]]>([
    ['missing type', [{ selector: '#a' }], ['actions[0].type']],
    ['type not a string', [{ type: 3 }], ['actions[0].type']],
    ['action not an object', ['click'], ['actions[0]']],
    ['null action', [null], ['actions[0]']],
    ['id over 128 chars', [{ type: 'reload', id: 'a'.repeat(129) }], ['actions[0].id']],
    ['duplicate ids', [{ type: 'reload', id: 'x' }, { type: 'reload', id: 'x' }], ['actions[1].id']],
    ['id object', [{ type: 'reload', id: {} }], ['actions[0].id']],
    ['disabled "yes"', [{ type: 'reload', disabled: 'yes' }], ['actions[0].disabled']],
    ['continueOnError number', [{ type: 'reload', continueOnError: 2 }], ['actions[0].continueOnError']],
    ['timeout below 100', [{ type: 'reload', timeout: 99 }], ['actions[0].timeout']],
    ['timeout above 600000', [{ type: 'reload', timeout: 600001 }], ['actions[0].timeout']],
    ['timeout fractional', [{ type: 'reload', timeout: 1000.5 }], ['actions[0].timeout']],
    ['string field object', [{ type: 'wait', value: {} }], ['actions[0].value']],
    ['string field boolean', [{ type: 'click', selector: true }], ['actions[0].selector']],
    ['value over 256 KiB', [{ type: 'javascript', value: `//${'x'.repeat(256 * 1024)}` }], ['actions[0].value']],
    ['secret not boolean', [{ type: 'type', value: 'x', secret: 'sure' }], ['actions[0].secret']],
    ['fullPage not boolean', [{ type: 'screenshot', fullPage: 'full' }], ['actions[0].fullPage']],
    ['maxIterations 0', [{ type: 'while', maxIterations: 0 }, { type: 'end' }], ['actions[0].maxIterations']],
    ['maxIterations fractional', [{ type: 'while', maxIterations: 1.5 }, { type: 'end' }], ['actions[0].maxIterations']],
    ['duration negative', [{ type: 'scroll', duration: -1 }], ['actions[0].duration']],
    ['clickType unknown', [{ type: 'click', selector: '#a', clickType: 'triple' }], ['actions[0].clickType']],
    ['typeMode unknown', [{ type: 'type', value: 'x', typeMode: 'prepend' }], ['actions[0].typeMode']],
    ['state unknown', [{ type: 'wait_selector', selector: '#a', state: 'gone' }], ['actions[0].state']],
    ['method unknown', [{ type: 'http_request', value: 'https://a.example', method: 'FETCH' }], ['actions[0].method']],
    ['headers array', [{ type: 'http_request', value: 'https://a.example', headers: ['a'] }], ['actions[0].headers']],
    ['headers invalid JSON string', [{ type: 'http_request', value: 'https://a.example', headers: '{"a":' }], ['actions[0].headers']],
    ['headers JSON string of an array', [{ type: 'http_request', value: 'https://a.example', headers: '[1]' }], ['actions[0].headers']],
    ['header value object', [{ type: 'http_request', value: 'https://a.example', headers: { 'X-A': { b: 1 } } }], ['actions[0].headers']],
    ['header name with a space', [{ type: 'http_request', value: 'https://a.example', headers: { 'X A': 'b' } }], ['actions[0].headers']],
    ['body boolean', [{ type: 'http_request', value: 'https://a.example', body: true }], ['actions[0].body']],
    ['stop literal "done"', [{ type: 'stop', value: 'done' }], ['actions[0].value']],
    ['repeat count above 100000', [{ type: 'repeat', value: '100001' }, { type: 'end' }], ['actions[0].value']],
    ['repeat count negative', [{ type: 'repeat', value: '-1' }, { type: 'end' }], ['actions[0].value']],
    ['repeat count not a number', [{ type: 'repeat', value: 'many' }, { type: 'end' }], ['actions[0].value']],
    ['set targeting loop', [{ type: 'set', varName: 'loop', value: '1' }], ['actions[0].varName']],
    ['set targeting block.output', [{ type: 'set', varName: 'block.output', value: '1' }], ['actions[0].varName']],
    ['set targeting {$error}', [{ type: 'set', varName: '{$error}', value: '1' }], ['actions[0].varName']],
    ['set with an empty path segment', [{ type: 'set', varName: 'a..b', value: '1' }], ['actions[0].varName']],
    ['javascript varName now', [{ type: 'javascript', value: 'return 1', varName: 'now' }], ['actions[0].varName']],
    ['get_content varName html', [{ type: 'get_content', varName: 'html' }], ['actions[0].varName']],
    ['http_request varName error.message', [{ type: 'http_request', value: 'https://a.example', varName: 'error.message' }], ['actions[0].varName']],
    ['click without selector outside foreach', [{ type: 'click' }], ['actions[0].selector']],
    ['hover without selector after a foreach', [{ type: 'foreach', selector: '.i' }, { type: 'end' }, { type: 'hover' }], ['actions[2].selector']],
    ['too many actions', Array.from({ length: 2001 }, () => ({ type: 'reload' })), ['actions']],
  ])('rejects %s', (_name, actions, expected) => {
    expect(fields(withActions(...actions))).toEqual(expected);
  });

  it.each<[string, unknown[]]>([
    ['timeout 100 and 600000', [{ type: 'reload', timeout: 100 }, { type: 'reload', timeout: '600000' }]],
    ['id of 128 chars', [{ type: 'reload', id: 'a'.repeat(128) }]],
    ['empty enum values (defaults)', [{ type: 'click', selector: '#a', clickType: '' }, { type: 'type', value: 'x', typeMode: '' }, { type: 'http_request', value: 'https://a.example', method: '' }]],
    ['enum values', [{ type: 'click', selector: '#a', clickType: 'right' }, { type: 'type', value: 'x', typeMode: 'append' }, { type: 'wait_selector', selector: '#a', state: 'detached' }]],
    ['headers as a JSON string with templates', [{ type: 'http_request', value: 'https://a.example', headers: '{"Authorization":"Bearer {$token}"}' }]],
    ['empty headers string', [{ type: 'http_request', value: 'https://a.example', headers: '' }]],
    ['string and array bodies', [{ type: 'http_request', value: 'https://a.example', body: 'x={$q}' }, { type: 'http_request', value: 'https://a.example', body: [1, 2] }]],
    ['stop values', ['success', 'error', 'failure', '', ' success ', '{$outcome}'].map((value) => ({ type: 'stop', value }))],
    ['repeat counts', ['0', '100000', '5.9', '', '{$n}'].flatMap((value) => [{ type: 'repeat', value }, { type: 'end' }])],
    ['set targeting ordinary names', [{ type: 'set', varName: 'nowish', value: '1' }, { type: 'set', varName: '{$user.name}', value: 'x' }, { type: 'set', varName: 'x_{$i}', value: '1' }]],
    ['foreach reading a reserved name', [{ type: 'foreach', varName: 'loop' }, { type: 'end' }]],
    ['click/hover without selector inside a nested foreach block', [{ type: 'foreach', value: '[1,2]' }, { type: 'if', value: 'true' }, { type: 'click' }, { type: 'end' }, { type: 'hover', selector: '' }, { type: 'end' }]],
    ['a disabled action with continueOnError', [{ type: 'reload', disabled: true, continueOnError: 'true' }]],
    ['null and empty optional fields', [{ type: 'reload', timeout: null, disabled: '', selector: null }]],
    ['2000 actions', Array.from({ length: 2000 }, () => ({ type: 'reload' }))],
  ])('accepts %s', (_name, actions) => {
    expect(() => ok(withActions(...actions))).not.toThrow();
  });

  it('reports block-structure errors on the action', () => {
    expect(errs(withActions({ type: 'if' }, { type: 'click', selector: '#a' }))).toEqual([
      { field: 'actions[0]', message: expect.stringContaining('never closed') },
    ]);
    expect(fields(withActions({ type: 'end' }, { type: 'else' }))).toEqual(['actions[0]', 'actions[1]']);
  });

  it('checks structure over disabled actions too', () => {
    expect(fields(withActions({ type: 'while', disabled: true }))).toEqual(['actions[0]']);
  });
});

describe('validateTask: conditions (RUNNER §6.1)', () => {
  const cond = (c: Json) => withActions({ type: 'if', ...c }, { type: 'end' });
  it.each<[string | undefined, string]>([
    [undefined, 'equals'],
    ['string', 'contains'],
    ['string', 'matches'],
    ['string', 'exists'],
    ['number', 'gte'],
    ['number', 'not_exists'],
    ['boolean', 'is_true'],
    ['boolean', 'exists'],
    ['selector', 'exists'],
    ['selector', 'not_exists'],
    ['', ''],
  ])('accepts %s / %s', (conditionVarType, conditionOp) => {
    expect(() => ok(cond({ conditionVarType, conditionOp, conditionVar: '{$x}', conditionValue: '1' }))).not.toThrow();
  });

  it.each<[string | undefined, string]>([
    [undefined, 'gt'],
    ['string', 'is_true'],
    ['number', 'contains'],
    ['boolean', 'equals'],
    ['selector', 'equals'],
    ['string', 'toString'],
  ])('rejects %s / %s', (conditionVarType, conditionOp) => {
    expect(fields(cond({ conditionVarType, conditionOp }))).toEqual(['actions[0].conditionOp']);
  });

  it('rejects an unknown conditionVarType', () => {
    expect(fields(cond({ conditionVarType: 'date', conditionOp: 'equals' }))).toEqual(['actions[0].conditionVarType']);
  });

  it('checks while conditions too', () => {
    expect(fields(withActions({ type: 'while', conditionVarType: 'number', conditionOp: 'matches' }, { type: 'end' }))).toEqual(['actions[0].conditionOp']);
  });

  it('limits a literal matches pattern to 1000 characters', () => {
    expect(fields(cond({ conditionOp: 'matches', conditionValue: 'a'.repeat(1001) }))).toEqual(['actions[0].conditionValue']);
    expect(() => ok(cond({ conditionOp: 'matches', conditionValue: 'a'.repeat(1000) }))).not.toThrow();
  });
});

describe('validateTask: variables (RUNNER §2.2)', () => {
  const vars = (variables: unknown) => task({ variables });

  it('normalises bare entries with inferred types', () => {
    expect(ok(vars({ q: 'lamp', n: 3, b: false, list: ['a'], obj: { k: 1 }, nothing: null })).variables).toEqual({
      q: { type: 'string', value: 'lamp' },
      n: { type: 'number', value: 3 },
      b: { type: 'boolean', value: false },
      list: { type: 'json', value: ['a'] },
      obj: { type: 'json', value: { k: 1 } },
      nothing: { type: 'json', value: null },
    });
  });

  it('coerces values to the declared type and keeps other keys', () => {
    expect(
      ok(
        vars({
          pages: { type: 'number', value: '5' },
          flag: { type: 'boolean', value: '1' },
          off: { type: 'boolean', value: 'false' },
          text: { type: 'string', value: 12 },
          pw: { type: 'string', value: 's3cret', secret: 'true', autoCreated: true },
          inferred: { value: 2 },
          'user.name': { type: 'string', value: 'Ann' },
        }),
      ).variables,
    ).toEqual({
      pages: { type: 'number', value: 5 },
      flag: { type: 'boolean', value: true },
      off: { type: 'boolean', value: false },
      text: { type: 'string', value: '12' },
      pw: { type: 'string', value: 's3cret', secret: true, autoCreated: true },
      inferred: { type: 'number', value: 2 },
      'user.name': { type: 'string', value: 'Ann' },
    });
  });

  it.each<[string, Json, string[]]>([
    ['name starting with a digit', { '1abc': 'x' }, ['variables.1abc']],
    ['name with a hyphen', { 'a-b': 'x' }, ['variables.a-b']],
    ['name with an empty segment', { 'a..b': 'x' }, ['variables.a..b']],
    ['name over 64 chars', { ['v'.repeat(65)]: 'x' }, [`variables.${'v'.repeat(65)}`]],
    ['reserved now', { now: 'x' }, ['variables.now']],
    ['reserved html', { html: 'x' }, ['variables.html']],
    ['reserved first segment loop.index', { 'loop.index': 1 }, ['variables.loop.index']],
    ['reserved block', { block: 1 }, ['variables.block']],
    ['reserved error', { error: 1 }, ['variables.error']],
    ['unknown type', { d: { type: 'date', value: 'x' } }, ['variables.d.type']],
    ['number that is not numeric', { n: { type: 'number', value: 'many' } }, ['variables.n.value']],
    ['number missing its value', { n: { type: 'number' } }, ['variables.n.value']],
    ['boolean "yes"', { b: { type: 'boolean', value: 'yes' } }, ['variables.b.value']],
    ['string holding an object', { s: { type: 'string', value: { a: 1 } } }, ['variables.s.value']],
    ['secret not boolean', { s: { type: 'string', value: 'x', secret: 'nah' } }, ['variables.s.secret']],
  ])('rejects %s', (_name, variables, expected) => {
    expect(fields(vars(variables))).toEqual(expected);
  });

  it('accepts names of 64 chars, dotted names and non-reserved look-alikes', () => {
    expect(Object.keys(ok(vars({ ['v'.repeat(64)]: 1, 'a.b_2': 1, nowish: 1, _x: 1 })).variables)).toHaveLength(4);
  });

  it('rejects more than 200 entries in one error', () => {
    const many = Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`v${i}`, i]));
    expect(fields(vars(many))).toEqual(['variables']);
    const max = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`v${i}`, i]));
    expect(Object.keys(ok(vars(max)).variables)).toHaveLength(200);
  });
});

describe('validateTask: secret masks (API §3)', () => {
  const stored = { pw: { type: 'string', value: 'real-secret', secret: true }, plain: { type: 'string', value: 'p' } };

  it('a secret variable sent with the mask keeps its stored value', () => {
    const t = ok(task({ variables: { pw: { type: 'string', value: SECRET_MASK, secret: true } } }), { storedVariables: stored });
    expect(t.variables.pw).toEqual({ type: 'string', value: 'real-secret', secret: true });
  });

  it('a bare mask for a stored secret keeps the value and stays secret', () => {
    const t = ok(task({ variables: { pw: SECRET_MASK } }), { storedVariables: stored });
    expect(t.variables.pw).toEqual({ type: 'string', value: 'real-secret', secret: true });
  });

  it('a mask with no stored value is an error', () => {
    expect(errs(task({ variables: { pw: { value: SECRET_MASK, secret: true } } }))).toEqual([
      { field: 'variables.pw.value', message: expect.stringContaining('no stored value') },
    ]);
    expect(fields(task({ variables: { other: { value: SECRET_MASK, secret: true } } }), { storedVariables: stored })).toEqual(['variables.other.value']);
  });

  it('un-marking a secret while sending the mask is an error', () => {
    expect(fields(task({ variables: { pw: { value: SECRET_MASK, secret: false } } }), { storedVariables: stored })).toEqual(['variables.pw.value']);
  });

  it('the mask text on a non-secret variable is an ordinary value', () => {
    expect(ok(task({ variables: { plain: SECRET_MASK } }), { storedVariables: stored }).variables.plain).toEqual({ type: 'string', value: SECRET_MASK });
  });

  it('the stored value must still fit the declared type', () => {
    expect(fields(task({ variables: { pw: { type: 'number', value: SECRET_MASK, secret: true } } }), { storedVariables: stored })).toEqual(['variables.pw.value']);
  });
});

describe('validateTask: ad-hoc mode (API §4.6)', () => {
  it('ignores id, defaults the name, forces the mode', () => {
    const t = ok({ id: 'ignored', mode: 'scrape', url: 'https://a.example' }, { adhocMode: 'agent' });
    expect(t).not.toHaveProperty('id');
    expect(t.name).toBe('Ad-hoc agent');
    expect(t.mode).toBe('agent');
    expect(ok({ url: 'https://a.example' }, { adhocMode: 'scrape' }).name).toBe('Ad-hoc scrape');
  });

  it('parses actions given as a JSON string', () => {
    expect(ok({ actions: '[{"type":"reload"}]' }, { adhocMode: 'agent' }).actions).toEqual([{ id: 'act_gen1', type: 'reload' }]);
    expect(fields({ actions: '[{"type":' }, { adhocMode: 'agent' })).toEqual(['actions']);
    expect(fields({ actions: '[{"type":"reload"}]' })).toEqual(['name', 'actions']);
  });

  it('scrape requires url', () => {
    expect(fields({}, { adhocMode: 'scrape' })).toEqual(['url']);
  });
});

describe('validateTask: whole task and hostile input', () => {
  it('rejects a task whose canonical JSON exceeds maxTaskBytes (field task)', () => {
    const e = errs(task({ description: 'd'.repeat(1500) }), { maxTaskBytes: 1024 });
    expect(e).toEqual([{ field: 'task', message: expect.stringContaining('1024') }]);
    expect(() => ok(task(), { maxTaskBytes: 1024 })).not.toThrow();
  });

  it('counts the size of an otherwise invalid task too', () => {
    expect(fields({ description: 'd'.repeat(1500) }, { maxTaskBytes: 1024 })).toEqual(['name', 'task']);
  });

  function nested(depth: number): unknown {
    let v: unknown = 1;
    for (let i = 0; i < depth; i++) v = { a: [v] };
    return v;
  }

  it('reports deep nesting without throwing', () => {
    expect(fields(task({ deep: nested(100000) }))).toEqual(['deep', 'task']);
    expect(fields(task({ variables: { x: { type: 'json', value: nested(200) } } }))).toEqual(['variables.x.value']);
    expect(fields(one({ type: 'reload', extra: nested(200) }))).toEqual(['actions[0].extra']);
    expect(ok(task({ variables: { x: nested(40) } })).variables.x.type).toBe('json');
  });

  it('prototype keys cannot pollute prototypes', () => {
    const input = JSON.parse(
      '{"name":"T","__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}},' +
        '"variables":{"__proto__":{"type":"string","value":"x"},"constructor":"y","toString":{"value":"z","__proto__":{"polluted":3}}},' +
        '"stealth":{"__proto__":{"polluted":4}},"actions":[{"type":"reload","__proto__":{"polluted":5}}]}',
    ) as Json;
    const t = ok(input);
    expect(({} as Json).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(t)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(t.variables)).toBe(Object.prototype);
    expect(Object.keys(t.variables)).toEqual(['__proto__', 'constructor', 'toString']);
    expect(Object.getOwnPropertyDescriptor(t.variables, '__proto__')?.value).toEqual({ type: 'string', value: 'x' });
    expect(t.variables.constructor).toEqual({ type: 'string', value: 'y' });
    expect(Object.getOwnPropertyDescriptor(t, '__proto__')?.value).toEqual({ polluted: 1 });
    expect(Object.getOwnPropertyDescriptor(t.actions[0], '__proto__')?.value).toEqual({ polluted: 5 });
    expect((t.actions[0] as Json).polluted).toBeUndefined();
    expect(JSON.parse(JSON.stringify(t)).variables.__proto__).toEqual({ type: 'string', value: 'x' });
  });

  it('huge arrays and maps give one error quickly', () => {
    const started = Date.now();
    expect(fields(task({ actions: new Array(1_000_000).fill({ type: 'bogus' }) }))).toEqual(['actions', 'task']);
    const vars: Json = {};
    for (let i = 0; i < 100000; i++) vars[`v${i}`] = { type: 'date' };
    expect(fields(task({ variables: vars }))).toEqual(['variables']);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('caps the number of listed errors', () => {
    const actions = Array.from({ length: 2000 }, () => ({ type: 'bogus' }));
    const e = errs(task({ actions }));
    expect(e).toHaveLength(201);
    expect(e[200]).toEqual({ field: 'task', message: '1800 more problems not listed' });
  });

  it('never throws, even on objects that throw when read', () => {
    const hostile = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('boom');
        },
      },
    );
    expect(() => validateTask(hostile, makeCtx())).not.toThrow();
    expect(() => validateTask(task({ variables: hostile }), makeCtx())).not.toThrow();
    const r = validateTask(task({ extra: new Date() }), makeCtx());
    expect('errors' in r && r.errors.map((e) => e.field)).toEqual(['extra']);
  });
});
