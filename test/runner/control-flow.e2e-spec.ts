import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runActions, startHarness, type Harness } from './support/interpreter-harness.js';

// Appends `expr` (evaluated in the page) to vars.trace.
const trace = (expr: string) => ({ type: 'javascript', varName: 'trace', value: `return (vars.trace || []).concat([${expr}])` });

describe('interpreter control flow (RUNNER §5, §6, §8)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('nested loops push and restore `loop`; outside all loops it is undefined', async () => {
    const out = await runActions(h, {
      actions: [
        { type: 'repeat', value: '2' },
        trace('"outer:" + loop.index + "/" + loop.count'),
        { type: 'foreach', value: '["a","b"]' },
        trace('"inner:" + loop.index + ":" + loop.item + ":" + loop.text'),
        { type: 'end' },
        trace('"back:" + loop.index + ":" + loop.item'),
        { type: 'end' },
        trace('"after:" + (loop === null) + ":" + JSON.stringify(vars.loop === undefined)'),
      ],
    });
    expect(out.result.end).toBe('completed');
    expect(out.result.state.vars.trace).toEqual([
      'outer:0/2', 'inner:0:a:a', 'inner:1:b:b', 'back:0:0',
      'outer:1/2', 'inner:0:a:a', 'inner:1:b:b', 'back:1:1',
      'after:true:true',
    ]);
    expect(out.actionEvents('a4').map((e) => e.message).filter((m) => m.startsWith('Iteration'))).toEqual(['Iteration 2 of 2', 'Iteration 2 of 2']);
    expect(out.actionEvents('a6').filter((e) => e.status === 'success').map((e) => e.message)).toEqual(['Iteration 2 of 2', 'Loop finished after 2 iteration(s)']);
  });

  it('repeat sets loop and block.output per iteration; count 0 skips the body; > 100000 fails', async () => {
    const out = await runActions(h, {
      inputs: { n: '3.7' },
      actions: [
        { type: 'repeat', value: '{$n}' },
        trace('block.output'),
        { type: 'end' },
        { type: 'repeat', value: '-2' },
        trace('"never"'),
        { type: 'end' },
      ],
    });
    expect(out.result.state.vars.trace).toEqual([0, 1, 2]);
    expect(out.actionEvents('a0')[1].message).toBe('Iteration 1 of 3');
    const tooMany = await runActions(h, { actions: [{ type: 'repeat', value: '100001' }, { type: 'do_nothing' }, { type: 'end' }] });
    expect(tooMany.result).toMatchObject({ end: 'failed', errorCode: 'ACTION_FAILED' });
  });

  it('foreach over a selector: items collected once, click acts on the current element', async () => {
    const out = await runActions(h, {
      startPath: '/load-more.html?pages=4',
      actions: [
        { type: 'foreach', selector: '.item' },
        trace('loop.text + "|" + (typeof loop.html)'),
        { type: 'click' },
        { type: 'end' },
        { type: 'javascript', varName: 'count', value: 'return document.querySelectorAll(".item").length' },
      ],
    });
    expect(out.result.end).toBe('completed');
    const items = out.result.state.vars.trace as string[];
    expect(items).toHaveLength(3);
    expect(items.every((t) => t.endsWith('|string'))).toBe(true);
    expect(out.actionEvents('a2').filter((e) => e.status === 'success').map((e) => e.message)).toEqual([
      'Clicked the current loop element', 'Clicked the current loop element', 'Clicked the current loop element',
    ]);
  });

  it('foreach over a variable array, a JSON string, and a non-array (warning, no items)', async () => {
    const out = await runActions(h, {
      inputs: { list: [{ text: 'T', html: '<b>H</b>' }, 5], json: '[1,2]', scalar: 'nope' },
      actions: [
        { type: 'foreach', varName: 'list' },
        trace('[loop.text, loop.html, block.output]'),
        { type: 'end' },
        { type: 'foreach', value: '{$json}' },
        trace('loop.item'),
        { type: 'end' },
        { type: 'foreach', value: '{$scalar}' },
        trace('"never"'),
        { type: 'end' },
      ],
    });
    expect(out.result.state.vars.trace).toEqual([['T', '<b>H</b>', { text: 'T', html: '<b>H</b>' }], ['5', '', 5], 1, 2]);
    expect(out.logs().some((l) => l.includes('not an array'))).toBe(true);
  });

  it('if / else with structured and JS conditions; block.output holds the result', async () => {
    const out = await runActions(h, {
      startPath: '/form.html',
      inputs: { n: 5, name: 'Ada Lovelace' },
      actions: [
        { type: 'if', conditionVar: '{$n}', conditionVarType: 'number', conditionOp: 'gt', conditionValue: '3' },
        trace('"n>3:" + block.output'),
        { type: 'else' },
        trace('"n<=3"'),
        { type: 'end' },
        { type: 'if', value: 'exists("#nope")' },
        trace('"found"'),
        { type: 'else' },
        trace('"not found:" + block.output'),
        { type: 'end' },
        { type: 'if', conditionVar: 'name', conditionOp: 'matches', conditionValue: '/^ada/i' },
        trace('"matched"'),
        { type: 'end' },
        { type: 'if', selector: '#name', conditionOp: 'exists' },
        trace('"selector exists"'),
        { type: 'end' },
      ],
    });
    expect(out.result.state.vars.trace).toEqual(['n>3:true', 'not found:false', 'matched', 'selector exists']);
    expect(out.actionEvents('a0').at(-1)?.message).toBe('Condition is true');
    expect(out.actionEvents('a5').at(-1)?.message).toBe('Condition is false');
  });

  it('a condition that throws fails the run with CONDITION_FAILED; with continueOnError it counts as false', async () => {
    const failing = await runActions(h, { actions: [{ type: 'if', value: 'undefinedThing.x' }, trace('"body"'), { type: 'end' }] });
    expect(failing.result).toMatchObject({ end: 'failed', errorCode: 'CONDITION_FAILED', actionFailure: true });
    expect(failing.result.error).toMatch(/^if action 'a0' \(#0\) failed: /);
    const badRegex = await runActions(h, { inputs: { s: 'x' }, actions: [{ type: 'if', conditionVar: 's', conditionOp: 'matches', conditionValue: '(' }, { type: 'end' }] });
    expect(badRegex.result.errorCode).toBe('CONDITION_FAILED');
    const tolerated = await runActions(h, {
      actions: [
        { type: 'if', value: 'undefinedThing.x', continueOnError: true },
        trace('"body"'),
        { type: 'else' },
        trace('"else:" + block.output + ":" + vars.error.code'),
        { type: 'end' },
      ],
    });
    expect(tolerated.result.end).toBe('completed');
    expect(tolerated.result.state.vars.trace).toEqual(['else:null:CONDITION_FAILED']);
  });

  it('while: re-evaluated each time, capped by maxIterations, a structured value, or 1000 (warning, not a failure)', async () => {
    const counted = await runActions(h, {
      inputs: { i: 0 },
      actions: [
        { type: 'while', conditionVar: 'i', conditionVarType: 'number', conditionOp: 'lt', conditionValue: '3' },
        { type: 'javascript', varName: 'i', value: 'return vars.i + 1' },
        { type: 'end' },
      ],
    });
    expect(counted.result.state.vars.i).toBe(3);
    expect(counted.result.state.output).toBe(false);

    const capped = await runActions(h, { actions: [{ type: 'while', value: 'true', maxIterations: 3 }, trace('1'), { type: 'end' }] });
    expect(capped.result.end).toBe('completed');
    expect(capped.result.state.vars.trace).toEqual([1, 1, 1]);
    expect(capped.logs().some((l) => /stopped after 3 iterations/.test(l))).toBe(true);

    const byValue = await runActions(h, { inputs: { t: true }, actions: [{ type: 'while', conditionVar: 't', conditionVarType: 'boolean', conditionOp: 'is_true', value: '7' }, { type: 'set', varName: 'k', value: 'x' }, { type: 'end' }] });
    expect(byValue.actionEvents('a1').filter((e) => e.status === 'success')).toHaveLength(7);

    const byDefault = await runActions(h, { inputs: { t: true }, actions: [{ type: 'while', conditionVar: 't', conditionVarType: 'boolean', conditionOp: 'is_true' }, { type: 'do_nothing' }, { type: 'end' }] });
    expect(byDefault.result.end).toBe('completed');
    expect(byDefault.actionEvents('a1').filter((e) => e.status === 'success')).toHaveLength(1000);
    expect(byDefault.logs().some((l) => /stopped after 1000 iterations/.test(l))).toBe(true);
  });

  it('on_error: registers without running, covers later failures, unwinds loops, ends with the original error', async () => {
    const out = await runActions(h, {
      startPath: '/form.html',
      actions: [
        { type: 'on_error' },
        trace('"handler:" + vars.error.code + ":" + vars.error.actionId + ":" + (loop === null)'),
        { type: 'click', selector: '#also-missing', timeout: 200 },
        trace('"after failing cleanup"'),
        { type: 'end' },
        trace('"start"'),
        { type: 'repeat', value: '3' },
        { type: 'click', selector: '#missing', timeout: 300 },
        { type: 'end' },
        trace('"never"'),
      ],
    });
    expect(out.result).toMatchObject({ end: 'failed', errorCode: 'SELECTOR_NOT_FOUND', actionFailure: true });
    expect(out.result.error).toMatch(/^click action 'a7' \(#7\) failed: Element '#missing' was not visible within 300 ms$/);
    expect(out.result.state.vars.trace).toEqual(['start', 'handler:SELECTOR_NOT_FOUND:a7:true', 'after failing cleanup']);
    expect(out.actionEvents('a7').map((e) => e.status)).toEqual(['running', 'error']);
    expect(out.actionEvents('a1')[0].status).toBe('running');
    expect(out.actionEvents('a0').map((e) => e.message)).toContain('Error handler registered');
  });

  it('a stop inside the handler decides the outcome; without a failure the handler never runs', async () => {
    const stopped = await runActions(h, {
      actions: [{ type: 'on_error' }, { type: 'stop', value: 'success' }, { type: 'end' }, { type: 'javascript', value: 'throw new Error("boom")' }],
    });
    expect(stopped.result.end).toBe('stop_success');
    const untouched = await runActions(h, { actions: [{ type: 'on_error' }, trace('"handler"'), { type: 'end' }, trace('"main"')] });
    expect(untouched.result.end).toBe('completed');
    expect(untouched.result.state.vars.trace).toEqual(['main']);
  });

  it('continueOnError: warning, error event, block.output = null, {$error.message} usable', async () => {
    const out = await runActions(h, {
      startPath: '/form.html',
      actions: [
        { type: 'set', varName: 'before', value: 'x' },
        { type: 'click', selector: '#missing', timeout: 200, continueOnError: true },
        { type: 'set', varName: 'msg', value: 'caught: {$error.message} ({$error.code}, {$error.type} #{$error.actionIndex})' },
        { type: 'javascript', varName: 'out', value: 'return vars.block.output' },
      ],
    });
    expect(out.result.end).toBe('completed');
    expect(out.result.state.vars.msg).toBe("caught: Element '#missing' was not visible within 200 ms (SELECTOR_NOT_FOUND, click #1)");
    expect(out.actionEvents('a1').map((e) => e.status)).toEqual(['running', 'error']);
    expect(out.logs().some((l) => l.includes('continueOnError'))).toBe(true);
    const nulled = await runActions(h, { actions: [{ type: 'set', varName: 'a', value: '1' }, { type: 'javascript', value: 'throw 1', continueOnError: true }, trace('block.output')] });
    expect(nulled.result.state.vars.trace).toEqual([null]);
  });

  it('disabled actions are skipped; a disabled opener skips its whole block; disabled else/end stay structural', async () => {
    const out = await runActions(h, {
      actions: [
        { type: 'set', varName: 'x', value: '1' },
        { type: 'set', varName: 'y', value: '2', disabled: true },
        trace('block.output'),
        { type: 'if', value: 'true', disabled: true },
        trace('"if body"'),
        { type: 'else' },
        trace('"else body"'),
        { type: 'end' },
        { type: 'if', value: 'false' },
        trace('"no"'),
        { type: 'else', disabled: true },
        trace('"else ran"'),
        { type: 'end', disabled: true },
      ],
    });
    expect(out.result.end).toBe('completed');
    expect(out.result.state.vars.y).toBeUndefined();
    expect(out.result.state.vars.trace).toEqual([1, 'else ran']);
    expect(out.actionEvents('a1')).toEqual([expect.objectContaining({ status: 'skipped', durationMs: 0 })]);
    expect(out.actionEvents('a3')).toEqual([expect.objectContaining({ status: 'skipped' })]);
    expect(out.actionEvents('a4')).toEqual([]);
  });

  it('the step budget ends the run with STEP_BUDGET_EXCEEDED (no silent success)', async () => {
    const out = await runActions(h, { maxStepsPerRun: 50, actions: [{ type: 'while', value: 'true' }, { type: 'do_nothing' }, { type: 'end' }] });
    expect(out.result).toMatchObject({ end: 'failed', errorCode: 'STEP_BUDGET_EXCEEDED', steps: 51 });
  });

  it('stop success / error / legacy failure end interpretation', async () => {
    const ok = await runActions(h, { actions: [{ type: 'set', varName: 'a', value: '1' }, { type: 'stop' }, { type: 'set', varName: 'b', value: '2' }] });
    expect(ok.result.end).toBe('stop_success');
    expect(ok.result.data).toEqual({ a: 1 });
    const bad = await runActions(h, { actions: [{ type: 'stop', value: 'error' }] });
    expect(bad.result).toMatchObject({ end: 'stop_error', errorCode: 'STOP_ACTION' });
    const legacy = await runActions(h, { actions: [{ type: 'stop', value: 'failure' }] });
    expect(legacy.result.errorCode).toBe('STOP_ACTION');
  });

  it('an operator stop abandons a wait at once', async () => {
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 300);
    const out = await runActions(h, { stop: stop.signal, actions: [{ type: 'wait', value: '30' }, { type: 'set', varName: 'never', value: '1' }] });
    expect(out.result).toMatchObject({ end: 'aborted', abort: 'stopped', errorCode: 'STOPPED' });
    expect(out.durationMs).toBeLessThan(300 + 150);
    expect(out.result.state.vars.never).toBeUndefined();
  });

  it('the run timeout aborts the current action (RUN_TIMEOUT) and a wait never passes the deadline', async () => {
    const out = await runActions(h, { timeoutSeconds: 1, actions: [{ type: 'wait', value: '20' }] });
    expect(out.result).toMatchObject({ end: 'aborted', abort: 'timeout', errorCode: 'RUN_TIMEOUT' });
    expect(out.durationMs).toBeLessThan(1300);
  });

  it('events: running → success with durationMs; messages and logs are masked', async () => {
    const out = await runActions(h, {
      secrets: ['hunter22'],
      inputs: { pw: 'hunter22' },
      actions: [{ type: 'javascript', value: 'console.log("pw is", vars.pw); return vars.pw', varName: 'copy' }, { type: 'set', varName: 'x', value: 'value {$pw}' }],
    });
    const events = out.actionEvents('a0');
    expect(events.map((e) => e.status)).toEqual(['running', 'success']);
    expect(typeof events[1].durationMs).toBe('number');
    const everything = JSON.stringify(out.events);
    expect(everything).not.toContain('hunter22');
    expect(out.logs()).toContain('pw is ••••••••');
    expect(out.result.state.vars.copy).toBe('hunter22'); // the runtime map itself is not masked
  });

  it('unknown variables render empty with one warning per name per run', async () => {
    const out = await runActions(h, { actions: [{ type: 'set', varName: 'a', value: 'x{$nope}y' }, { type: 'set', varName: 'b', value: '{$nope}{$nope}' }] });
    expect(out.result.state.vars.a).toBe('xy');
    expect(out.logs().filter((l) => l.includes('{$nope}'))).toHaveLength(1);
  });

  it('data without extraction: assigned variables, minus secrets and never-reassigned inputs (§10.4)', async () => {
    const out = await runActions(h, {
      inputs: { keep: 'input', changed: 'old', secretVar: 's3cret!' },
      task: { variables: { secretVar: { type: 'string', value: 's3cret!', secret: true } } },
      actions: [
        { type: 'set', varName: 'changed', value: 'new' },
        { type: 'set', varName: 'user.name', value: 'Ada' },
        { type: 'set', varName: 'secretVar', value: 'other' },
        { type: 'merge', value: '[1],[2]', varName: 'merged' },
      ],
    });
    expect(out.result.data).toEqual({ changed: 'new', user: { name: 'Ada' }, merged: [1, 2] });
    const none = await runActions(h, { inputs: { keep: 1 }, actions: [{ type: 'do_nothing' }] });
    expect(none.result.data).toBeNull();
  });

  it('html in templates is the cleaned HTML, fetched once per action that references it', async () => {
    const out = await runActions(h, { startPath: '/cleaned.html', actions: [{ type: 'set', varName: 'h', value: '{$html}' }] });
    const h1 = out.result.state.vars.h as string;
    expect(h1).toContain('id="keep"');
    expect(h1).not.toContain('SCRIPT_MARKER');
  });
});
