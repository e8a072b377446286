// TaskRunner outcomes through real Chromium against the fixture site (RUNNER §3.3, §8.3, §9, §10).
import { statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BrowserPool } from '../../src/runner/browser/browser-pool.js';
import type { TestApp } from '../support/app-harness.js';
import { browserPid } from './browser-session-kit.js';
import { captureExists, captureFile, run, startFixtureServer, startRunnerApp, task, type FixtureSite } from './runner-kit.js';

describe('TaskRunner outcomes (agent mode)', () => {
  let app: TestApp;
  let site: FixtureSite;

  beforeAll(async () => {
    [app, site] = await Promise.all([startRunnerApp(), startFixtureServer()]);
  });
  afterAll(async () => {
    await app?.close();
    await site?.close();
  });

  it('success: actions run, data = assigned variables, html, final screenshot and recording saved', async () => {
    const r = await run(
      app,
      task({
        url: `${site.url}/form.html`,
        actions: [
          { type: 'type', selector: '#name', value: 'Ada' },
          { type: 'get_content', selector: '#prefilled', varName: 'ignored' },
          { type: 'javascript', value: 'return document.querySelector("#name").value', varName: 'typed' },
          { type: 'set', varName: 'user.city', value: 'Paris' },
        ],
      }),
    );
    const { result } = r;
    expect(result.outcome).toBe('success');
    expect(result.success).toBe(true);
    expect(result.error).toBeUndefined();
    expect(result.errorCode).toBeUndefined();
    expect(result.final_url).toBe(`${site.url}/form.html`);
    expect(result.data).toEqual({ ignored: '', typed: 'Ada', user: { city: 'Paris' } });
    expect(result.html).toContain('id="name"');
    expect(result.html).not.toContain('<script');
    expect(result.logs).toContain(`Navigated to ${site.url}/form.html`);
    expect(result.screenshot_url).toMatch(new RegExp(`^/captures/${r.runId}_final_\\d{13}\\.png$`));
    expect(result.recording_url).toMatch(new RegExp(`^/captures/${r.runId}_rec_\\d{13}\\.webm$`));
    expect(statSync(captureFile(app, result.screenshot_url)).size).toBeGreaterThan(1000);
    expect(statSync(captureFile(app, result.recording_url)).size).toBeGreaterThan(0);
    const captures = r.events.flatMap((e) => (e.event === 'capture' ? [e.capture.url] : []));
    expect(captures).toEqual(expect.arrayContaining([result.screenshot_url, result.recording_url]));
    expect(result.downloads).toEqual([]);
    expect(r.events.some((e) => e.event === 'action')).toBe(true);
  });

  it('success without a start URL stays on about:blank; final_url is ""', async () => {
    const r = await run(app, task({ url: '', actions: [{ type: 'javascript', value: 'return location.href', varName: 'where' }] }));
    expect(r.result.outcome).toBe('success');
    expect(r.result.data).toEqual({ where: 'about:blank' });
    expect(r.result.final_url).toBe('');
  });

  it('data is null when no variable was assigned; html absent when an extraction script exists', async () => {
    const plain = await run(app, task({ url: `${site.url}/form.html` }));
    expect(plain.result.data).toBeNull();
    expect(typeof plain.result.html).toBe('string');
    const scripted = await run(app, task({ url: `${site.url}/form.html`, extractionScript: 'return text("h1")' }));
    expect(scripted.result.outcome).toBe('success');
    expect('html' in scripted.result).toBe(false);
    const both = await run(app, task({ url: `${site.url}/form.html`, extractionScript: 'return 1', includeHtml: true }));
    expect(both.result.data).toBe(1);
    expect(both.result.html).toContain('id="email"');
  });

  it('error (fail-fast): the first unhandled failure ends the run; later actions do not run', async () => {
    const r = await run(
      app,
      task({
        url: `${site.url}/form.html`,
        actions: [
          { id: 'act_first', type: 'set', varName: 'before', value: 'yes' },
          { id: 'act_missing', type: 'click', selector: '#does-not-exist', timeout: 500 },
          { id: 'act_after', type: 'set', varName: 'after', value: 'yes' },
        ],
      }),
    );
    expect(r.result.outcome).toBe('error');
    expect(r.result.success).toBe(false);
    expect(r.result.errorCode).toBe('SELECTOR_NOT_FOUND');
    expect(r.result.error).toMatch(/^click action 'act_missing' \(#1\) failed: /);
    expect(r.result.data).toEqual({ before: 'yes' });
    expect(r.events.some((e) => e.event === 'action' && e.actionId === 'act_after')).toBe(false);
    expect(typeof r.result.html).toBe('string');
    expect(captureExists(app, r.result.screenshot_url)).toBe(true);
  });

  it('error: stop action with value error → STOP_ACTION', async () => {
    const r = await run(app, task({ url: `${site.url}/form.html`, actions: [{ type: 'stop', value: 'error' }] }));
    expect(r.result.outcome).toBe('error');
    expect(r.result.errorCode).toBe('STOP_ACTION');
  });

  it('error: a start URL that cannot load → NAVIGATION_FAILED, the interpreter does not run', async () => {
    const closed = await startFixtureServer();
    const deadUrl = `${closed.url}/gone`;
    await closed.close();
    const r = await run(app, task({ url: deadUrl, actions: [{ id: 'act_never', type: 'set', varName: 'x', value: '1' }] }));
    expect(r.result.outcome).toBe('error');
    expect(r.result.errorCode).toBe('NAVIGATION_FAILED');
    expect(r.events.some((e) => e.event === 'action')).toBe(false);
    expect(r.result.final_url).toBe(deadUrl);
  });

  it('error: a start URL redirected to a refused host → PRIVATE_NETWORK_BLOCKED', async () => {
    const url = `${site.url}/redirect?to=${encodeURIComponent('http://host.docker.internal/')}`;
    const r = await run(app, task({ url }));
    expect(r.result.outcome).toBe('error');
    expect(r.result.errorCode).toBe('PRIVATE_NETWORK_BLOCKED');
  });

  it('error: a start URL that templates into something that is not http(s) → INVALID_URL', async () => {
    const r = await run(app, task({ url: '{$target}', variables: { target: 'ftp://example.com/file' } }));
    expect(r.result.outcome).toBe('error');
    expect(r.result.errorCode).toBe('INVALID_URL');
  });

  it('start selector: waits for it to be visible; a missing one is a warning, not a failure', async () => {
    const found = await run(app, task({ url: `${site.url}/delayed.html?delay=500`, selector: '#late', actions: [{ type: 'javascript', value: 'return !!document.querySelector("#late")', varName: 'late' }] }));
    expect(found.result.data).toEqual({ late: true });
    expect(found.logs('warn')).toEqual([]);
  });

  it('stopped: a stop mid-wait ends the run within 2 s; stopped column (no html, screenshot, recording)', async () => {
    const controller = new AbortController();
    let stoppedAt = 0;
    const r = await run(app, task({ url: `${site.url}/form.html`, actions: [{ id: 'act_wait', type: 'wait', value: '30' }, { id: 'act_after', type: 'set', varName: 'x', value: '1' }] }), {
      signal: controller.signal,
      onEvent: (e) => {
        if (e.event === 'action' && e.actionId === 'act_wait' && e.status === 'running') {
          setTimeout(() => {
            stoppedAt = Date.now();
            controller.abort();
          }, 300);
        }
      },
    });
    const finishedAfterStop = Date.now() - stoppedAt;
    expect(r.result.outcome).toBe('stopped');
    expect(r.result.errorCode).toBe('STOPPED');
    expect(finishedAfterStop).toBeLessThan(2000);
    expect('html' in r.result).toBe(false);
    expect(r.events.some((e) => e.event === 'action' && e.actionId === 'act_after')).toBe(false);
    expect(captureExists(app, r.result.screenshot_url)).toBe(true);
    expect(captureExists(app, r.result.recording_url)).toBe(true);
  });

  it('stopped during the start wait', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 1500);
    const r = await run(app, task({ url: `${site.url}/form.html`, wait: 60 }), { signal: controller.signal });
    expect(r.result.outcome).toBe('stopped');
    expect(r.ms).toBeLessThan(5000);
  });

  it('run timeout: RUN_TIMEOUT once timeoutSeconds have passed since startedAt', async () => {
    const started = Date.now();
    const r = await run(app, task({ url: `${site.url}/form.html`, timeoutSeconds: 2, actions: [{ type: 'wait', value: '60' }] }), { startedAt: started });
    expect(r.result.outcome).toBe('error');
    expect(r.result.errorCode).toBe('RUN_TIMEOUT');
    expect(r.result.error).toBe('The run exceeded its time limit of 2 s');
    expect(Date.now() - started).toBeLessThan(8000);
    expect(typeof r.result.html).toBe('string');
    expect(captureExists(app, r.result.screenshot_url)).toBe(true);
  });

  it('run timeout: a parent deadline earlier than timeoutSeconds wins', async () => {
    const r = await run(app, task({ url: `${site.url}/form.html`, actions: [{ type: 'wait', value: '60' }] }), { deadline: Date.now() + 1500 });
    expect(r.result.errorCode).toBe('RUN_TIMEOUT');
    expect(r.ms).toBeLessThan(7000);
  });

  it('anti_bot: a challenge page ends anti_bot with ANTI_BOT_DETECTED; html kept, no extraction', async () => {
    const r = await run(app, task({ url: `${site.url}/challenge`, extractionScript: 'return "extracted"', includeHtml: true }));
    expect(r.result.outcome).toBe('anti_bot');
    expect(r.result.errorCode).toBe('ANTI_BOT_DETECTED');
    expect(r.result.error).toMatch(/^Anti-bot challenge detected \(.+\)$/);
    expect(r.result.data).toBeNull();
    expect(typeof r.result.html).toBe('string');
    expect(captureExists(app, r.result.screenshot_url)).toBe(true);
  });

  it('anti_bot beats error: an action failure on a page with a visible CAPTCHA widget', async () => {
    const url = `${site.url}/challenge?variant=captcha&provider=recaptcha&status=200`;
    const failing = await run(app, task({ url, actions: [{ type: 'click', selector: '#nope', timeout: 300 }] }));
    expect(failing.result.outcome).toBe('anti_bot');
    const fine = await run(app, task({ url }));
    expect(fine.result.outcome).toBe('success');
    expect(fine.logs('warn').some((m) => m.includes('CAPTCHA widget'))).toBe(true);
  });

  it('extraction failure → error EXTRACTION_FAILED with data null', async () => {
    const r = await run(app, task({ url: `${site.url}/form.html`, actions: [{ type: 'set', varName: 'x', value: '1' }], extractionScript: 'throw new Error("extraction boom")' }));
    expect(r.result.outcome).toBe('error');
    expect(r.result.errorCode).toBe('EXTRACTION_FAILED');
    expect(r.result.error).toContain('extraction boom');
    expect(r.result.data).toBeNull();
  });

  it('extraction: returned value is data; console output when it returns undefined; vars visible', async () => {
    const r = await run(app, task({ url: `${site.url}/form.html`, actions: [{ type: 'set', varName: 'n', value: '41' }], extractionScript: 'return { title: document.title, next: vars.n + 1, url: url() }' }));
    expect(r.result.data).toEqual({ title: 'Form fixture', next: 42, url: `${site.url}/form.html` });
    const logged = await run(app, task({ url: `${site.url}/form.html`, extractionScript: 'console.log("a"); console.log("b", 2);' }));
    expect(logged.result.data).toBe('a\nb 2');
    expect(logged.result.logs).toEqual(expect.arrayContaining(['a', 'b 2']));
  });

  it('CSV output (§10.5)', async () => {
    const r = await run(app, task({ url: `${site.url}/form.html`, extractionFormat: 'csv', extractionScript: 'return [{ name: "a", note: "x,y" }, { name: "b", extra: "q\\"r" }]' }));
    expect(r.result.outcome).toBe('success');
    expect(r.result.data).toBe('name,note,extra\r\na,"x,y",\r\nb,,"q""r"\r\n');
    const assigned = await run(app, task({ url: `${site.url}/form.html`, extractionFormat: 'csv', actions: [{ type: 'set', varName: 'k', value: 'v' }] }));
    expect(assigned.result.data).toBe('k\r\nv\r\n');
  });

  it('downloads: in-progress downloads are waited for and listed with their capture path', async () => {
    // The short wait lets the slow download start (a busy machine may take a moment to see its
    // headers); it then streams for about 2 s more, so finalisation must wait for it.
    const actions = [{ type: 'click', selector: '#dl-report' }, { type: 'click', selector: '#dl-slow' }, { type: 'wait', value: '0.5' }];
    const r = await run(app, task({ url: `${site.url}/download.html`, actions }));
    expect(r.result.outcome).toBe('success');
    const names = r.result.downloads.map((d) => d.name).sort();
    expect(names).toEqual(['report 2024.csv', 'slow.bin']);
    for (const d of r.result.downloads) {
      expect(d.path).toMatch(new RegExp(`^/captures/${r.runId}_dl_\\d{13}_`));
      expect(captureExists(app, d.path)).toBe(true);
      expect(d.url.startsWith(site.url)).toBe(true);
    }
    expect(statSync(captureFile(app, r.result.downloads.find((d) => d.name === 'slow.bin')!.path)).size).toBe(2_000_000);
  });
});

describe('TaskRunner outcomes: crashed', () => {
  let app: TestApp;
  let site: FixtureSite;

  beforeAll(async () => {
    [app, site] = await Promise.all([startRunnerApp(), startFixtureServer()]);
  });
  afterAll(async () => {
    await app?.close();
    await site?.close();
  });

  it('killing the browser mid-run ends it crashed (BROWSER_CRASHED) with data null; the next run works', async () => {
    const pool = app.app.get(BrowserPool);
    const lease = await pool.acquire();
    const pid = await browserPid(lease.browser);
    lease.release();
    let killedAt = 0;
    const r = await run(app, task({ url: `${site.url}/form.html`, actions: [{ type: 'set', varName: 'x', value: '1' }, { id: 'act_wait', type: 'wait', value: '30' }] }), {
      onEvent: (e) => {
        if (e.event === 'action' && e.actionId === 'act_wait' && e.status === 'running') {
          killedAt = Date.now();
          process.kill(pid, 'SIGKILL');
        }
      },
    });
    expect(r.result.outcome).toBe('crashed');
    expect(r.result.errorCode).toBe('BROWSER_CRASHED');
    expect(r.result.data).toBeNull();
    expect('html' in r.result).toBe(false);
    expect(r.result.screenshot_url).toBeNull();
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    const next = await run(app, task({ url: `${site.url}/form.html` }));
    expect(next.result.outcome).toBe('success');
  });
});
