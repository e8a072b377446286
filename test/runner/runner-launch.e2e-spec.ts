// Runs that never get a browser session (RUNNER §9.1 crashed causes, §3.5 stop, §8.3 timeout),
// with the session factory replaced in the real app.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BrowserSessionFactory, type BrowserSession, type OpenSessionRequest } from '../../src/runner/browser/browser-session.js';
import { RunError } from '../../src/runner/run-error.js';
import { startTestApp, type TestApp } from '../support/app-harness.js';
import { run, task } from './runner-kit.js';

class ScriptedFactory extends BrowserSessionFactory {
  behaviour: (request: OpenSessionRequest) => Promise<BrowserSession> = () => Promise.reject(new Error('not scripted'));
  open(request: OpenSessionRequest): Promise<BrowserSession> {
    return this.behaviour(request);
  }
}

describe('TaskRunner without a browser session', () => {
  let app: TestApp;
  const factory = new ScriptedFactory();

  beforeAll(async () => {
    app = await startTestApp({ overrides: [{ provide: BrowserSessionFactory, useValue: factory }] });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('no browser obtainable → crashed BROWSER_LAUNCH_FAILED with the reason logged', async () => {
    factory.behaviour = () => Promise.reject(new RunError('BROWSER_LAUNCH_FAILED', 'No browser could be launched within 30 s'));
    const r = await run(app, task({ url: 'https://example.com/', extractionScript: 'return 1' }));
    expect(r.result).toMatchObject({
      outcome: 'crashed',
      success: false,
      errorCode: 'BROWSER_LAUNCH_FAILED',
      error: 'No browser could be launched within 30 s',
      final_url: 'https://example.com/',
      data: null,
      screenshot_url: null,
      recording_url: null,
      downloads: [],
    });
    expect('html' in r.result).toBe(false);
    expect(r.result.logs).toContain('No browser could be launched within 30 s');
  });

  it('an unexpected exception → crashed ENGINE_ERROR with a short message; the stack stays in the server log', async () => {
    factory.behaviour = () => Promise.reject(new TypeError('kaboom in runner code'));
    const r = await run(app, task({ url: 'https://example.com/' }));
    expect(r.result.outcome).toBe('crashed');
    expect(r.result.errorCode).toBe('ENGINE_ERROR');
    expect(r.result.error).toBe('Internal runner error: kaboom in runner code');
    expect(r.result.error).not.toMatch(/\bat \S+:\d+/);
    const logged = app.logs.find((line) => line.includes('unexpected runner error'));
    expect(logged).toBeDefined();
    expect(logged).toContain('kaboom in runner code');
    expect(logged).toMatch(/"stack":"TypeError: kaboom/);
  });

  it('a stop while the browser is being obtained → stopped', async () => {
    factory.behaviour = (request) =>
      new Promise((_, reject) => request.signal.addEventListener('abort', () => reject(request.signal.reason as Error), { once: true }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const r = await run(app, task({ url: 'https://example.com/' }), { signal: controller.signal });
    expect(r.result.outcome).toBe('stopped');
    expect(r.result.errorCode).toBe('STOPPED');
    expect(r.ms).toBeLessThan(2000);
  });

  it('a run whose time is already up → error RUN_TIMEOUT without opening a browser', async () => {
    let opened = false;
    factory.behaviour = (request) => {
      opened = !request.signal.aborted;
      return Promise.reject(request.signal.aborted ? (request.signal.reason as Error) : new Error('should not open'));
    };
    const r = await run(app, task({ url: 'https://example.com/', timeoutSeconds: 1 }), { startedAt: Date.now() - 5000 });
    expect(r.result.outcome).toBe('error');
    expect(r.result.errorCode).toBe('RUN_TIMEOUT');
    expect(opened).toBe(false);
  });
});
