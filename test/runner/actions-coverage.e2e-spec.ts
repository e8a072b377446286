// Gaps found by the runner audit (issue 4): effects and error codes not covered by the other
// action suites, templating safety of JS conditions and regex literals, the default step budget.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFixtureServer } from '../fixtures/fixture-server.js';
import { runActions, startHarness, type Harness } from './support/interpreter-harness.js';

// Quotes, backticks, `${`, `*/`, `</script>`, a slash, regex metacharacters, a backslash and a newline.
const HOSTILE = `"'\`\${globalThis.__pwned = 1}*/</script>/.*+?^$()[]{}|\\\n"); globalThis.__pwned = 2; ("`;

describe('runner audit: remaining action effects and codes (RUNNER §4.5, §5.3, §7)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('reload of a page whose server went away fails with NAVIGATION_FAILED; later actions do not run', async () => {
    const other = await startFixtureServer();
    const page = await (await h.browser.newContext()).newPage();
    await page.goto(`${other.url}/form.html`, { waitUntil: 'domcontentloaded' });
    await other.close();
    const out = await runActions(h, { page, actions: [{ type: 'reload', timeout: 5000 }, { type: 'set', varName: 'after', value: '1' }] });
    expect(out.result).toMatchObject({ end: 'failed', errorCode: 'NAVIGATION_FAILED' });
    expect(out.result.error).toMatch(/^reload action 'a0' \(#0\) failed: /);
    expect(out.result.state.vars.after).toBeUndefined();
    await page.context().close();
  });

  it('wait_selector returns true and the next action sees the element in the awaited state', async () => {
    const out = await runActions(h, {
      startPath: '/delayed.html?delay=400',
      actions: [
        { type: 'javascript', varName: 'before', value: 'return !!document.querySelector("#late")' },
        { type: 'wait_selector', selector: '#late', value: '5' },
        { type: 'set', varName: 'result', value: '{$block.output}' },
        { type: 'javascript', varName: 'visible', value: 'const el = document.querySelector("#late"); return !!el && el.getBoundingClientRect().height > 0' },
      ],
    });
    expect(out.result.end).toBe('completed');
    expect(out.result.state.vars).toMatchObject({ before: false, result: true, visible: true });
  });

  it('a hostile value cannot change JS conditions, regex literals or nested template expressions (§4.5)', async () => {
    const out = await runActions(h, {
      startPath: '/form.html',
      inputs: { v: HOSTILE },
      actions: [
        { type: 'if', value: '"{$v}" === vars.v && `{$v}` === vars.v && {$v} === vars.v' },
        { type: 'set', varName: 'conditionHeld', value: 'yes' },
        { type: 'end' },
        { type: 'javascript', varName: 'regex', value: 'return /^{$v}$/.test(vars.v) && !/^{$v}$/.test("x" + vars.v)' },
        { type: 'javascript', varName: 'nested', value: 'return `<${ "{$v}" }|${ {$v} }>` === "<" + vars.v + "|" + vars.v + ">"' },
        { type: 'javascript', varName: 'pwned', value: 'return globalThis.__pwned ?? null' },
      ],
    });
    expect(out.result.end).toBe('completed');
    expect(out.result.state.vars).toMatchObject({ conditionHeld: 'yes', regex: true, nested: true, pwned: null });
  });

  it('the default step budget is max(10000, 100 × actions): a runaway loop ends with STEP_BUDGET_EXCEEDED', async () => {
    const loop = [{ type: 'repeat', value: '100000' }, { type: 'do_nothing' }, { type: 'end' }];
    const small = await runActions(h, { actions: loop });
    expect(small.result).toMatchObject({ end: 'failed', errorCode: 'STEP_BUDGET_EXCEEDED', steps: 10_001 });
    const padding = Array.from({ length: 147 }, () => ({ type: 'do_nothing' }));
    const large = await runActions(h, { actions: [...loop, ...padding] });
    expect(large.result).toMatchObject({ end: 'failed', errorCode: 'STEP_BUDGET_EXCEEDED', steps: 15_001 });
    expect(large.result.error).toContain('15000');
  });
});
