// Control-flow end states as whole-run outcomes through the TaskRunner (RUNNER §5.3, §5.10, §8.1,
// §9): what the interpreter decides must reach `outcome`, `errorCode` and `data` unchanged.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TestApp } from '../support/app-harness.js';
import { run, startFixtureServer, startRunnerApp, task, type FixtureSite } from './runner-kit.js';

const MAX_STEPS = 200;

describe('TaskRunner: control-flow outcomes', () => {
  let app: TestApp;
  let site: FixtureSite;

  beforeAll(async () => {
    [app, site] = await Promise.all([startRunnerApp({ MAX_STEPS_PER_RUN: String(MAX_STEPS) }), startFixtureServer()]);
  });
  afterAll(async () => {
    await app?.close();
    await site?.close();
  });

  const light = { disableRecording: true, statelessExecution: true };

  it('MAX_STEPS_PER_RUN bounds a runaway loop: error STEP_BUDGET_EXCEEDED, assigned data kept, html captured', async () => {
    const r = await run(app, task({ ...light, url: `${site.url}/form.html`, actions: [{ type: 'set', varName: 'before', value: '1' }, { type: 'while', value: 'true', maxIterations: 100000 }, { type: 'do_nothing' }, { type: 'end' }] }));
    expect(r.result).toMatchObject({ outcome: 'error', errorCode: 'STEP_BUDGET_EXCEEDED', data: { before: 1 } });
    expect(r.result.error).toContain(`${MAX_STEPS}`);
    expect(typeof r.result.html).toBe('string');
  });

  it('on_error: the handler runs after the failure, then the run ends error with the original code and message', async () => {
    const r = await run(
      app,
      task({
        ...light,
        url: `${site.url}/form.html`,
        actions: [
          { type: 'on_error' },
          { type: 'set', varName: 'handled', value: '{$error.code} at {$error.actionId}' },
          { type: 'type', selector: '#name', value: 'cleanup typed' },
          { type: 'javascript', varName: 'typed', value: 'return document.querySelector("#name").value' },
          { type: 'end' },
          { type: 'set', varName: 'before', value: 'yes' },
          { id: 'act_risky', type: 'click', selector: '#missing', timeout: 300 },
          { type: 'set', varName: 'never', value: '1' },
        ],
      }),
    );
    expect(r.result).toMatchObject({ outcome: 'error', errorCode: 'SELECTOR_NOT_FOUND' });
    expect(r.result.error).toMatch(/^click action 'act_risky' \(#6\) failed: /);
    // The handler ran (with `error` set) after the failure, and nothing after the failed action did.
    expect(r.result.data).toEqual({ before: 'yes', handled: 'SELECTOR_NOT_FOUND at act_risky', typed: 'cleanup typed' });
  });

  it('on_error with stop success inside the handler → outcome success', async () => {
    const r = await run(
      app,
      task({ ...light, actions: [{ type: 'on_error' }, { type: 'set', varName: 'recovered', value: 'yes' }, { type: 'stop', value: 'success' }, { type: 'end' }, { type: 'javascript', value: 'throw new Error("boom")' }] }),
    );
    expect(r.result).toMatchObject({ outcome: 'success', data: { recovered: 'yes' } });
    expect(r.result.errorCode).toBeUndefined();
  });

  it('continueOnError: the run succeeds and {$error.message} is usable afterwards', async () => {
    const r = await run(
      app,
      task({
        ...light,
        url: `${site.url}/form.html`,
        actions: [
          { type: 'javascript', value: 'throw new Error("soft failure")', continueOnError: true },
          { type: 'set', varName: 'msg', value: 'recovered from: {$error.message} ({$error.code})' },
        ],
      }),
    );
    expect(r.result.outcome).toBe('success');
    expect(r.result.data).toEqual({ msg: expect.stringMatching(/^recovered from: .*soft failure.* \(SCRIPT_ERROR\)$/) });
    expect(r.logs('warn').some((l) => l.includes('continueOnError'))).toBe(true);
  });

  it('stop success / stop error decide the outcome; later actions do not run', async () => {
    const ok = await run(app, task({ ...light, actions: [{ type: 'set', varName: 'a', value: '1' }, { type: 'stop' }, { type: 'set', varName: 'b', value: '2' }] }));
    expect(ok.result).toMatchObject({ outcome: 'success', data: { a: 1 } });
    const bad = await run(app, task({ ...light, actions: [{ type: 'set', varName: 'a', value: '1' }, { type: 'stop', value: 'error' }, { type: 'set', varName: 'b', value: '2' }] }));
    expect(bad.result).toMatchObject({ outcome: 'error', errorCode: 'STOP_ACTION', data: { a: 1 } });
  });

  it('anti_bot beats RUN_TIMEOUT: a run that times out on a challenge page ends anti_bot', async () => {
    const r = await run(app, task({ ...light, url: `${site.url}/challenge`, timeoutSeconds: 1, actions: [{ type: 'wait', value: '30' }] }));
    expect(r.result).toMatchObject({ outcome: 'anti_bot', errorCode: 'ANTI_BOT_DETECTED' });
    expect(r.ms).toBeLessThan(10_000);
  });
});
