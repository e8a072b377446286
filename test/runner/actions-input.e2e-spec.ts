import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runActions, startHarness, type Harness, type RunOptions } from './support/interpreter-harness.js';

/** Runs the actions, then reads `expr` in the page. */
async function runAndRead(h: Harness, options: RunOptions, expr: string) {
  const out = await runActions(h, { ...options, keepOpen: true });
  const value = await out.page.evaluate(expr);
  await out.context.close();
  return { out, value };
}

const text = (id: string) => `document.getElementById(${JSON.stringify(id)}).textContent`;

describe('input actions on the fixture site (RUNNER §7)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  describe('click', () => {
    it('single, double and right clicks reach the element; result true', async () => {
      const { out, value } = await runAndRead(
        h,
        {
          startPath: '/clicks.html',
          actions: [
            { type: 'click', selector: '#click-target' },
            { type: 'click', selector: '#click-target', clickType: 'single' },
            { type: 'click', selector: '#dbl-target', clickType: 'double' },
            { type: 'click', selector: '#ctx-target', clickType: 'right' },
          ],
        },
        `[${text('click-count')}, ${text('dbl-result')}, ${text('ctx-result')}]`,
      );
      expect(out.result.end).toBe('completed');
      expect(out.result.state.output).toBe(true);
      expect(value).toEqual(['2', 'double', 'right']);
    });

    it('an x,y selector clicks that viewport point', async () => {
      const { value } = await runAndRead(h, { startPath: '/clicks.html', actions: [{ type: 'click', selector: '350,350' }] }, `[${text('point-hits')}, ${text('last-click')}]`);
      expect(value).toEqual(['1', '350,350,point-target']);
    });

    it('waits for an element to become enabled; a missing element fails with SELECTOR_NOT_FOUND', async () => {
      const { out, value } = await runAndRead(h, { startPath: '/delayed.html?delay=500', actions: [{ type: 'click', selector: '#late-button' }] }, text('late-clicked'));
      expect(out.result.end).toBe('completed');
      expect(value).toBe('clicked');
      const missing = await runActions(h, { startPath: '/clicks.html', actions: [{ type: 'click', selector: '#missing', timeout: 300 }] });
      expect(missing.result).toMatchObject({ end: 'failed', errorCode: 'SELECTOR_NOT_FOUND' });
      const disabled = await runActions(h, { startPath: '/delayed.html?delay=5000', actions: [{ type: 'click', selector: '#late-button', timeout: 400 }] });
      expect(disabled.result.errorCode).toBe('SELECTOR_NOT_FOUND');
      expect(disabled.result.error).toMatch(/did not become enabled/);
    });

    it('accepts xpath= and text= selectors', async () => {
      const { value } = await runAndRead(
        h,
        { startPath: '/clicks.html', actions: [{ type: 'click', selector: 'xpath=//button[@id="click-target"]' }, { type: 'click', selector: 'text=Click me' }, { type: 'click', selector: '//button[@id="click-target"]' }] },
        text('click-count'),
      );
      expect(value).toBe('3');
    });

    it('randomizeClicks hits a point inside the inner box of the element', async () => {
      const { value } = await runAndRead(h, { startPath: '/clicks.html', stealth: { randomizeClicks: true }, actions: [{ type: 'click', selector: '#point-target' }] }, text('last-click'));
      const [x, y, id] = String(value).split(',');
      expect(id).toBe('point-target');
      expect(Number(x)).toBeGreaterThanOrEqual(319);
      expect(Number(x)).toBeLessThanOrEqual(381);
      expect(Number(y)).toBeGreaterThanOrEqual(319);
      expect(Number(y)).toBeLessThanOrEqual(381);
    });
  });

  describe('type / fill', () => {
    it('replace clears the field, append keeps it, an empty selector types into the focused element', async () => {
      const { out, value } = await runAndRead(
        h,
        {
          startPath: '/form.html',
          actions: [
            { type: 'type', value: 'Focused' },
            { type: 'type', selector: '#prefilled', value: 'World' },
            { type: 'fill', selector: '#email', value: 'a@b.c' },
            { type: 'type', selector: '#email', value: 'x', typeMode: 'append' },
            { type: 'type', selector: '#message', value: 'line1\nline2' },
          ],
        },
        `['name', 'prefilled', 'email', 'message'].map((id) => document.getElementById(id).value)`,
      );
      expect(value).toEqual(['Focused', 'World', 'a@b.cx', 'line1\nline2']);
      expect(out.actionEvents('a1').at(-1)?.message).toBe('Typed 5 characters into #prefilled');
      expect(out.result.state.output).toBe('line1\nline2');
    });

    it('password fields and secret: true give a null result; the text never appears in events', async () => {
      const { out, value } = await runAndRead(
        h,
        {
          startPath: '/form.html',
          inputs: { pw: 'Sup3rSecretPw' },
          actions: [
            { type: 'type', selector: '#password', value: '{$pw}', varName: 'nope' },
            { type: 'javascript', varName: 'afterPassword', value: 'return vars.block.output' },
            { type: 'type', selector: '#name', value: 'TypedSecretText', secret: true },
            { type: 'javascript', value: 'console.log("leak:", document.querySelector("#name").value, document.querySelector("#password").value)' },
          ],
        },
        'password.value + "|" + document.getElementById("name").value',
      );
      expect(value).toBe('Sup3rSecretPw|TypedSecretText');
      expect(out.result.state.vars.afterPassword).toBeNull();
      expect(out.result.state.output).toBeNull();
      const all = JSON.stringify(out.events);
      expect(all).not.toContain('Sup3rSecretPw');
      expect(all).not.toContain('TypedSecretText');
      expect(out.logs()).toContain('leak: •••••••• ••••••••');
      expect(out.logs()).toContain('Typed 15 characters into #name');
    });

    it('humanTyping with naturalTyping and allowTypos still produces exactly the text', async () => {
      const phrase = 'The quick brown fox, jumps.';
      const { value } = await runAndRead(
        h,
        { startPath: '/form.html', task: { humanTyping: true }, stealth: { naturalTyping: true, allowTypos: true }, actions: [{ type: 'type', selector: '#message', value: phrase }] },
        'message.value',
      );
      expect(value).toBe(phrase);
    });

    it('an x,y point is clicked first, then typed into', async () => {
      const page = await (await h.browser.newContext()).newPage();
      await page.setContent('<input id="i" style="position:fixed;left:100px;top:100px;width:200px;height:30px">');
      const out = await runActions(h, { page, actions: [{ type: 'type', selector: '150,115', value: 'at point' }] });
      expect(out.result.end).toBe('completed');
      expect(await page.evaluate('i.value')).toBe('at point');
      await page.context().close();
    });
  });

  it('hover moves the pointer onto the element', async () => {
    const { out, value } = await runAndRead(h, { startPath: '/hover.html', actions: [{ type: 'hover', selector: '#hover-target' }] }, `[${text('hover-state')}, ${text('hover-count')}]`);
    expect(out.result.state.output).toBe(true);
    expect(value).toEqual(['hovered', '1']);
    const missing = await runActions(h, { startPath: '/hover.html', actions: [{ type: 'hover', selector: '#nope', timeout: 200 }] });
    expect(missing.result.errorCode).toBe('SELECTOR_NOT_FOUND');
  });

  it('press sends keys (with a selector it focuses first); value is used when key is empty', async () => {
    const { out, value } = await runAndRead(
      h,
      {
        startPath: '/keys.html',
        actions: [
          { type: 'press', selector: '#key-input', key: 'a' },
          { type: 'press', key: 'Control+B' },
          { type: 'press', value: 'Enter' },
        ],
      },
      `Array.from(document.querySelectorAll('#key-log li')).map((li) => li.textContent + '@' + li.getAttribute('data-target'))`,
    );
    expect(value).toEqual(['a@key-input', 'Control+B@key-input', 'Enter@key-input']);
    expect(out.result.state.output).toBe('Enter');
    const bad = await runActions(h, { startPath: '/keys.html', actions: [{ type: 'press', key: 'NoSuchKey' }] });
    expect(bad.result.errorCode).toBe('ACTION_FAILED');
  });

  it('select chooses by value first, then by label; no such option → ACTION_FAILED', async () => {
    const { out, value } = await runAndRead(
      h,
      {
        startPath: '/form.html',
        actions: [
          { type: 'select', selector: '#country', value: 'Japan' },
          { type: 'select', selector: '#colour', value: 'red' },
        ],
      },
      '[country.value, colour.value]',
    );
    expect(value).toEqual(['jp', 'red']);
    expect(out.result.state.output).toBe('red');
    const none = await runActions(h, { startPath: '/form.html', actions: [{ type: 'select', selector: '#country', value: 'Mars' }] });
    expect(none.result).toMatchObject({ errorCode: 'ACTION_FAILED' });
    expect(none.result.error).toMatch(/no option with value or label 'Mars'/);
  });

  it('check / uncheck set the state (no-op when already there); a non-checkable element → ACTION_FAILED', async () => {
    const { value } = await runAndRead(
      h,
      {
        startPath: '/form.html',
        actions: [
          { type: 'check', selector: '#newsletter' },
          { type: 'check', selector: '#newsletter' },
          { type: 'uncheck', selector: '#terms' },
          { type: 'check', selector: '#plan-pro' },
        ],
      },
      '[newsletter.checked, terms.checked, document.getElementById("plan-pro").checked, document.getElementById("plan-free").checked]',
    );
    expect(value).toEqual([true, false, true, false]);
    const bad = await runActions(h, { startPath: '/form.html', actions: [{ type: 'check', selector: '#not-checkable' }] });
    expect(bad.result.errorCode).toBe('ACTION_FAILED');
  });

  it('drag_and_drop works for HTML5 drag and pointer-event drags (stepped, or glided with cursorGlide)', async () => {
    const { value } = await runAndRead(
      h,
      { startPath: '/dnd.html', actions: [{ type: 'drag_and_drop', selector: '#drag-source', targetSelector: '#drop-zone' }, { type: 'drag_and_drop', selector: '#pointer-source', targetSelector: '#pointer-target' }] },
      `[${text('drop-result')}, ${text('pointer-result')}, Number(${text('pointer-moves')})]`,
    );
    const [html5, pointer, moves] = value as [string, string, number];
    expect(html5).toBe('dropped:drag-source');
    expect(pointer).toBe('dropped');
    expect(moves).toBeGreaterThanOrEqual(10);
    const glided = await runAndRead(h, { startPath: '/dnd.html', stealth: { cursorGlide: true }, actions: [{ type: 'drag_and_drop', selector: '#pointer-source', targetSelector: '#pointer-target' }] }, `[${text('pointer-result')}, Number(${text('pointer-moves')})]`);
    expect(glided.value).toEqual(['dropped', expect.any(Number)]);
    expect((glided.value as [string, number])[1]).toBeGreaterThanOrEqual(25);
  });

  describe('scroll', () => {
    it('scrolls by pixels, to the bottom and back to the top; the result is the distance or top/bottom', async () => {
      const out = await runActions(h, {
        startPath: '/scroll.html',
        keepOpen: true,
        actions: [
          { type: 'scroll', value: '300', duration: 200, varName: 'x' },
          { type: 'javascript', varName: 'y1', value: 'return scrollY' },
          { type: 'scroll', value: '-100', key: '100' },
          { type: 'javascript', varName: 'y2', value: 'return scrollY' },
          { type: 'scroll', value: 'bottom' },
          { type: 'javascript', varName: 'y3', value: 'return [scrollY, document.documentElement.scrollHeight - innerHeight]' },
          { type: 'scroll', value: 'top', duration: 100 },
          { type: 'javascript', varName: 'y4', value: 'return scrollY' },
          { type: 'scroll', selector: '#inner', value: '500', duration: 100 },
          { type: 'javascript', varName: 'inner', value: 'return document.getElementById("inner").scrollTop' },
          { type: 'scroll' },
          { type: 'javascript', varName: 'random', value: 'return scrollY' },
        ],
      });
      const v = out.result.state.vars;
      expect(v.y1).toBe(300);
      expect(v.y2).toBe(200);
      const [bottom, max] = v.y3 as [number, number];
      expect(bottom).toBe(max);
      expect(v.y4).toBe(0);
      expect(v.inner).toBe(500);
      expect(v.random as number).toBeGreaterThanOrEqual(400);
      expect(v.random as number).toBeLessThanOrEqual(800);
      expect(out.actionEvents('a0').at(-1)?.message).toBe('Scrolled the page by 300 px');
      expect(out.actionEvents('a4').at(-1)?.message).toBe('Scrolled the page to the bottom');
      await out.context.close();
    });

    it('overscroll overshoots, then settles at the requested distance', async () => {
      const ctx = await h.browser.newContext();
      const page = await ctx.newPage();
      await page.goto(`${h.site.url}/scroll.html`);
      await page.evaluate('window.__maxY = 0; addEventListener("scroll", () => { window.__maxY = Math.max(window.__maxY, scrollY); })');
      const out = await runActions(h, { page, stealth: { overscroll: true }, actions: [{ type: 'scroll', value: '1000', duration: 300 }] });
      expect(out.result.state.output).toBe(1000);
      expect(await page.evaluate('scrollY')).toBe(1000);
      expect(await page.evaluate('window.__maxY')).toBeGreaterThanOrEqual(1040);
      await ctx.close();
    });
  });

  describe('waits', () => {
    /**
     * Runs in this process, so a stalled event loop (GC, a busy machine) delays the wait's timer
     * too: the upper bounds allow for the worst stall seen during the run, and nothing more.
     */
    async function withLoopStall<T>(work: () => Promise<T>): Promise<{ value: T; stallMs: number }> {
      const delay = monitorEventLoopDelay({ resolution: 10 });
      delay.enable();
      try {
        const value = await work();
        return { value, stallMs: delay.max / 1e6 };
      } finally {
        delay.disable();
      }
    }

    it('wait sleeps the given seconds (result = ms waited); idleMovements keep the full duration', async () => {
      const { value: out, stallMs } = await withLoopStall(() => runActions(h, { actions: [{ type: 'wait', value: '0.3' }] }));
      expect(out.result.state.output as number).toBeGreaterThanOrEqual(300);
      expect(out.result.state.output as number).toBeLessThan(450 + stallMs);
      const idleRun = await withLoopStall(() => runActions(h, { startPath: '/hover.html', stealth: { idleMovements: true }, actions: [{ type: 'wait', value: '1.2' }] }));
      const idle = idleRun.value;
      expect(idle.result.state.output as number).toBeGreaterThanOrEqual(1200);
      expect(idle.result.state.output as number).toBeLessThan(1500 + idleRun.stallMs);
    });

    it('wait_selector: visible/attached/hidden/detached; value seconds wins over timeout', async () => {
      const ok = await runActions(h, {
        startPath: '/delayed.html?delay=300',
        actions: [
          { type: 'wait_selector', selector: '#late', state: 'attached', value: '5' },
          { type: 'wait_selector', selector: '#reveal' },
        ],
      });
      expect(ok.result.end).toBe('completed');
      const gone = await runActions(h, {
        startPath: '/disappearing.html?delay=300',
        actions: [
          { type: 'wait_selector', selector: '#vanish', state: 'hidden', value: '5' },
          { type: 'wait_selector', selector: '#remove', state: 'detached', value: '5' },
        ],
      });
      expect(gone.result.end).toBe('completed');
      const notVisible = await runActions(h, { startPath: '/delayed.html?delay=5000', actions: [{ type: 'wait_selector', selector: '#late', value: '0.3', timeout: 60000 }] });
      expect(notVisible.result.errorCode).toBe('SELECTOR_NOT_FOUND');
      expect(notVisible.durationMs).toBeLessThan(3000);
      const stillThere = await runActions(h, { startPath: '/form.html', actions: [{ type: 'wait_selector', selector: '#name', state: 'hidden', timeout: 300 }] });
      expect(stillThere.result.errorCode).toBe('ACTION_TIMEOUT');
    });

    it('wait_downloads waits for a download in progress and returns the completed ones; too slow → ACTION_TIMEOUT', async () => {
      const done = await runActions(h, { startPath: '/download.html', actions: [{ type: 'click', selector: '#dl-report' }, { type: 'wait_downloads', value: '20' }] });
      expect(done.result.end).toBe('completed');
      expect(done.result.state.output).toEqual([expect.objectContaining({ name: 'report 2024.csv' })]);
      const none = await runActions(h, { startPath: '/download.html', actions: [{ type: 'wait_downloads', value: '0.3' }] });
      expect(none.result.state.output).toEqual([]);
      expect(none.logs()).toContain('No download started');
      const slow = await runActions(h, { startPath: '/download.html', actions: [{ type: 'click', selector: '#dl-slow' }, { type: 'wait_downloads', value: '0.5' }] });
      expect(slow.result.errorCode).toBe('ACTION_TIMEOUT');
    });
  });
});
