// Scrape mode (RUNNER §13) through real Chromium against the fixture site.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TestApp } from '../support/app-harness.js';
import { captureExists, run, startFixtureServer, startRunnerApp, task, type FixtureSite } from './runner-kit.js';

describe('TaskRunner scrape mode', () => {
  let app: TestApp;
  let site: FixtureSite;

  beforeAll(async () => {
    [app, site] = await Promise.all([startRunnerApp(), startFixtureServer()]);
  });
  afterAll(async () => {
    await app?.close();
    await site?.close();
  });

  const scrape = (raw: Record<string, unknown>, options: Parameters<typeof run>[2] = {}) => run(app, task({ mode: 'scrape', ...raw }), options);

  it('no selector: body HTML, title, absolute http(s) links de-duplicated in order; only log and capture events', async () => {
    const r = await scrape({ url: `${site.url}/` });
    const { result } = r;
    expect(result.outcome).toBe('success');
    expect(result.title).toBe('Fixture home');
    expect(result.url).toBe(`${site.url}/`);
    expect(result.final_url).toBe(result.url);
    expect(result.is_partial).toBe(false);
    expect(result.selector_used).toBe('body (default)');
    expect(result.links).toEqual([
      `${site.url}/form.html`,
      `${site.url}/load-more.html`,
      `${site.url}/nested/child.html`,
      `${site.url}/hover.html`,
      'https://example.com/outside',
      `${site.url}/pages.html`,
    ]);
    expect(result.html).toContain('<a href="form.html">');
    expect(result.html).not.toMatch(/^\s*<body/);
    expect(result.html).not.toContain('</body>');
    expect(result.data).toBeNull();
    expect(new Set(r.events.map((e) => e.event))).toEqual(new Set(['log', 'capture']));
    expect(captureExists(app, result.screenshot_url)).toBe(true);
    expect(captureExists(app, result.recording_url)).toBe(true);
  });

  it('selector that matches: the cleaned outerHTML of every match joined by \\n, is_partial true', async () => {
    const r = await scrape({ url: `${site.url}/cleaned.html`, selector: '#keep, #spaces' });
    expect(r.result.is_partial).toBe(true);
    expect(r.result.selector_used).toBe('#keep, #spaces');
    const parts = (r.result.html ?? '').split('\n');
    expect(parts).toHaveLength(2);
    expect(parts[0]).toMatch(/^<[a-z]+ id="keep"/);
    expect(parts[1]).toContain('  two  spaces  kept  ');
  });

  it('selector that matches nothing: the body, with the documented selector_used text', async () => {
    const r = await scrape({ url: `${site.url}/cleaned.html`, selector: '#nothing-here' });
    expect(r.result.outcome).toBe('success');
    expect(r.result.is_partial).toBe(false);
    expect(r.result.selector_used).toBe('#nothing-here (not found, using body)');
    expect(r.result.html).toContain('id="keep"');
    expect(r.result.html).not.toContain('SCRIPT_MARKER');
  });

  it('an invalid selector falls back to the body with a warning', async () => {
    const r = await scrape({ url: `${site.url}/cleaned.html`, selector: '##bad((' });
    expect(r.result.outcome).toBe('success');
    expect(r.result.is_partial).toBe(false);
    expect(r.result.selector_used).toBe('##bad(( (not found, using body)');
    expect(r.logs('warn').some((m) => m.includes('could not be used'))).toBe(true);
  });

  it('the selector is templated', async () => {
    const r = await scrape({ url: `${site.url}/cleaned.html`, selector: '#{$id}', variables: { id: 'keep' } });
    expect(r.result.is_partial).toBe(true);
    expect(r.result.selector_used).toBe('#keep');
  });

  it('links are capped at 5000 and de-duplicated (absolute duplicates too)', async () => {
    const many = await scrape({ url: `${site.url}/links?n=6000` });
    expect(many.result.links).toHaveLength(5000);
    expect(many.result.links?.[0]).toBe(`${site.url}/links/item/1`);
    expect(many.result.links?.[4999]).toBe(`${site.url}/links/item/5000`);
    const dup = await scrape({ url: `${site.url}/links?n=50&dup=3` });
    expect(dup.result.links).toHaveLength(50);
    expect(new Set(dup.result.links).size).toBe(50);
  });

  it('auto-scroll triggers infinite-scroll content and returns to the top before extraction', async () => {
    const r = await scrape({
      url: `${site.url}/infinite.html?pages=5`,
      extractionScript: 'return { pages: Number(text("#loaded-pages")), entries: Number(text("#feed-count")), scrollY: window.scrollY }',
    });
    expect(r.result.outcome).toBe('success');
    expect(r.result.data).toEqual({ pages: 5, entries: 50, scrollY: 0 });
    expect('html' in r.result).toBe(false);
    expect(r.logs().some((m) => m.startsWith('Auto-scrolled'))).toBe(true);
  });

  it('extraction with CSV output and includeHtml', async () => {
    const r = await scrape({ url: `${site.url}/`, extractionFormat: 'csv', includeHtml: true, extractionScript: 'return [...document.querySelectorAll("a[href^=\'http\']")].slice(0, 2).map(a => ({ text: a.textContent }))' });
    expect(r.result.data).toBe('text\r\nForm (absolute duplicate)\r\nHover (absolute)\r\n');
    expect(typeof r.result.html).toBe('string');
  });

  it('anti_bot on a challenge page', async () => {
    const r = await scrape({ url: `${site.url}/challenge?variant=text` });
    expect(r.result.outcome).toBe('anti_bot');
    expect(r.result.errorCode).toBe('ANTI_BOT_DETECTED');
    expect(r.result.title).toBeDefined();
  });

  it('a start URL failure is an error with the scrape fields present', async () => {
    const r = await scrape({ url: `${site.url}/redirect?to=${encodeURIComponent('http://host.docker.internal/')}` });
    expect(r.result.outcome).toBe('error');
    expect(r.result.errorCode).toBe('PRIVATE_NETWORK_BLOCKED');
    expect(Array.isArray(r.result.links)).toBe(true);
    expect(typeof r.result.is_partial).toBe('boolean');
  });

  it('stop during the wait step → stopped quickly; run timeout → RUN_TIMEOUT', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 2000);
    const stopped = await scrape({ url: `${site.url}/`, wait: 60 }, { signal: controller.signal });
    expect(stopped.result.outcome).toBe('stopped');
    expect(stopped.ms).toBeLessThan(5000);
    expect('html' in stopped.result).toBe(false);
    const timedOut = await scrape({ url: `${site.url}/`, wait: 60, timeoutSeconds: 2 });
    expect(timedOut.result.errorCode).toBe('RUN_TIMEOUT');
    expect(timedOut.ms).toBeLessThan(7000);
  });
});
