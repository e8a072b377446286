// Browser reuse across whole TaskRunner runs (RUNNER §11.1, DECISIONS #5): 20 runs in a row share
// one Chromium process with a fresh context each; a browser that dies is replaced for the next run.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright';
import { BrowserPool } from '../../src/runner/browser/browser-pool.js';
import type { TestApp } from '../support/app-harness.js';
import { browserPid, eventually } from './browser-session-kit.js';
import { run, startFixtureServer, startRunnerApp, task, type FixtureSite } from './runner-kit.js';

describe('TaskRunner browser reuse', () => {
  let app: TestApp;
  let site: FixtureSite;
  let pool: BrowserPool;

  /** The browser the pool hands out now (without opening a context). */
  async function currentBrowser(): Promise<Browser> {
    const lease = await pool.acquire();
    lease.release();
    return lease.browser;
  }

  beforeAll(async () => {
    [app, site] = await Promise.all([startRunnerApp(), startFixtureServer()]);
    pool = app.app.get(BrowserPool);
  });
  afterAll(async () => {
    await app?.close();
    await site?.close();
  });

  it('20 runs in a row reuse one browser process, each in its own context; a killed browser is replaced', async () => {
    // Each run leaves a marker in the page storage of the fixture origin: a shared context would show it.
    const t = task({
      url: `${site.url}/form.html`,
      disableRecording: true,
      statelessExecution: true,
      actions: [{ type: 'javascript', varName: 'seen', value: 'const seen = sessionStorage.getItem("m") || localStorage.getItem("m"); localStorage.setItem("m", "x"); sessionStorage.setItem("m", "x"); return seen' }],
      extractionScript: 'return { title: document.title, seen: vars.seen }',
    });
    const first = await run(app, t);
    expect(first.result.outcome).toBe('success');
    const browser = await currentBrowser();
    const pid = await browserPid(browser);
    const launches = pool.stats().launchesOk;
    expect(launches).toBe(1);

    for (let i = 1; i < 20; i++) {
      const r = await run(app, t);
      expect({ i, outcome: r.result.outcome, data: r.result.data }).toEqual({ i, outcome: 'success', data: { title: 'Form fixture', seen: null } });
    }
    expect(pool.stats()).toMatchObject({ launchesOk: 1, size: 1, activeContexts: 0 });
    expect(await currentBrowser()).toBe(browser);
    expect(await browserPid(browser)).toBe(pid);
    expect(browser.contexts()).toHaveLength(0);

    // The process dies between runs: the next run gets a new browser and succeeds.
    process.kill(pid, 'SIGKILL');
    await eventually(() => !browser.isConnected(), 15_000, 'the browser to disconnect');
    const after = await run(app, t);
    expect(after.result.outcome).toBe('success');
    expect(after.result.data).toEqual({ title: 'Form fixture', seen: null });
    const replacement = await currentBrowser();
    expect(replacement).not.toBe(browser);
    expect(await browserPid(replacement)).not.toBe(pid);
    expect(pool.stats().launchesOk).toBe(2);
  });
});
