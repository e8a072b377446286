import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright';
import { detectAntiBot } from '../../src/runner/page/anti-bot.js';
import { cleanedHtml } from '../../src/runner/page/cleaned-html.js';
import { launchTestChromium } from '../fixtures/chromium.js';
import { startFixtureServer } from '../fixtures/fixture-server.js';

describe('page analysis in real Chromium: anti-bot signals (RUNNER §9.3) and cleaned HTML (§10.2)', () => {
  let browser: Browser;
  let site: Awaited<ReturnType<typeof startFixtureServer>>;
  let page: Page;

  beforeAll(async () => {
    [browser, site] = await Promise.all([launchTestChromium(), startFixtureServer()]);
    page = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  async function verdictFor(path: string, aboutToError = false) {
    const res = await page.goto(`${site.url}${path}`, { waitUntil: 'load' });
    const info = res ? { url: res.url(), status: res.status(), headers: res.headers() } : null;
    return detectAntiBot(page, info, aboutToError);
  }

  it.each([
    ['/challenge', 'anti_bot'],
    ['/challenge?variant=header', 'anti_bot'],
    ['/challenge?variant=interstitial&kind=challenge-stage', 'anti_bot'],
    ['/challenge?variant=interstitial&kind=datadome', 'anti_bot'],
    ['/challenge?variant=interstitial&kind=awswaf', 'anti_bot'],
    ['/challenge?variant=interstitial&kind=awswaf-container-only', 'none'],
    ['/challenge?variant=text', 'anti_bot'],
    ['/challenge?variant=text-long', 'none'],
    ['/challenge?variant=status', 'none'],
    ['/challenge?variant=status-text', 'anti_bot'],
    ['/challenge?variant=akamai', 'anti_bot'],
    ['/challenge?variant=captcha&provider=recaptcha', 'anti_bot'],
    ['/challenge?variant=captcha&provider=hcaptcha', 'anti_bot'],
    ['/challenge?variant=captcha&provider=turnstile', 'anti_bot'],
    ['/challenge?variant=captcha&provider=recaptcha&size=invisible', 'none'],
    ['/challenge?variant=captcha&provider=recaptcha&hidden=1', 'none'],
    ['/challenge?variant=captcha&provider=recaptcha&small=1', 'none'],
    ['/challenge?variant=captcha&provider=recaptcha&status=200', 'warning'],
    ['/', 'none'],
  ])('%s → %s', async (path, expected) => {
    const v = await verdictFor(path);
    expect(v.verdict).toBe(expected);
    if (expected === 'anti_bot') expect(v.message).toMatch(/^Anti-bot challenge detected \(.+\)$/);
  });

  it('treats a lone visible widget as anti_bot when the run is about to end with error', async () => {
    expect((await verdictFor('/challenge?variant=captcha&provider=recaptcha&status=200', true)).verdict).toBe('anti_bot');
  });

  it('removes script/style/noscript/svg/link and serialises open shadow roots as templates', async () => {
    await page.setContent(`<!DOCTYPE html><html><head><title>t</title><style>p{}</style><link rel="stylesheet" href="x.css"><script>var a=1</script></head>
      <body><p id="keep">  keep   me </p><noscript>n</noscript><svg><circle r="1"/></svg><div id="host"></div><div id="closed"></div></body></html>`);
    await page.evaluate(() => {
      const root = document.getElementById('host')!.attachShadow({ mode: 'open' });
      root.innerHTML = '<span class="in">inside</span><div id="inner"></div><script>1</script>';
      const nested = (root.getElementById('inner') as HTMLElement).attachShadow({ mode: 'open' });
      nested.innerHTML = '<b>nested</b>';
      document.getElementById('closed')!.attachShadow({ mode: 'closed' }).innerHTML = '<i>secret</i>';
    });
    const html = await cleanedHtml(page, true);
    expect(html.startsWith('<!DOCTYPE html><html>')).toBe(true);
    expect(html).not.toMatch(/<script|<style|<noscript|<svg|<link/);
    expect(html).toContain('<p id="keep">  keep   me </p>');
    expect(html).toContain('<div id="host"><template data-shadowroot="open"><span class="in">inside</span><div id="inner"><template data-shadowroot="open"><b>nested</b></template></div></template></div>');
    expect(html).not.toContain('secret');
    const withoutShadow = await cleanedHtml(page, false);
    expect(withoutShadow).toContain('<div id="host"></div>');
    // Nothing was added to the live page.
    expect(await page.evaluate(() => document.querySelectorAll('template').length)).toBe(0);
    expect(await page.evaluate(() => document.scripts.length)).toBe(1);
  });
});
