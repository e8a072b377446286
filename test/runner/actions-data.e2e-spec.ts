import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { RunError } from '../../src/runner/run-error.js';
import type { ChildRunReport, RunEvent, RunRequest, SubtaskLauncher } from '../../src/runner/runner.types.js';
import { runActions, startHarness, type Harness } from './support/interpreter-harness.js';

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

class FakeLauncher implements SubtaskLauncher {
  readonly calls: Array<{ childTaskId: string; inputs: Record<string, unknown>; deadline: number; parent: RunRequest }> = [];
  constructor(private readonly answer: (childTaskId: string) => ChildRunReport) {}
  async launch(parent: RunRequest, childTaskId: string, inputs: Record<string, unknown>, _signal: AbortSignal, deadline: number): Promise<ChildRunReport> {
    this.calls.push({ childTaskId, inputs, deadline, parent });
    return this.answer(childTaskId);
  }
}

describe('navigation and data actions (RUNNER §7)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  describe('navigate / goto / reload', () => {
    it('navigates to absolute and relative URLs; the result is the final URL; an HTTP error status is not a failure', async () => {
      const out = await runActions(h, {
        startPath: '/nested/child.html',
        actions: [
          { type: 'navigate', value: '../form.html', varName: 'x' },
          { type: 'set', varName: 'first', value: '{$block.output}' },
          { type: 'goto', value: `${h.site.url}/redirect?to=/hover.html` },
          { type: 'set', varName: 'second', value: '{$block.output}' },
          { type: 'navigate', value: `${h.site.url}/status/404` },
        ],
      });
      expect(out.result.end).toBe('completed');
      expect(out.result.state.vars.first).toBe(`${h.site.url}/form.html`);
      expect(out.result.state.vars.second).toBe(`${h.site.url}/hover.html`);
      expect(out.result.state.output).toBe(`${h.site.url}/status/404`);
    });

    it('INVALID_URL for unusable URLs, PRIVATE_NETWORK_BLOCKED for blocked addresses (directly or on a redirect hop)', async () => {
      expect((await runActions(h, { actions: [{ type: 'navigate', value: 'not a url' }] })).result.errorCode).toBe('INVALID_URL');
      expect((await runActions(h, { actions: [{ type: 'navigate', value: 'file:///etc/passwd' }] })).result.errorCode).toBe('INVALID_URL');
      const direct = await runActions(h, { actions: [{ type: 'navigate', value: 'http://10.0.0.1/' }] });
      expect(direct.result).toMatchObject({ end: 'failed', errorCode: 'PRIVATE_NETWORK_BLOCKED' });
      const docker = await runActions(h, { actions: [{ type: 'navigate', value: 'http://host.docker.internal/' }] });
      expect(docker.result.errorCode).toBe('PRIVATE_NETWORK_BLOCKED');
      // A redirect hop refused by the session's guard: its navigation port reports it.
      const refusingPort = {
        navigate: async () => Promise.reject(new RunError('PRIVATE_NETWORK_BLOCKED', 'Navigation to http://10.0.0.1/ blocked: private address')),
        reload: async () => Promise.reject(new Error('unused')),
      };
      const hop = await runActions(h, { navigation: refusingPort, actions: [{ type: 'navigate', value: `${h.site.url}/redirect?to=${encodeURIComponent('http://10.0.0.1/')}` }] });
      expect(hop.result).toMatchObject({ errorCode: 'PRIVATE_NETWORK_BLOCKED', error: "navigate action 'a0' (#0) failed: Navigation to http://10.0.0.1/ blocked: private address" });
      // Without the session's navigation port a directly refused request is still recognised.
      const page = await (await h.browser.newContext()).newPage();
      await page.route('**/blocked-by-guard', (route) => route.abort('blockedbyclient'));
      const direct2 = await runActions(h, { page, withoutNavigationPort: true, actions: [{ type: 'navigate', value: `${h.site.url}/blocked-by-guard` }] });
      expect(direct2.result.errorCode).toBe('PRIVATE_NETWORK_BLOCKED');
      await page.context().close();
    });

    it('NAVIGATION_FAILED when the page cannot load (refused connection, timeout)', async () => {
      const refused = await runActions(h, { actions: [{ type: 'navigate', value: `http://127.0.0.1:${await closedPort()}/` }] });
      expect(refused.result.errorCode).toBe('NAVIGATION_FAILED');
      expect(refused.result.error).toMatch(/ERR_CONNECTION_REFUSED/);
      const slow = await runActions(h, { actions: [{ type: 'navigate', value: `${h.site.url}/slow-page?ms=5000`, timeout: 400 }] });
      expect(slow.result.errorCode).toBe('NAVIGATION_FAILED');
      expect(slow.durationMs).toBeLessThan(4000);
    });

    it('reload loads the page again (page state reset); result is the URL', async () => {
      const out = await runActions(h, {
        startPath: '/form.html',
        actions: [
          { type: 'javascript', value: 'window.__marker = 1' },
          { type: 'reload' },
          { type: 'set', varName: 'url', value: '{$block.output}' },
          { type: 'javascript', varName: 'marker', value: 'return typeof window.__marker' },
        ],
      });
      expect(out.result.state.vars.url).toBe(`${h.site.url}/form.html`);
      expect(out.result.state.vars.marker).toBe('undefined');
    });
  });

  describe('javascript', () => {
    it('stores the returned value in block.output and varName', async () => {
      const out = await runActions(h, { startPath: '/form.html', actions: [{ type: 'javascript', value: 'document.title', varName: 'title' }] });
      expect(out.result.state.vars.title).toBe('Form fixture');
      expect(out.result.state.output).toBe('Form fixture');
    });

    it('fails with SCRIPT_ERROR (syntax or throw), SCRIPT_TIMEOUT, RESULT_NOT_SERIALIZABLE, RESULT_TOO_LARGE', async () => {
      const cases: Array<[string, string, number | undefined]> = [
        ['return (', 'SCRIPT_ERROR', undefined],
        ['throw new Error("nope")', 'SCRIPT_ERROR', undefined],
        ['while (true) {}', 'SCRIPT_TIMEOUT', 300],
        ['return window', 'RESULT_NOT_SERIALIZABLE', undefined],
        ['return "y".repeat(11 * 1024 * 1024)', 'RESULT_TOO_LARGE', undefined],
      ];
      for (const [value, code, timeout] of cases) {
        const out = await runActions(h, { startPath: '/busy.html', actions: [{ type: 'javascript', value, ...(timeout ? { timeout } : {}) }] });
        expect({ value, code: out.result.errorCode }).toEqual({ value, code });
      }
    });
  });

  it('csv parses value text, an element text, or passes block.output through', async () => {
    const out = await runActions(h, {
      startPath: '/csv.html',
      actions: [
        { type: 'csv', value: 'a,b\n1,"x,y"', varName: 'fromValue' },
        { type: 'csv', selector: '#csv', varName: 'fromElement' },
        { type: 'javascript', value: 'return [{ k: 1 }]' },
        { type: 'csv', varName: 'passThrough' },
        { type: 'javascript', value: 'return 42' },
        { type: 'csv', varName: 'nothing' },
      ],
    });
    const v = out.result.state.vars;
    expect(v.fromValue).toEqual([{ a: '1', b: 'x,y' }]);
    expect((v.fromElement as Array<Record<string, string>>)[0]).toHaveProperty('name');
    expect(Object.keys((v.fromElement as Array<Record<string, string>>)[0])).toEqual(['name', 'price', 'notes']);
    expect(v.passThrough).toEqual([{ k: 1 }]);
    expect(v.nothing).toEqual([]);
    const missing = await runActions(h, { startPath: '/csv.html', actions: [{ type: 'csv', selector: '#nope', timeout: 200 }] });
    expect(missing.result.errorCode).toBe('SELECTOR_NOT_FOUND');
  });

  it('merge and set store values (raw values, coercion, dot paths); a non-object intermediate → ACTION_FAILED', async () => {
    const out = await runActions(h, {
      inputs: { a: [1, 2], o: { x: 1 } },
      actions: [
        { type: 'merge', value: '{$a}, [3], 4', varName: 'list' },
        { type: 'merge', value: 'o, {"y": 2}', varName: 'obj' },
        { type: 'set', varName: '{$user.profile.name}', value: 'Ada' },
        { type: 'set', varName: 'n', value: ' 42 ' },
        { type: 'set', varName: 'raw', value: '{$a}' },
        { type: 'set', varName: 'flag', value: 'true' },
      ],
    });
    const v = out.result.state.vars;
    expect(v.list).toEqual([1, 2, 3, 4]);
    expect(v.obj).toEqual({ x: 1, y: 2 });
    expect(v.user).toEqual({ profile: { name: 'Ada' } });
    expect(v.n).toBe(42);
    expect(v.raw).toEqual([1, 2]);
    expect(v.flag).toBe(true);
    const bad = await runActions(h, { actions: [{ type: 'set', varName: 's', value: 'text' }, { type: 'set', varName: 's.inner', value: '1' }] });
    expect(bad.result).toMatchObject({ end: 'failed', errorCode: 'ACTION_FAILED' });
  });

  it('get_content reads innerText (default body); missing element → SELECTOR_NOT_FOUND', async () => {
    const out = await runActions(h, { startPath: '/form.html', actions: [{ type: 'get_content', selector: 'h1', varName: 'h' }, { type: 'get_content', varName: 'body' }] });
    expect(out.result.state.vars.h).toBe('Form fixture');
    expect(out.result.state.vars.body as string).toContain('Form fixture');
    const missing = await runActions(h, { startPath: '/form.html', actions: [{ type: 'get_content', selector: '#nope', timeout: 200 }] });
    expect(missing.result.errorCode).toBe('SELECTOR_NOT_FOUND');
  });

  describe('http_request', () => {
    it('GET/POST/HEAD with templated headers and body; JSON and text results', async () => {
      const out = await runActions(h, {
        inputs: { token: 'tok-123', name: 'Ada' },
        actions: [
          { type: 'http_request', value: `${h.site.url}/echo?q=1`, headers: '{"X-Token": "{$token}"}', varName: 'get' },
          { type: 'http_request', method: 'POST', value: `${h.site.url}/echo`, body: { hello: 'world' }, varName: 'postJson' },
          { type: 'http_request', method: 'PUT', value: `${h.site.url}/echo`, headers: { 'content-type': 'text/plain' }, body: 'hi {$name}', varName: 'putText' },
          { type: 'http_request', value: `${h.site.url}/text?text=plain`, varName: 'text' },
          { type: 'http_request', value: `${h.site.url}/json-text`, varName: 'jsonText' },
          { type: 'http_request', method: 'HEAD', value: `${h.site.url}/echo`, varName: 'head' },
        ],
      });
      expect(out.result.end).toBe('completed');
      const v = out.result.state.vars as Record<string, Record<string, unknown>>;
      expect(v.get).toMatchObject({ method: 'GET', query: { q: '1' } });
      expect((v.get.headers as Record<string, string>)['x-token']).toBe('tok-123');
      expect(v.postJson).toMatchObject({ method: 'POST', json: { hello: 'world' } });
      expect((v.postJson.headers as Record<string, string>)['content-type']).toBe('application/json');
      expect(v.putText).toMatchObject({ method: 'PUT', body: 'hi Ada' });
      expect(v.text).toBe('plain');
      expect(v.jsonText).toEqual({ looks: 'like json', items: [1, 2, 3] });
      expect(v.head).toBeNull();
    });

    it('non-2xx → HTTP_REQUEST_FAILED with the status; > 10 MiB → RESULT_TOO_LARGE; blocked and invalid URLs', async () => {
      const notFound = await runActions(h, { actions: [{ type: 'http_request', value: `${h.site.url}/status/404` }] });
      expect(notFound.result.errorCode).toBe('HTTP_REQUEST_FAILED');
      expect(notFound.result.error).toMatch(/HTTP 404/);
      const big = await runActions(h, { actions: [{ type: 'http_request', value: `${h.site.url}/large?size=${11 * 1024 * 1024}` }] });
      expect(big.result.errorCode).toBe('RESULT_TOO_LARGE');
      const blocked = await runActions(h, { actions: [{ type: 'http_request', value: 'http://169.254.169.254/latest' }] });
      expect(blocked.result.errorCode).toBe('PRIVATE_NETWORK_BLOCKED');
      const hop = await runActions(h, { actions: [{ type: 'http_request', value: `${h.site.url}/redirect?to=${encodeURIComponent('http://10.0.0.1/')}` }] });
      expect(hop.result.errorCode).toBe('PRIVATE_NETWORK_BLOCKED');
      const invalid = await runActions(h, { actions: [{ type: 'http_request', value: 'ftp://example.com/x' }] });
      expect(invalid.result.errorCode).toBe('INVALID_URL');
      const refused = await runActions(h, { actions: [{ type: 'http_request', value: `http://127.0.0.1:${await closedPort()}/` }] });
      expect(refused.result.errorCode).toBe('HTTP_REQUEST_FAILED');
      const slow = await runActions(h, { actions: [{ type: 'http_request', value: `${h.site.url}/slow?ms=3000`, timeout: 300 }] });
      expect(slow.result.errorCode).toBe('HTTP_REQUEST_FAILED');
    });
  });

  describe('screenshot', () => {
    it('saves viewport, full-page and element PNGs as <runId>_shot_<ms>[_<label>].png and emits capture events', async () => {
      const out = await runActions(h, {
        startPath: '/scroll.html',
        actions: [
          { type: 'screenshot', varName: 'a' },
          { type: 'screenshot', label: 'my label!', fullPage: true },
          { type: 'set', varName: 'b', value: '{$block.output}' },
          { type: 'screenshot', selector: '#inner', value: 'legacy-label' },
          { type: 'set', varName: 'c', value: '{$block.output}' },
        ],
      });
      expect(out.result.end).toBe('completed');
      const b = out.result.state.vars.b as string;
      const c = out.result.state.vars.c as string;
      expect(b).toMatch(/^\/captures\/run_test_shot_\d{13}_my_label_\.png$/);
      expect(c).toMatch(/^\/captures\/run_test_shot_\d{13}_legacy-label\.png$/);
      const file = (u: string) => path.join(h.capturesDir, u.replace('/captures/', ''));
      expect(existsSync(file(b))).toBe(true);
      expect(statSync(file(b)).size).toBeGreaterThan(statSync(file(c)).size);
      const captures = out.events.filter((e): e is Extract<RunEvent, { event: 'capture' }> => e.event === 'capture');
      expect(captures).toHaveLength(3);
      expect(captures[1].capture).toMatchObject({ url: b, type: 'screenshot', size: statSync(file(b)).size });
      const missing = await runActions(h, { startPath: '/scroll.html', actions: [{ type: 'screenshot', selector: '#nope', timeout: 200 }] });
      expect(missing.result.errorCode).toBe('SELECTOR_NOT_FOUND');
    });
  });

  describe('start (sub-task)', () => {
    it("passes the parent's user variables and deadline; returns the child's data", async () => {
      const launcher = new FakeLauncher(() => ({ executionId: 'exec_child', outcome: 'success', data: { rows: 3 } }));
      const out = await runActions(h, {
        subtasks: launcher,
        inputs: { q: 'lamp' },
        actions: [{ type: 'set', varName: 'extra', value: '1' }, { type: 'start', value: 'task_child', varName: 'child' }],
      });
      expect(out.result.state.vars.child).toEqual({ rows: 3 });
      expect(launcher.calls[0].childTaskId).toBe('task_child');
      expect(launcher.calls[0].inputs).toEqual({ q: 'lamp', extra: 1 });
      expect(launcher.calls[0].deadline).toBeGreaterThan(Date.now());
    });

    it('SUBTASK_FAILED, SUBTASK_NOT_FOUND, SUBTASK_DEPTH_EXCEEDED and SUBTASK_CYCLE', async () => {
      const failing = new FakeLauncher((id) => {
        if (id === 'missing') throw new RunError('SUBTASK_NOT_FOUND', 'Task missing not found');
        return { executionId: 'exec_c', outcome: 'error', data: null, error: 'child broke', errorCode: 'ACTION_FAILED' };
      });
      const failed = await runActions(h, { subtasks: failing, actions: [{ type: 'start', value: 'task_other' }] });
      expect(failed.result.errorCode).toBe('SUBTASK_FAILED');
      expect(failed.result.error).toMatch(/outcome error .*child broke/);
      const notFound = await runActions(h, { subtasks: failing, actions: [{ type: 'start', value: 'missing' }] });
      expect(notFound.result.errorCode).toBe('SUBTASK_NOT_FOUND');
      const deep = await runActions(h, { subtasks: failing, request: { depth: 5 }, actions: [{ type: 'start', value: 'task_other' }] });
      expect(deep.result.errorCode).toBe('SUBTASK_DEPTH_EXCEEDED');
      const cycle = await runActions(h, { subtasks: failing, request: { chain: ['task_root'] }, actions: [{ type: 'start', value: 'task_root' }] });
      expect(cycle.result.errorCode).toBe('SUBTASK_CYCLE');
      const self = await runActions(h, { subtasks: failing, actions: [{ type: 'start', value: 'task_test' }] });
      expect(self.result.errorCode).toBe('SUBTASK_CYCLE');
      expect(failing.calls.map((c) => c.childTaskId)).toEqual(['task_other', 'missing']);
    });
  });

  it('do_nothing / noop / pass leave block.output unchanged and log "Do nothing"', async () => {
    const out = await runActions(h, { actions: [{ type: 'set', varName: 'x', value: '7' }, { type: 'do_nothing' }, { type: 'noop' }, { type: 'pass' }] });
    expect(out.result.state.output).toBe(7);
    expect(out.logs().filter((l) => l === 'Do nothing')).toHaveLength(3);
  });
});
