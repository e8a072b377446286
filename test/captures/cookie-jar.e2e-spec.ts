import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { CookieJarService } from '../../src/captures/cookie-jar/cookie-jar.service.js';
import type { JarCookie, StorageState } from '../../src/captures/cookie-jar/storage-state.js';
import { startTestApp, type TestApp } from '../support/app-harness.js';
import { STORAGE_PROVIDERS } from '../support/storage-matrix.js';

interface ErrorBody {
  error: string;
  message: string;
  details?: unknown;
}

const MASK = '••••••••';
const EMPTY: StorageState = { cookies: [], origins: [] };
const cookie = (name: string, value: string, extra: Partial<JarCookie> = {}): JarCookie => ({
  name,
  value,
  domain: 'example.com',
  path: '/',
  expires: -1,
  httpOnly: true,
  secure: true,
  sameSite: 'Lax',
  ...extra,
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : e.isFile() ? [p] : [];
  });
}

describe.each(STORAGE_PROVIDERS)('cookie jar (%s storage)', (storage) => {
  let t: TestApp;
  let jar: CookieJarService;
  const planted = `planted-${randomBytes(12).toString('hex')}`;
  const plantedLs = `ls-${randomBytes(12).toString('hex')}`;
  const call = (method: string, p: string, body?: unknown) =>
    fetch(`${t.url}${p}`, {
      method,
      headers: { 'x-api-key': t.apiKey, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const view = async (q = '') => (await (await call('GET', `/api/data/cookies${q}`)).json()) as StorageState;
  const seedJar = () =>
    jar.merge(EMPTY, {
      cookies: [
        cookie('sid', planted),
        cookie('sid', 'dot-domain', { domain: '.example.com' }),
        cookie('sid', 'app-path', { path: '/app' }),
        cookie('pref', 'dark', { domain: 'other.org', httpOnly: false, secure: false, sameSite: 'None', expires: Math.floor(Date.now() / 1000) + 3600 }),
      ],
      origins: [{ origin: 'https://example.com', localStorage: [{ name: 'token', value: plantedLs }] }],
    });

  beforeAll(async () => {
    t = await startTestApp({ storage });
    jar = t.app.get(CookieJarService);
  });
  afterAll(async () => t?.close());

  it('starts empty', async () => {
    const res = await call('GET', '/api/data/cookies');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual(EMPTY);
  });

  it('masks cookie and localStorage values unless reveal=true', async () => {
    await seedJar();
    const masked = await view();
    expect(masked.cookies).toHaveLength(4);
    expect(masked.cookies.every((c) => c.value === MASK)).toBe(true);
    expect(masked.cookies[0]).toEqual({ ...cookie('sid', MASK) });
    expect(masked.origins).toEqual([{ origin: 'https://example.com', localStorage: [{ name: 'token', value: MASK }] }]);
    expect(JSON.stringify(masked)).not.toContain(planted);
    expect(await view('?reveal=false')).toEqual(masked);

    const revealed = await view('?reveal=true');
    expect(revealed.cookies.map((c) => c.value)).toEqual([planted, 'dot-domain', 'app-path', 'dark']);
    expect(revealed.origins[0].localStorage[0].value).toBe(plantedLs);
  });

  it('rejects a reveal value other than true/false', async () => {
    const res = await call('GET', '/api/data/cookies?reveal=yes');
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorBody;
    expect(body.error).toBe('VALIDATION_FAILED');
    expect(body.details).toEqual([{ field: 'query.reveal', message: expect.any(String) }]);
  });

  it('keeps the jar encrypted at rest', async () => {
    for (const file of filesUnder(t.dataDir)) {
      const text = readFileSync(file).toString('latin1');
      expect(text.includes(planted) || text.includes(plantedLs)).toBe(false);
    }
    if (storage === 'postgres') {
      const client = new pg.Client({ connectionString: t.config.postgres.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ value: string }>("SELECT value::text AS value FROM settings WHERE key = 'cookieJar'");
        expect(rows).toHaveLength(1);
        expect(rows[0].value).toContain('enc:v1:');
        expect(rows[0].value).not.toContain(planted);
        expect(rows[0].value).not.toContain(plantedLs);
      } finally {
        await client.end();
      }
    } else {
      const settings = readFileSync(path.join(t.dataDir, 'settings.json'), 'utf8');
      expect(JSON.parse(settings).cookieJar).toMatch(/^enc:v1:/);
    }
  });

  describe('POST /api/data/cookies/delete', () => {
    it('rejects a body without a usable name with VALIDATION_FAILED', async () => {
      for (const body of [{}, { name: '' }, { name: 5 }, { name: 'x', domain: 7 }]) {
        const res = await call('POST', '/api/data/cookies/delete', body);
        expect(res.status).toBe(400);
        const err = (await res.json()) as ErrorBody;
        expect(err.error).toBe('VALIDATION_FAILED');
        expect(err.details).toEqual(expect.arrayContaining([{ field: expect.stringMatching(/^(name|domain)$/), message: expect.any(String) }]));
      }
      const noBody = await fetch(`${t.url}/api/data/cookies/delete`, { method: 'POST', headers: { 'x-api-key': t.apiKey } });
      expect(noBody.status).toBe(400);
      expect(((await noBody.json()) as ErrorBody).details).toEqual(expect.arrayContaining([{ field: 'name', message: expect.any(String) }]));
    });

    it('answers deleted: 0 when nothing matches', async () => {
      const res = await call('POST', '/api/data/cookies/delete', { name: 'nope' });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ success: true, deleted: 0 });
    });

    it('matches domain exactly with the leading dot ignored, and path exactly', async () => {
      expect(await (await call('POST', '/api/data/cookies/delete', { name: 'sid', domain: 'example.com', path: '/app' })).json()).toEqual({ success: true, deleted: 1 });
      // "example.com" and ".example.com" both match, whichever form is given.
      expect(await (await call('POST', '/api/data/cookies/delete', { name: 'sid', domain: '.example.com' })).json()).toEqual({ success: true, deleted: 2 });
      expect((await view('?reveal=true')).cookies.map((c) => c.value)).toEqual(['dark']);
      expect(await (await call('POST', '/api/data/cookies/delete', { name: 'pref', domain: 'ther.org' })).json()).toEqual({ success: true, deleted: 0 });
      expect(await (await call('POST', '/api/data/cookies/delete', { name: 'pref' })).json()).toEqual({ success: true, deleted: 1 });
      expect((await view()).cookies).toEqual([]);
    });
  });

  describe('POST /api/data/clear-cookies', () => {
    it('empties cookies and origins, on both paths', async () => {
      for (const p of ['/api/data/clear-cookies', '/api/clear-cookies']) {
        await seedJar();
        expect((await view()).cookies).toHaveLength(4);
        const res = await call('POST', p);
        expect(res.status).toBe(200);
        expect(await res.json()).toEqual({ success: true });
        expect(await view('?reveal=true')).toEqual(EMPTY);
      }
    });

    it('answers 401 without a key and 404 NOT_FOUND for GET', async () => {
      expect((await fetch(`${t.url}/api/clear-cookies`, { method: 'POST' })).status).toBe(401);
      const res = await call('GET', '/api/data/clear-cookies');
      expect(res.status).toBe(404);
      expect(((await res.json()) as ErrorBody).error).toBe('NOT_FOUND');
    });
  });

  it('never loses a write across 20 concurrent run merges on real storage', async () => {
    await jar.clear();
    await jar.merge(EMPTY, { cookies: [cookie('base', '0')], origins: [] });
    const s0 = await jar.snapshot();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        jar.merge(s0, {
          cookies: [...s0.cookies, cookie(`run${i}`, String(i))],
          origins: [{ origin: 'https://example.com', localStorage: [{ name: `k${i}`, value: String(i) }] }],
        }),
      ),
    );
    const final = await view('?reveal=true');
    expect(final.cookies.map((c) => c.name).sort()).toEqual(['base', ...Array.from({ length: 20 }, (_, i) => `run${i}`)].sort());
    expect(final.origins[0].localStorage).toHaveLength(20);
  });

  it('requires the API key', async () => {
    expect((await fetch(`${t.url}/api/data/cookies`)).status).toBe(401);
  });
});
