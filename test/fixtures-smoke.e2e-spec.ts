// Smoke test of the fixture website (test/fixtures): every route answers as documented in
// test/fixtures/README.md, and the interactive pages behave in real Chromium.
import { request as httpRequest } from 'node:http';
import type { Browser, BrowserContext, Page } from 'playwright';
import { startFixtureServer, type FixtureServer } from './fixtures/fixture-server.js';
import { launchTestChromium } from './fixtures/chromium.js';
import { REPORT_CSV } from './fixtures/routes/download-routes.js';
import { CHALLENGE_VARIANTS, INTERSTITIAL_KINDS, NEUTRAL_LONG_TEXT, WIDGET_PROVIDERS } from './fixtures/routes/challenge-routes.js';

let server: FixtureServer;
let base: string;

beforeAll(async () => {
  server = await startFixtureServer();
  base = server.url;
});

afterAll(async () => {
  await server.close();
});

async function get(path: string, init?: RequestInit): Promise<{ res: Response; text: string; ms: number }> {
  const started = Date.now();
  const res = await fetch(base + path, { redirect: 'manual', ...init });
  const text = await res.text();
  return { res, text, ms: Date.now() - started };
}

function titleOf(html: string): string {
  return /<title>([^<]*)<\/title>/.exec(html)?.[1] ?? '';
}

/** Polls `cond` every 20 ms for up to `ms`; the caller asserts afterwards. */
async function until(cond: () => boolean, ms = 5000): Promise<void> {
  for (const end = Date.now() + ms; !cond() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 20));
}

/** Raw GET with an unnormalised path (fetch would resolve `..`). */
function rawGet(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, path, method: 'GET' }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('fixture server: HTTP routes', () => {
  it('binds to 127.0.0.1 on an ephemeral port', () => {
    expect(base).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.port).toBeGreaterThan(0);
  });

  const PAGES: Array<[string, string]> = [
    ['/', 'Fixture home'],
    ['/pages.html', 'Fixture pages'],
    ['/form.html', 'Form fixture'],
    ['/load-more.html', 'Load more fixture'],
    ['/delayed.html', 'Delayed fixture'],
    ['/disappearing.html', 'Disappearing fixture'],
    ['/dnd.html', 'Drag and drop fixture'],
    ['/hover.html', 'Hover fixture'],
    ['/keys.html', 'Keys fixture'],
    ['/clicks.html', 'Clicks fixture'],
    ['/scroll.html', 'Scroll fixture'],
    ['/infinite.html', 'Infinite scroll fixture'],
    ['/download.html', 'Downloads fixture'],
    ['/throws.html', 'Throwing page fixture'],
    ['/dialogs.html', 'Dialogs fixture'],
    ['/popup.html', 'Popup fixture'],
    ['/popup-target.html', 'Popup target'],
    ['/shadow.html', 'Shadow DOM fixture'],
    ['/cleaned.html', 'Cleaned HTML fixture'],
    ['/csv.html', 'CSV fixture'],
    ['/storage.html', 'Storage fixture'],
    ['/busy.html', 'Busy loop fixture'],
    ['/console.html', 'Console fixture'],
    ['/captcha-form.html', 'Contact us'],
    ['/nested/child.html', 'Nested child'],
    ['/nested/sibling.html', 'Nested sibling'],
  ];

  it.each(PAGES)('serves static page %s', async (path, title) => {
    const { res, text } = await get(path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(titleOf(text)).toBe(title);
    expect(text).not.toMatch(/https?:\/\/(?!127\.0\.0\.1|example\.com)[a-z]/i);
  });

  it('pages load no external resources (src/href only local, data: or the one example.com link)', async () => {
    for (const [path] of PAGES) {
      const { text } = await get(path);
      const refs = [...text.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
      for (const ref of refs) {
        const abs = new URL(ref, base + path);
        const allowed = abs.origin === base || ['mailto:', 'javascript:', 'data:'].includes(abs.protocol) || ref === 'https://example.com/outside';
        expect({ path, ref, allowed }).toEqual({ path, ref, allowed: true });
      }
    }
  });

  it('index replaces __ORIGIN__ and has every kind of link', async () => {
    const { text } = await get('/');
    expect(text).not.toContain('__ORIGIN__');
    expect(text).toContain(`href="${base}/form.html"`);
    expect(text).toContain(`href="${base}/hover.html"`);
    expect(text.match(/href="form\.html"/g)).toHaveLength(2);
    expect(text).toContain('href="mailto:someone@example.com"');
    expect(text).toContain('href="javascript:void(0)"');
  });

  it('serves the stylesheet and answers 404, 405 and refuses path traversal', async () => {
    const css = await get('/style.css');
    expect(css.res.status).toBe(200);
    expect(css.res.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await get('/nope.html')).res.status).toBe(404);
    expect((await get('/form.html', { method: 'POST', body: 'x' })).res.status).toBe(405);
    expect(await rawGet('/..%2F..%2Fpackage.json')).toBe(404);
    expect(await rawGet('/../fixture-server.ts')).toBe(404);
    expect((await get('/favicon.ico')).res.status).toBe(204);
  });

  it('/echo reflects method, query, headers and body', async () => {
    const { res, text } = await get('/echo?a=1&b=two', {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'x-fixture': 'yes' },
      body: JSON.stringify({ hello: 'world' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const echo = JSON.parse(text) as Record<string, unknown>;
    expect(echo).toMatchObject({
      method: 'PUT',
      path: '/echo',
      query: { a: '1', b: 'two' },
      headers: { 'x-fixture': 'yes', 'content-type': 'application/json' },
      body: '{"hello":"world"}',
      json: { hello: 'world' },
    });
    const plain = JSON.parse((await get('/echo', { method: 'POST', body: 'not json' })).text) as Record<string, unknown>;
    expect(plain).toMatchObject({ method: 'POST', body: 'not json', json: null });
    expect((await get('/echo?status=201')).res.status).toBe(201);
    const head = await get('/echo', { method: 'HEAD' });
    expect(head.res.status).toBe(200);
    expect(head.text).toBe('');
  });

  it('/text, /json-text and /status/<code>', async () => {
    const text = await get('/text');
    expect(text.res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(text.text).toBe('hello from the fixture server');
    expect((await get('/text?text=abc')).text).toBe('abc');
    const jsonText = await get('/json-text');
    expect(jsonText.res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(JSON.parse(jsonText.text)).toEqual({ looks: 'like json', items: [1, 2, 3] });
    const s500 = await get('/status/500');
    expect(s500.res.status).toBe(500);
    expect(JSON.parse(s500.text)).toEqual({ status: 500, error: 'fixture status 500' });
    const s429 = await get('/status/429?retryAfter=3');
    expect(s429.res.status).toBe(429);
    expect(s429.res.headers.get('retry-after')).toBe('3');
    const s204 = await get('/status/204');
    expect(s204.res.status).toBe(204);
    expect(s204.text).toBe('');
    expect((await get('/status/abc')).res.status).toBe(400);
  });

  it('/large returns exactly the requested size (text and JSON)', async () => {
    const text = await get('/large?size=200000');
    expect(text.res.headers.get('content-length')).toBe('200000');
    expect(text.text).toHaveLength(200000);
    expect(text.text).toMatch(/^x+$/);
    const json = await get('/large?size=100000&type=json');
    expect(json.res.headers.get('content-type')).toBe('application/json');
    expect(json.text).toHaveLength(100000);
    expect((JSON.parse(json.text) as { data: string }).data).toHaveLength(100000 - 11);
  });

  it('/slow holds responses and tracks concurrency per tag', async () => {
    const started = Date.now();
    const parallel = await Promise.all([1, 2, 3].map(() => get('/slow?ms=300&tag=par')));
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(3000);
    for (const { res, text } of parallel) {
      expect(res.status).toBe(200);
      expect(JSON.parse(text)).toMatchObject({ tag: 'par', ms: 300 });
    }
    expect(server.requests.maxConcurrentByTag('par')).toBe(3);
    expect(server.requests.inFlightByTag('par')).toBe(0);
    await get('/slow?ms=50&tag=seq');
    await get('/slow?ms=50&tag=seq');
    expect(server.requests.maxConcurrentByTag('seq')).toBe(1);
    expect(server.requests.maxConcurrent('/slow')).toBeGreaterThanOrEqual(3);
  });

  it('/slow counts a request in flight until it is answered or aborted', async () => {
    const ctrl = new AbortController();
    const pending = fetch(`${base}/slow?ms=60000&tag=abort`, { signal: ctrl.signal }).catch(() => 'aborted');
    await server.requests.waitFor((r) => r.tag === 'abort');
    expect(server.requests.inFlightByTag('abort')).toBe(1);
    ctrl.abort();
    expect(await pending).toBe('aborted');
    await until(() => server.requests.inFlightByTag('abort') === 0);
    expect(server.requests.inFlightByTag('abort')).toBe(0);
  });

  it('/slow-page answers HTML after the delay', async () => {
    const { res, text, ms } = await get('/slow-page?ms=250');
    expect(ms).toBeGreaterThanOrEqual(240);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(text).toContain('<h1 id="slow-done">Loaded after 250 ms</h1>');
  });

  it('download endpoints send attachments with the documented names', async () => {
    const report = await get('/download/report');
    expect(report.res.headers.get('content-disposition')).toBe('attachment; filename="report 2024.csv"');
    expect(report.res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(report.text).toBe(REPORT_CSV);
    const unsafe = await get('/download/unsafe');
    expect(unsafe.res.headers.get('content-disposition')).toBe('attachment; filename="../../etc/passwd"');
    const named = await get('/download/named?name=r%C3%A9sum%C3%A9.txt&content=hi');
    expect(named.res.headers.get('content-disposition')).toBe(`attachment; filename="r_sum_.txt"; filename*=UTF-8''r%C3%A9sum%C3%A9.txt`);
    expect(named.text).toBe('hi');
  });

  it('/download/slow streams the configured size at the configured pace', async () => {
    const slow = await get('/download/slow?size=300000&chunk=100000&interval=150&name=big.bin');
    expect(slow.res.headers.get('content-disposition')).toBe('attachment; filename="big.bin"');
    expect(slow.res.headers.get('content-length')).toBe('300000');
    expect(slow.text).toHaveLength(300000);
    expect(slow.ms).toBeGreaterThanOrEqual(280);
    const noLength = await get('/download/slow?size=1000&interval=0&length=0');
    expect(noLength.res.headers.get('content-length')).toBeNull();
    expect(noLength.text).toHaveLength(1000);
  });

  it.each([301, 302, 303, 307, 308])('/redirect answers %i with the given Location', async (status) => {
    const { res } = await get(`/redirect?status=${status}&to=${encodeURIComponent('http://10.0.0.1/private')}`);
    expect(res.status).toBe(status);
    expect(res.headers.get('location')).toBe('http://10.0.0.1/private');
  });

  it('/redirect defaults, rejects other statuses, and chains exactly N hops', async () => {
    const def = await get('/redirect');
    expect(def.res.status).toBe(302);
    expect(def.res.headers.get('location')).toBe('/echo');
    expect((await get('/redirect?status=200')).res.status).toBe(400);
    server.requests.clear();
    const res = await fetch(`${base}/redirect-chain?hops=4&to=${encodeURIComponent('/text?text=end')}`);
    expect(await res.text()).toBe('end');
    expect(res.redirected).toBe(true);
    expect(server.requests.count('/redirect-chain')).toBe(4);
    expect(server.requests.count('/text')).toBe(1);
    const js = await get('/redirect-js?to=/form.html');
    expect(js.text).toContain('location.href = "/form.html"');
    const meta = await get('/redirect-meta?to=/form.html');
    expect(meta.text).toContain('<meta http-equiv="refresh" content="0;url=/form.html">');
  });

  type ChallengeCase = { query: string; status: number; header: boolean; title: string; contains: string[] };
  const CHALLENGES: ChallengeCase[] = [
    { query: '', status: 503, header: true, title: 'Just a moment...', contains: ['id="challenge-form"', 'Checking your browser'] },
    { query: 'variant=header', status: 200, header: true, title: 'Fixture article', contains: [NEUTRAL_LONG_TEXT] },
    { query: 'variant=interstitial', status: 200, header: false, title: 'Fixture loading page', contains: ['id="challenge-form"'] },
    { query: 'variant=interstitial&kind=px-captcha', status: 200, header: false, title: 'Fixture loading page', contains: ['id="px-captcha"'] },
    { query: 'variant=interstitial&kind=datadome', status: 200, header: false, title: 'Fixture loading page', contains: ['/fake/captcha-delivery.com/'] },
    { query: 'variant=interstitial&kind=incapsula', status: 200, header: false, title: 'Fixture loading page', contains: ['_Incapsula_Resource'] },
    { query: 'variant=interstitial&kind=awswaf', status: 200, header: false, title: 'Fixture loading page', contains: ['id="captcha-container"', 'src="/fake/awswaf.com/challenge.js"'] },
    { query: 'variant=text', status: 200, header: false, title: 'Fixture check', contains: ['Verify you are human'] },
    { query: 'variant=text&phrase=Press%20%26%20Hold', status: 200, header: false, title: 'Fixture check', contains: ['Press &amp; Hold'] },
    { query: 'variant=text-long', status: 200, header: false, title: 'Fixture FAQ', contains: ['Verify you are human', NEUTRAL_LONG_TEXT] },
    { query: 'variant=status', status: 403, header: false, title: 'Forbidden', contains: ['You do not have permission'] },
    { query: 'variant=status-text', status: 429, header: false, title: 'Fixture rate limit', contains: ['unusual traffic from your computer network'] },
    { query: 'variant=akamai', status: 403, header: false, title: 'Access Denied', contains: ['Access Denied', 'Reference #18.'] },
    { query: 'variant=captcha', status: 403, header: false, title: 'Fixture sign-in', contains: ['src="/recaptcha/api2/anchor?', 'width="304" height="78"'] },
    { query: 'variant=captcha&status=200&provider=hcaptcha', status: 200, header: false, title: 'Fixture sign-in', contains: ['/fake/hcaptcha.com/'] },
    { query: 'variant=captcha&provider=turnstile', status: 403, header: false, title: 'Fixture sign-in', contains: ['/fake/challenges.cloudflare.com/'] },
    { query: 'variant=captcha&provider=recaptcha-enterprise&size=invisible', status: 403, header: false, title: 'Fixture sign-in', contains: ['/recaptcha/enterprise/anchor?k=fixture-site-key&amp;size=invisible'] },
    { query: 'variant=captcha&hidden=1', status: 403, header: false, title: 'Fixture sign-in', contains: ['style="display:none"'] },
    { query: 'variant=captcha&small=1', status: 403, header: false, title: 'Fixture sign-in', contains: ['width="20" height="20"'] },
    { query: 'variant=status&status=503&header=1', status: 503, header: true, title: 'Forbidden', contains: [] },
  ];

  it.each(CHALLENGES)('/challenge?$query', async (c) => {
    const { res, text } = await get(`/challenge?${c.query}`);
    expect(res.status).toBe(c.status);
    expect(res.headers.get('cf-mitigated')).toBe(c.header ? 'challenge' : null);
    expect(titleOf(text)).toBe(c.title);
    for (const s of c.contains) expect(text).toContain(s);
  });

  const KIND_MARKERS: Record<string, string> = {
    'challenge-form': 'id="challenge-form"',
    'challenge-running': 'id="challenge-running"',
    'challenge-stage': 'id="challenge-stage"',
    'cf-challenge-running': 'id="cf-challenge-running"',
    'cf-browser-verification': 'class="cf-browser-verification"',
    'px-captcha': 'id="px-captcha"',
    datadome: 'src="/fake/captcha-delivery.com/captcha/',
    incapsula: 'src="/fake/_Incapsula_Resource?',
    awswaf: 'src="/fake/awswaf.com/challenge.js"',
    'awswaf-container-only': 'id="captcha-container"',
  };

  it.each(INTERSTITIAL_KINDS)('/challenge?variant=interstitial&kind=%s has only its marker', async (kind) => {
    const { res, text } = await get(`/challenge?variant=interstitial&kind=${kind}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cf-mitigated')).toBeNull();
    expect(text).toContain(KIND_MARKERS[kind]);
    if (kind === 'awswaf-container-only') expect(text).not.toContain('awswaf.com');
    expect(text.toLowerCase()).not.toMatch(/verify|checking|just a moment|robot/);
  });

  it('challenge variants without their signal stay clean', async () => {
    expect(CHALLENGE_VARIANTS).toEqual(expect.arrayContaining(['cloudflare', 'header', 'interstitial', 'text', 'text-long', 'status', 'status-text', 'akamai', 'captcha']));
    expect(INTERSTITIAL_KINDS.length).toBeGreaterThanOrEqual(10);
    expect(WIDGET_PROVIDERS).toEqual(['recaptcha', 'recaptcha-enterprise', 'hcaptcha', 'turnstile']);
    const header = await get('/challenge?variant=header');
    expect(header.text.toLowerCase()).not.toMatch(/verify|checking your browser|just a moment|challenge-form/);
    const status = await get('/challenge?variant=status');
    expect(status.text).not.toContain('cf-');
    expect(NEUTRAL_LONG_TEXT.length).toBeGreaterThan(2000);
    const bodyText = (await get('/challenge?variant=text')).text.replace(/<[^>]*>/g, '');
    expect(bodyText.length).toBeLessThan(2000);
    expect((await get('/challenge?variant=nope')).res.status).toBe(400);
  });

  it('fake widget and script stand-ins are served locally', async () => {
    for (const path of ['/recaptcha/api2/anchor?k=x', '/recaptcha/enterprise/anchor?k=x', '/fake/hcaptcha.com/captcha/v1/checkbox', '/fake/captcha-delivery.com/captcha/']) {
      const { res, text } = await get(path);
      expect(res.status).toBe(200);
      expect(text).toContain('fixture widget');
    }
    const js = await get('/fake/awswaf.com/challenge.js');
    expect(js.res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('cookie endpoints set, report and clear cookies', async () => {
    const set = await get('/cookies/set?name=session&value=abc123');
    expect(set.res.headers.getSetCookie()).toEqual([
      'session=abc123; Path=/',
      'http_only_cookie=h1; Path=/; HttpOnly; SameSite=Lax',
      'persistent_cookie=p1; Path=/; Max-Age=86400',
    ]);
    expect(set.text).toContain("document.cookie = 'js_cookie=j1; path=/; max-age=86400'");
    expect(set.text).toContain("localStorage.setItem('fixture_ls', 'l1')");
    const unsafe = await get('/cookies/set?name=bad%3Bname&value=x%27y');
    expect(unsafe.res.headers.getSetCookie()[0]).toBe('server_cookie=s1; Path=/');
    const echo = await get('/cookies/echo', { headers: { cookie: 'a=1; b=two=2' } });
    expect(JSON.parse(echo.text)).toEqual({ cookies: { a: '1', b: 'two=2' }, raw: 'a=1; b=two=2' });
    const cleared = await get('/cookies/clear?name=session');
    expect(cleared.res.headers.getSetCookie()).toEqual(['session=; Path=/; Max-Age=0']);
  });

  it('/form-submit echoes POSTed and GET fields', async () => {
    const post = await get('/form-submit', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=Ada+%3Cb%3E&topics=a&topics=b',
    });
    expect(post.text).toContain('<dd data-field="name">Ada &lt;b&gt;</dd>');
    expect(post.text).toContain('<dd data-field="topics">a</dd><dd data-field="topics">b</dd>');
    expect(post.text).toContain('<p id="method">POST</p>');
    expect(post.text).toContain(`<pre id="submitted-json">{&quot;name&quot;:[&quot;Ada &lt;b&gt;&quot;],&quot;topics&quot;:[&quot;a&quot;,&quot;b&quot;]}</pre>`);
    const getForm = await get('/form-submit?q=lamp');
    expect(getForm.text).toContain('<dd data-field="q">lamp</dd>');
  });

  it('/api/items pages a finite feed', async () => {
    const p1 = JSON.parse((await get('/api/items?page=1&size=2&pages=2')).text) as unknown;
    expect(p1).toEqual({ page: 1, size: 2, pages: 2, hasMore: true, items: [{ id: 1, label: 'Item 1' }, { id: 2, label: 'Item 2' }] });
    const p2 = JSON.parse((await get('/api/items?page=2&size=2&pages=2')).text) as { hasMore: boolean; items: unknown[] };
    expect(p2.hasMore).toBe(false);
    expect(p2.items).toEqual([{ id: 3, label: 'Item 3' }, { id: 4, label: 'Item 4' }]);
    const p3 = JSON.parse((await get('/api/items?page=3&size=2&pages=2')).text) as { items: unknown[] };
    expect(p3.items).toEqual([]);
  });

  it('/links generates n links, repeated dup times, plus one absolute duplicate', async () => {
    const { text } = await get('/links?n=10&dup=2');
    expect(text.match(/<a /g)).toHaveLength(21);
    expect(text).toContain(`href="${base}/links/item/1"`);
    const big = await get('/links?n=6000');
    expect(big.text.match(/<a /g)).toHaveLength(6001);
    const item = await get('/links/item/7');
    expect(item.text).toContain('<h1 id="item">Item 7</h1>');
  });

  it('request log records method, path, query, headers, body and timing', async () => {
    server.requests.clear();
    expect(server.requests.all()).toEqual([]);
    const before = Date.now();
    await get('/echo?x=1', { method: 'POST', headers: { 'x-trace': 't1' }, body: 'payload' });
    const entry = server.requests.last('/echo');
    expect(entry).toMatchObject({ method: 'POST', path: '/echo', url: '/echo?x=1', query: { x: '1' }, body: 'payload', bodyBytes: 7, status: 200 });
    expect(entry?.headers['x-trace']).toBe('t1');
    expect(entry?.time).toBeGreaterThanOrEqual(before);
    expect(entry?.endTime).toBeGreaterThanOrEqual(entry?.time ?? Infinity);
    expect(server.requests.count('/echo', 'POST')).toBe(1);
    expect(server.requests.count('/echo', 'GET')).toBe(0);
    const waiting = server.requests.waitFor((r) => r.path === '/text' && r.query.text === 'later');
    await get('/text?text=later');
    expect((await waiting).query.text).toBe('later');
    await expect(server.requests.waitFor((r) => r.path === '/never', 50)).rejects.toThrow('no matching fixture request');
  });
});

describe('fixture pages in Chromium', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    browser = await launchTestChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  beforeEach(async () => {
    context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1366, height: 768 } });
    page = await context.newPage();
  });

  afterEach(async () => {
    await context?.close();
  });

  async function text(selector: string): Promise<string> {
    return (await page.locator(selector).textContent()) ?? '';
  }

  /** Waits (≤ 5 s) until the element's text equals `expected`, then returns it for assertion. */
  async function textWhen(selector: string, expected: string): Promise<string> {
    await page
      .waitForFunction(([s, t]) => document.querySelector(s)?.textContent === t, [selector, expected] as const, { timeout: 5000 })
      .catch(() => undefined);
    return text(selector);
  }

  it('form values reach the server (text, password, textarea, select by value and label, checks, radio)', async () => {
    await page.goto(`${base}/form.html`);
    // #name has autofocus, applied by the browser shortly after load.
    await page.waitForFunction(() => document.activeElement?.id === 'name');
    await page.keyboard.type('Ada');
    await page.fill('#email', 'ada@example.com');
    await page.fill('#password', 'hunter22');
    await page.fill('#message', 'line one\nline two');
    await page.locator('#prefilled').press('End');
    await page.keyboard.type(' world');
    await page.selectOption('#country', { label: 'Germany' });
    await page.selectOption('#colour', { value: 'red' });
    await page.check('#newsletter');
    await page.uncheck('#terms');
    await page.check('#topic-b');
    await page.check('#plan-pro');
    await Promise.all([page.waitForURL(`${base}/form-submit`), page.click('#submit')]);
    const fields = JSON.parse(await text('#submitted-json')) as Record<string, string[]>;
    expect(fields).toEqual({
      name: ['Ada'],
      email: ['ada@example.com'],
      prefilled: ['Hello world'],
      password: ['hunter22'],
      message: ['line one\r\nline two'],
      country: ['de'],
      colour: ['red'],
      newsletter: ['yes'],
      topics: ['b'],
      plan: ['pro'],
    });
    expect(server.requests.last('/form-submit')?.method).toBe('POST');
  });

  it('load-more appends items until the feed ends', async () => {
    await page.goto(`${base}/load-more.html?pages=3`);
    expect(await page.locator('.item').count()).toBe(3);
    await page.click('#load-more');
    expect(await textWhen('#count', '6')).toBe('6');
    await page.click('#load-more');
    expect(await textWhen('#count', '9')).toBe('9');
    await page.locator('#done').waitFor({ state: 'visible' });
    expect(await page.locator('#load-more').count()).toBe(0);
    expect(await page.locator('.item').last().textContent()).toBe('Item 9');
  });

  it('delayed elements appear and disappearing ones hide / detach', async () => {
    // Initial state read in one round trip, well inside the delay.
    await page.goto(`${base}/delayed.html?delay=1500`);
    const initial = await page.evaluate(() => ({
      late: document.querySelectorAll('#late').length,
      reveal: getComputedStyle(document.getElementById('reveal') as HTMLElement).display,
      disabled: (document.getElementById('late-button') as HTMLButtonElement).disabled,
    }));
    expect(initial).toEqual({ late: 0, reveal: 'none', disabled: true });
    await page.locator('#late').waitFor({ state: 'visible', timeout: 5000 });
    expect(await page.locator('#reveal').isVisible()).toBe(true);
    await page.click('#late-button');
    expect(await text('#late-clicked')).toBe('clicked');

    await page.goto(`${base}/disappearing.html?delay=1500`);
    expect(await page.evaluate(() => [document.getElementById('vanish')?.style.display, !!document.getElementById('remove')])).toEqual(['', true]);
    await page.locator('#vanish').waitFor({ state: 'hidden', timeout: 5000 });
    await page.locator('#remove').waitFor({ state: 'detached', timeout: 5000 });
    expect(await page.locator('#vanish').count()).toBe(1);
  });

  it('drag and drop records HTML5 and pointer drops', async () => {
    await page.goto(`${base}/dnd.html`);
    await page.dragAndDrop('#drag-source', '#drop-zone');
    expect(await textWhen('#drop-result', 'dropped:drag-source')).toBe('dropped:drag-source');
    expect(await page.locator('#drop-zone #drag-source').count()).toBe(1);

    const from = await page.locator('#pointer-source').boundingBox();
    const to = await page.locator('#pointer-target').boundingBox();
    if (!from || !to) throw new Error('no boxes');
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 10 });
    await page.mouse.up();
    expect(await text('#pointer-result')).toBe('dropped');
    expect(Number(await text('#pointer-moves'))).toBeGreaterThanOrEqual(10);
  });

  it('hover shows the tooltip', async () => {
    await page.goto(`${base}/hover.html`);
    expect(await page.locator('#tooltip').isVisible()).toBe(false);
    await page.hover('#hover-target');
    expect(await page.locator('#tooltip').isVisible()).toBe(true);
    expect(await text('#hover-state')).toBe('hovered');
    await page.mouse.move(1000, 700);
    expect(await text('#hover-state')).toBe('left');
  });

  it('key presses are recorded with modifiers', async () => {
    await page.goto(`${base}/keys.html`);
    await page.press('#key-input', 'x');
    await page.keyboard.press('Control+b');
    await page.keyboard.press('Shift+Enter');
    expect(await page.locator('#key-log li').allTextContents()).toEqual(['x', 'Control+b', 'Shift+Enter']);
    expect(await page.locator('#key-log li').first().getAttribute('data-target')).toBe('key-input');
    expect(await text('#last-key')).toBe('Shift+Enter');
    expect(await page.inputValue('#key-input')).toBe('x');
  });

  it('single, double, right and x,y point clicks are detected', async () => {
    await page.goto(`${base}/clicks.html`);
    await page.click('#click-target');
    await page.click('#click-target');
    expect(await text('#click-count')).toBe('2');
    await page.dblclick('#dbl-target');
    expect(await text('#dbl-result')).toBe('double');
    await page.click('#ctx-target', { button: 'right' });
    expect(await text('#ctx-result')).toBe('right');
    expect(await text('#last-button')).toBe('right');
    await page.mouse.click(350, 350);
    expect(await text('#point-hits')).toBe('1');
    expect(await text('#last-click')).toBe('350,350,point-target');
  });

  it('scroll page reports window and inner scroll positions', async () => {
    await page.goto(`${base}/scroll.html`);
    await page.evaluate(() => window.scrollTo(0, 1200));
    expect(await textWhen('#scroll-y', '1200')).toBe('1200');
    await page.mouse.move(1200, 150); // over #inner
    await page.mouse.wheel(0, 500);
    await page.waitForFunction(() => Number(document.getElementById('inner-scroll-top')?.textContent) > 0, undefined, { timeout: 5000 });
    expect(Number(await text('#inner-scroll-top'))).toBeGreaterThan(0);
    expect(await textWhen('#scroll-y', '1200')).toBe('1200');
  });

  it('infinite scroll loads pages as the bottom is approached and stops at the end', async () => {
    await page.goto(`${base}/infinite.html?pages=4`);
    expect(await textWhen('#loaded-pages', '1')).toBe('1');
    for (let i = 0; i < 40 && (await text('#loaded-pages')) !== '4'; i += 1) {
      await page.mouse.wheel(0, 800);
      await page.waitForTimeout(100);
    }
    expect(await text('#loaded-pages')).toBe('4');
    expect(await text('#feed-count')).toBe('40');
    expect(await page.locator('#feed-end').isVisible()).toBe(true);
    expect(server.requests.forPath('/api/items').filter((r) => r.query.pages === '4')).toHaveLength(4);
  });

  it('shadow DOM: open and nested roots are reachable, the closed root is not', async () => {
    await page.goto(`${base}/shadow.html`);
    expect(await text('.shadow-text')).toBe('Open shadow text');
    expect(await text('.nested-text')).toBe('Nested shadow text');
    expect(await page.locator('.closed-text').count()).toBe(0);
    const roots = await page.evaluate(() => ({
      open: document.getElementById('open-host')?.shadowRoot?.mode ?? null,
      closed: document.getElementById('closed-host')?.shadowRoot ?? null,
    }));
    expect(roots).toEqual({ open: 'open', closed: null });
    await page.click('#shadow-button');
    expect(await text('.shadow-text')).toBe('Shadow button clicked');
  });

  it('downloads carry the suggested file names', async () => {
    await page.goto(`${base}/download.html`);
    const [report] = await Promise.all([page.waitForEvent('download'), page.click('#dl-report')]);
    expect(report.suggestedFilename()).toBe('report 2024.csv');
    expect(report.url()).toBe(`${base}/download/report`);
    const stream = await report.createReadStream();
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(REPORT_CSV);

    const [unsafe] = await Promise.all([page.waitForEvent('download'), page.click('#dl-unsafe')]);
    expect(unsafe.suggestedFilename()).not.toContain('/');
    expect(unsafe.suggestedFilename()).toMatch(/passwd/);

    const [blob] = await Promise.all([page.waitForEvent('download'), page.click('#dl-blob')]);
    expect(blob.suggestedFilename()).toBe('blob file.txt');
    expect(blob.url()).toMatch(/^blob:/);
  });

  it('slow download stays in progress until the last chunk', async () => {
    await page.goto(`${base}/download.html`);
    const started = Date.now();
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#dl-slow')]);
    expect(dl.suggestedFilename()).toBe('slow.bin');
    expect(await dl.failure()).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
  });

  it('dialogs: alert, confirm and prompt', async () => {
    const seen: string[] = [];
    page.on('dialog', (d) => {
      seen.push(`${d.type()}:${d.message()}:${d.defaultValue()}`);
      void d.accept(d.type() === 'prompt' ? d.defaultValue() : undefined);
    });
    await page.goto(`${base}/dialogs.html?auto=alert`);
    expect(await textWhen('#alert-result', 'closed')).toBe('closed');
    await page.click('#confirm');
    await page.click('#prompt');
    expect(await text('#confirm-result')).toBe('true');
    expect(await text('#prompt-result')).toBe('fixture default');
    expect(seen).toEqual(['alert:fixture alert:', 'confirm:fixture confirm?:', 'prompt:fixture prompt:fixture default']);
  });

  it('popups and target=_blank links open new pages', async () => {
    await page.goto(`${base}/popup.html`);
    const [popup] = await Promise.all([context.waitForEvent('page'), page.click('#open-popup')]);
    await popup.waitForLoadState('domcontentloaded');
    expect(popup.url()).toBe(`${base}/popup-target.html?via=window.open`);
    expect(await text('#popup-result')).toBe('yes');
    const [tab] = await Promise.all([context.waitForEvent('page'), page.click('#new-tab')]);
    await tab.waitForLoadState('domcontentloaded');
    expect(await tab.title()).toBe('Popup target');
    expect(context.pages()).toHaveLength(3);
  });

  it('throwing page reports page errors and stays usable; console page logs', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/throws.html`);
    expect(await text('#before')).toBe('script ran');
    await page.click('#throw');
    await until(() => errors.length >= 2);
    expect(errors).toEqual(['fixture page error', 'fixture click error']);

    const lines: string[] = [];
    page.on('console', (m) => lines.push(`${m.type()}:${m.text()}`));
    await page.goto(`${base}/console.html`);
    await page.click('#log');
    await until(() => lines.length >= 5);
    expect(lines).toEqual([
      'log:fixture console log 42',
      'info:fixture console info',
      'warning:fixture console warn',
      'error:fixture console error',
      'log:fixture button clicked',
    ]);
  });

  it('cookies and localStorage set by the page reach the cookie echo', async () => {
    await page.goto(`${base}/cookies/set?name=session&value=abc`);
    expect(await textWhen('#status', 'set')).toBe('set');
    const cookies = await context.cookies();
    const byName = Object.fromEntries(cookies.map((c) => [c.name, c]));
    expect(byName.session?.value).toBe('abc');
    expect(byName.http_only_cookie?.httpOnly).toBe(true);
    expect(byName.persistent_cookie?.expires).toBeGreaterThan(Date.now() / 1000);
    expect(byName.js_cookie?.value).toBe('j1');
    const state = await context.storageState();
    expect(state.origins.find((o) => o.origin === base)?.localStorage).toEqual([{ name: 'fixture_ls', value: 'l1' }]);

    await page.goto(`${base}/cookies/echo`);
    const echoed = JSON.parse((await page.locator('body').textContent()) ?? '{}') as { cookies: Record<string, string> };
    expect(echoed.cookies).toEqual({ session: 'abc', http_only_cookie: 'h1', persistent_cookie: 'p1', js_cookie: 'j1' });

    await page.goto(`${base}/storage.html`);
    expect(await text('#storage')).toBe('{"fixture_ls":"l1"}');
    await page.goto(`${base}/cookies/clear?name=session`);
    expect((await context.cookies()).map((c) => c.name)).not.toContain('session');
  });

  it('challenge page and a CAPTCHA widget iframe served locally', async () => {
    const res = await page.goto(`${base}/challenge`);
    expect(res?.status()).toBe(503);
    expect(res?.headers()['cf-mitigated']).toBe('challenge');
    expect(await page.title()).toBe('Just a moment...');
    expect(await page.locator('#challenge-form').count()).toBe(1);

    server.requests.clear();
    const widget = await page.goto(`${base}/challenge?variant=captcha`);
    expect(widget?.status()).toBe(403);
    const frame = page.locator('iframe#captcha-widget');
    await frame.waitFor({ state: 'visible' });
    const box = await frame.boundingBox();
    expect(box?.width).toBeGreaterThanOrEqual(30);
    expect(box?.height).toBeGreaterThanOrEqual(30);
    expect(await frame.getAttribute('src')).toContain('/recaptcha/api2/anchor');
    await server.requests.waitFor((r) => r.path === '/recaptcha/api2/anchor', 5000);

    await page.goto(`${base}/captcha-form.html`);
    await page.locator('iframe#captcha-widget').waitFor({ state: 'visible' });
    const bodyText = await page.evaluate(() => document.body.innerText.toLowerCase());
    expect(bodyText).not.toMatch(/verify you are human|are you a robot|just a moment/);
  });

  it('redirect chain and client-side redirects end on the target page', async () => {
    server.requests.clear();
    const res = await page.goto(`${base}/redirect-chain?hops=3&status=307&to=${encodeURIComponent('/form.html')}`);
    expect(res?.url()).toBe(`${base}/form.html`);
    expect(server.requests.count('/redirect-chain')).toBe(3);
    await page.goto(`${base}/redirect-js?to=${encodeURIComponent('/popup-target.html')}`);
    await page.waitForURL(`${base}/popup-target.html`);
    await page.goto(`${base}/redirect-meta?to=${encodeURIComponent('/nested/child.html')}`);
    await page.waitForURL(`${base}/nested/child.html`);
  });

  it('busy page blocks its main thread until Runtime.terminateExecution', async () => {
    await page.goto(`${base}/busy.html`);
    const cdp = await context.newCDPSession(page);
    const hung = page.evaluate(() => document.getElementById('spin')?.click()).then(
      () => 'returned',
      (e: Error) => `rejected: ${e.message}`,
    );
    const probe = await Promise.race([page.evaluate(() => 'responsive'), new Promise((r) => setTimeout(() => r('blocked'), 500))]);
    expect(probe).toBe('blocked');
    await cdp.send('Runtime.terminateExecution');
    expect(await hung).toMatch(/^rejected: /);
    expect(await page.evaluate(() => document.getElementById('status')?.textContent)).toBe('spinning');
  });

  it('cleaned-HTML page holds every element type the cleaner removes', async () => {
    await page.goto(`${base}/cleaned.html`);
    const counts = await page.evaluate(() =>
      Object.fromEntries(['script', 'style', 'noscript', 'svg', 'link'].map((t) => [t, document.getElementsByTagName(t).length])),
    );
    expect(counts).toEqual({ script: 2, style: 1, noscript: 1, svg: 1, link: 2 });
    expect(await text('#spaces')).toBe('  two  spaces  kept  ');
    const csv = await page.goto(`${base}/csv.html`);
    expect(csv?.status()).toBe(200);
    expect(await page.locator('#csv').innerText()).toContain('Reading lamp,12.50,"two\nlines"');
  });

  it('scrape link sources: index links resolve as documented', async () => {
    await page.goto(`${base}/`);
    const hrefs = await page.evaluate(() => Array.from(document.querySelectorAll('a[href]'), (a) => (a as HTMLAnchorElement).href));
    const httpLinks = [...new Set(hrefs.filter((h) => /^https?:/.test(h)))];
    expect(httpLinks).toEqual([
      `${base}/form.html`,
      `${base}/load-more.html`,
      `${base}/nested/child.html`,
      `${base}/hover.html`,
      'https://example.com/outside',
      `${base}/pages.html`,
    ]);
    expect(hrefs).toContain('mailto:someone@example.com');
  });
});
