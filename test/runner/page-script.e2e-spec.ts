import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright';
import { runExtractionScript } from '../../src/runner/page-script/extraction.js';
import { runPageScript } from '../../src/runner/page-script/run-page-script.js';
import { RunError } from '../../src/runner/run-error.js';
import { prepareScript } from '../../src/runner/script/prepare-script.js';
import { createLookup } from '../../src/runner/templating/lookup.js';
import { runActions, startHarness, type Harness } from './support/interpreter-harness.js';

describe('page-script environment (RUNNER §7.1) in real Chromium', () => {
  let h: Harness;
  let page: Page;

  beforeAll(async () => {
    h = await startHarness();
    page = await h.browser.newPage();
  });
  afterAll(async () => {
    await h?.close();
  });

  const lookupOf = (vars: Record<string, unknown>) => createLookup({ vars });

  async function run(code: string, vars: Record<string, unknown> = {}, timeoutMs = 5000, signal = new AbortController().signal) {
    const script = prepareScript(code, lookupOf(vars));
    return runPageScript({ page, script, vars: { ...vars, block: { output: null } }, includeShadowDom: true, timeoutMs, signal });
  }

  async function runError(code: string, vars: Record<string, unknown> = {}, timeoutMs = 5000): Promise<RunError> {
    try {
      await run(code, vars, timeoutMs);
    } catch (error) {
      if (error instanceof RunError) return error;
      throw error;
    }
    throw new Error('expected a RunError');
  }

  it('returns the last expression, awaits promises, and binds vars/block/loop/helpers', async () => {
    await page.goto(`${h.site.url}/form.html`);
    const r = await run(`
      const a = await Promise.resolve(vars.n + 1);
      return { a, loopIsNull: loop === null, block: block.output, hasName: exists('#name'), missing: exists('#nope'),
         title: text('h1'), url: url(), dataUrl: $$data.url(), same: $$data.vars === vars };`, { n: 41 });
    expect(r.value).toEqual({ a: 42, loopIsNull: true, block: null, hasName: true, missing: false, title: 'Form fixture', url: `${h.site.url}/form.html`, dataUrl: `${h.site.url}/form.html`, same: true });
    expect(r.returnedUndefined).toBe(false);
  });

  it('encodes with JSON semantics: undefined → null (flagged), Date → ISO string', async () => {
    const u = await run('undefined');
    expect(u.value).toBeNull();
    expect(u.returnedUndefined).toBe(true);
    const d = await run('return { d: new Date(0), f: () => 1 }');
    expect(d.value).toEqual({ d: '1970-01-01T00:00:00.000Z' });
  });

  it('binds html only when mentioned, and $$data.html() is the cleaned HTML', async () => {
    await page.goto(`${h.site.url}/cleaned.html`);
    const r = await run('return { raw: html.includes("SCRIPT_MARKER"), cleaned: $$data.html().includes("SCRIPT_MARKER"), keep: $$data.html().includes("keep") }');
    expect(r.value).toEqual({ raw: true, cleaned: false, keep: true });
    // A direct eval sees the wrapper's bindings without the code mentioning the identifier.
    const notBound = await run('return eval("typeof ht" + "ml")');
    expect(notBound.value).toBe('undefined');
  });

  it('shadowQueryAll and shadowText see open shadow roots but not closed ones', async () => {
    await page.goto(`${h.site.url}/shadow.html`);
    const r = await run(`return {
      texts: $$data.shadowQueryAll('.shadow-text, .nested-text').map((e) => e.textContent.trim()),
      closed: $$data.shadowQueryAll('.closed-text').length,
      all: $$data.shadowText(),
    }`);
    const v = r.value as { texts: string[]; closed: number; all: string };
    expect(v.texts).toEqual(['Open shadow text', 'Nested shadow text']);
    expect(v.closed).toBe(0);
    expect(v.all).toContain('Open shadow text');
    expect(v.all).toContain('Nested shadow text');
  });

  it('user code may redeclare binding names and runs despite a strict page CSP', async () => {
    await page.setContent(`<html><head><meta http-equiv="Content-Security-Policy" content="script-src 'none'"></head><body><p id="x">csp</p></body></html>`);
    const r = await run('const vars = 5; let text = "mine"; return vars + text');
    expect(r.value).toBe('5mine');
  });

  it('captures console.log/info/warn/error of the call only, ≤ 100 lines of ≤ 2000 chars', async () => {
    await page.goto(`${h.site.url}/console.html`);
    const r = await run(`
      console.log('hello', 42, {a: 1}, [1, 2]);
      console.info('info line'); console.warn('warn line'); console.error('error line'); console.debug('not captured');
      await new Promise((r) => setTimeout(r, 10));
      console.log('x'.repeat(3000));
      for (let i = 0; i < 120; i++) console.log('line ' + i);
      return 1`);
    const lines = r.consoleLines;
    expect(lines.slice(0, 4)).toEqual([
      { level: 'info', text: 'hello 42 {a: 1} [1, 2]' },
      { level: 'info', text: 'info line' },
      { level: 'warn', text: 'warn line' },
      { level: 'error', text: 'error line' },
    ]);
    expect(lines[4].text).toHaveLength(2000);
    expect(lines).toHaveLength(100);
    expect(lines.some((l) => l.text.includes('fixture console log'))).toBe(false);
  });

  it('maps failures to SCRIPT_ERROR, RESULT_NOT_SERIALIZABLE and RESULT_TOO_LARGE', async () => {
    await page.goto(`${h.site.url}/form.html`);
    const thrown = await runError('throw new TypeError("boom")');
    expect(thrown.code).toBe('SCRIPT_ERROR');
    expect(thrown.message).toBe('TypeError: boom');
    expect((await runError('const a = {}; a.self = a; return a')).code).toBe('RESULT_NOT_SERIALIZABLE');
    expect((await runError('return 10n')).code).toBe('RESULT_NOT_SERIALIZABLE');
    const big = await runError('return "x".repeat(10 * 1024 * 1024 + 1)');
    expect(big.code).toBe('RESULT_TOO_LARGE');
    expect(() => prepareScript('return (', lookupOf({}))).toThrow(expect.objectContaining({ code: 'SCRIPT_ERROR' }) as unknown as Error);
  });

  it('terminates a busy loop after the time limit (SCRIPT_TIMEOUT) and the page keeps working', async () => {
    await page.goto(`${h.site.url}/busy.html`);
    const started = Date.now();
    const error = await runError('while (true) {}', {}, 500);
    expect(error.code).toBe('SCRIPT_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(3000);
    expect((await run('1 + 1')).value).toBe(2);
  });

  it('a never-settling promise also ends with SCRIPT_TIMEOUT', async () => {
    const error = await runError('await new Promise(() => {})', {}, 300);
    expect(error.code).toBe('SCRIPT_TIMEOUT');
  });

  it('stops awaiting at once when the run signal aborts', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(new Error('stop')), 100);
    await expect(run('await new Promise((r) => setTimeout(r, 5000)); return 1', {}, 10000, controller.signal)).rejects.toThrow('stop');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('adds nothing persistent to the page', async () => {
    await page.goto(`${h.site.url}/form.html`);
    const before = await page.evaluate(() => ({ keys: Object.getOwnPropertyNames(window).length, html: document.documentElement.outerHTML, log: console.log.toString() }));
    await run('console.log("x"); $$data.html(); $$data.shadowText(); return exists("#name")');
    const after = await page.evaluate(() => ({ keys: Object.getOwnPropertyNames(window).length, html: document.documentElement.outerHTML, log: console.log.toString() }));
    expect(after).toEqual(before);
  });

  describe('extraction script (RUNNER §10.3)', () => {
    const extract = (script: string, vars: Record<string, unknown> = {}) =>
      runExtractionScript({ page, script, lookup: lookupOf(vars), vars, includeShadowDom: true, signal: new AbortController().signal, timeoutMs: 2000 });

    it('returns data, or the console lines joined with \\n when it returns undefined', async () => {
      await page.goto(`${h.site.url}/form.html`);
      expect(await extract('return { title: document.title, q: {$q} }', { q: 'x"y' })).toEqual({ title: 'Form fixture', q: 'x"y' });
      expect(await extract('console.log("a"); console.log("b", 1)')).toBe('a\nb 1');
      expect(await extract('const x = 1;')).toBeNull();
    });

    it('fails with EXTRACTION_FAILED on errors, timeouts and unserialisable data', async () => {
      for (const script of ['throw new Error("x")', 'while(true){}', 'return 1n', 'return (']) {
        await expect(extract(script)).rejects.toMatchObject({ code: 'EXTRACTION_FAILED' });
      }
    });
  });

  describe('javascript action templating safety (RUNNER §4.5)', () => {
    it('a hostile variable value cannot change the meaning of the code', async () => {
      const hostile = `"'\`\${alert(1)}*/</script>\\"); window.__pwned = true; ("`;
      const out = await runActions(h, {
        startPath: '/form.html',
        inputs: { v: hostile },
        actions: [
          { type: 'javascript', varName: 'inCode', value: 'return {$v};' },
          { type: 'javascript', varName: 'inDouble', value: 'return "{$v}";' },
          { type: 'javascript', varName: 'inSingle', value: "return '{$v}';" },
          { type: 'javascript', varName: 'inTemplate', value: 'return `{$v}`;' },
          { type: 'javascript', varName: 'inComment', value: '/* {$v} */ return vars.v;' },
          { type: 'javascript', varName: 'pwned', value: 'return window.__pwned === true' },
        ],
        keepOpen: true,
      });
      expect(out.result.end).toBe('completed');
      const vars = out.result.state.vars;
      expect(vars.inCode).toBe(hostile);
      expect(vars.inDouble).toBe(hostile);
      expect(vars.inSingle).toBe(hostile);
      expect(vars.inTemplate).toBe(hostile);
      expect(vars.inComment).toBe(hostile);
      expect(vars.pwned).toBe(false);
      await out.context.close();
    });
  });
});
