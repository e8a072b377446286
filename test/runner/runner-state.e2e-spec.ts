// Cookie jar merge (RUNNER §11.5, §10.1), secret masking of results (§16) and templating safety of
// the extraction script (§4.5), through real Chromium.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CookieJarService } from '../../src/captures/cookie-jar/cookie-jar.service.js';
import { SECRET_MASK } from '../../src/runner/redaction/secret-masker.js';
import type { TestApp } from '../support/app-harness.js';
import { STORAGE_PROVIDERS } from '../support/storage-matrix.js';
import { run, startFixtureServer, startRunnerApp, task, type FixtureSite } from './runner-kit.js';

describe.each(STORAGE_PROVIDERS)('TaskRunner cookie jar (%s storage)', (storage) => {
  let app: TestApp;
  let site: FixtureSite;

  beforeAll(async () => {
    [app, site] = await Promise.all([startRunnerApp({}, storage), startFixtureServer()]);
  });
  afterAll(async () => {
    await app?.close();
    await site?.close();
  });

  const jarCookies = async () => {
    const jar = await app.app.get(CookieJarService).view(true);
    return Object.fromEntries(jar.cookies.map((c) => [c.name, c.value]));
  };
  const echoCookies = 'return JSON.parse(document.body.innerText).cookies';

  it('merges the cookies and localStorage a run sets; the next run starts with them', async () => {
    const set = await run(app, task({ url: `${site.url}/cookies/set?name=server_cookie&value=s1&js=j1&ls=l1` }));
    expect(set.result.outcome).toBe('success');
    const cookies = await jarCookies();
    expect(cookies).toMatchObject({ server_cookie: 's1', http_only_cookie: 'h1', persistent_cookie: 'p1', js_cookie: 'j1' });
    const jar = await app.app.get(CookieJarService).view(true);
    expect(jar.origins.find((o) => o.origin === site.url)?.localStorage).toContainEqual({ name: 'fixture_ls', value: 'l1' });

    const echo = await run(app, task({ url: `${site.url}/cookies/echo`, extractionScript: echoCookies }));
    expect(echo.result.data).toMatchObject({ server_cookie: 's1', persistent_cookie: 'p1' });
  });

  it('a cookie the run deletes is deleted from the jar; untouched cookies stay', async () => {
    await run(app, task({ url: `${site.url}/cookies/set?name=keep_me&value=k1` }));
    const cleared = await run(app, task({ url: `${site.url}/cookies/clear?name=keep_me` }));
    expect(cleared.result.outcome).toBe('success');
    const cookies = await jarCookies();
    expect(cookies.keep_me).toBeUndefined();
    expect(cookies.server_cookie).toBe('s1');
  });

  it('stateless runs neither load nor save the jar', async () => {
    const before = await jarCookies();
    expect(before.server_cookie).toBe('s1');
    const set = await run(app, task({ url: `${site.url}/cookies/set?name=stateless_cookie&value=x1`, statelessExecution: true }));
    expect(set.result.outcome).toBe('success');
    expect((await jarCookies()).stateless_cookie).toBeUndefined();
    const echo = await run(app, task({ url: `${site.url}/cookies/echo`, statelessExecution: true, extractionScript: echoCookies }));
    expect(echo.result.data).toEqual({});
  });

  it('stopped runs still merge the jar (§10.1 stopped column)', async () => {
    const controller = new AbortController();
    const r = await run(app, task({ url: `${site.url}/cookies/set?name=stop_cookie&value=st1`, actions: [{ id: 'act_wait', type: 'wait', value: '30' }] }), {
      signal: controller.signal,
      onEvent: (e) => {
        if (e.event === 'action' && e.actionId === 'act_wait' && e.status === 'running') setTimeout(() => controller.abort(), 100);
      },
    });
    expect(r.result.outcome).toBe('stopped');
    expect((await jarCookies()).stop_cookie).toBe('st1');
  });
});

describe('TaskRunner result safety', () => {
  let app: TestApp;
  let site: FixtureSite;

  beforeAll(async () => {
    [app, site] = await Promise.all([startRunnerApp(), startFixtureServer()]);
  });
  afterAll(async () => {
    await app?.close();
    await site?.close();
  });

  describe('secret masking (§16)', () => {
    const SECRET = 'hunter2-secret-xyz';
    const TYPED = 'typed-pass-9876';

    it('masks secrets in logs, final_url, html and every string leaf of data; events too', async () => {
      const r = await run(
        app,
        task({
          url: `${site.url}/echo?token={$password}`,
          variables: { password: { type: 'string', value: SECRET, secret: true } },
          includeHtml: true,
          actions: [{ type: 'javascript', value: 'console.log("pw is", vars.password); return 1' }],
          extractionScript: 'return { pw: vars.password, nested: [{ text: document.body.innerText }], n: 5 }',
        }),
        { secrets: [SECRET] },
      );
      const { result } = r;
      expect(result.outcome).toBe('success');
      expect(JSON.stringify(result)).not.toContain(SECRET);
      expect(JSON.stringify(r.events)).not.toContain(SECRET);
      expect(result.final_url).toBe(`${site.url}/echo?token=${SECRET_MASK}`);
      expect(result.data).toMatchObject({ pw: SECRET_MASK, n: 5 });
      expect((result.data as { nested: Array<{ text: string }> }).nested[0].text).toContain(SECRET_MASK);
      expect(result.html).toContain(SECRET_MASK);
      expect(result.logs.some((line) => line.includes(`pw is ${SECRET_MASK}`))).toBe(true);
      expect(result.logs.some((line) => line.includes(`token=${SECRET_MASK}`))).toBe(true);
    });

    it('masks text typed into a password field in the result', async () => {
      const r = await run(
        app,
        task({
          url: `${site.url}/form.html`,
          actions: [{ type: 'type', selector: '#password', value: TYPED }],
          extractionScript: 'return { value: document.querySelector("#password").value }',
        }),
      );
      expect(r.result.data).toEqual({ value: SECRET_MASK });
      expect(JSON.stringify(r.result)).not.toContain(TYPED);
    });
  });

  describe('extraction script templating safety (§4.5)', () => {
    const EVIL = 'a"b\'c`d${globalThis.__pwned=1}e*/f</script>g\\h\n";globalThis.__pwned=2;//';

    it('a variable value with quotes, backticks, ${, */ and </script> cannot change the script', async () => {
      const r = await run(
        app,
        task({
          url: `${site.url}/form.html`,
          variables: { evil: { type: 'string', value: EVIL } },
          extractionScript: [
            'const inDouble = "{$evil}";',
            "const inSingle = '{$evil}';",
            'const inTemplate = `{$evil}`;',
            'const inCode = {$evil};',
            '/* {$evil} */',
            'return { inDouble, inSingle, inTemplate, inCode, fromVars: vars.evil, pwned: globalThis.__pwned ?? null };',
          ].join('\n'),
        }),
      );
      expect(r.result.outcome).toBe('success');
      expect(r.result.data).toEqual({ inDouble: EVIL, inSingle: EVIL, inTemplate: EVIL, inCode: EVIL, fromVars: EVIL, pwned: null });
    });
  });
});
