import { beforeEach, describe, expect, it } from '@jest/globals';
import { Clock } from '../../common/clock.js';
import type { SecretFileStore } from '../../common/secret-file.store.js';
import type { AppConfig } from '../../config/config.schema.js';
import { SecretBox } from '../../crypto/secret-box.service.js';
import type { AppLogger } from '../../logging/app-logger.js';
import { SettingsRepository, type JsonValue } from '../../storage/ports/index.js';
import {
  COOKIE_JAR_SETTINGS_KEY,
  CookieJarService,
  CookieJarTooLargeError,
  CookieJarUnreadableError,
  MASKED_VALUE,
} from './cookie-jar.service.js';
import type { JarCookie, StorageState } from './storage-state.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Settings kept in memory. `locked: false` gives an update without the exclusive lock. */
class MemorySettings extends SettingsRepository {
  readonly values = new Map<string, JsonValue>();
  private chain: Promise<unknown> = Promise.resolve();
  constructor(private readonly locked = true) {
    super();
  }
  async get(key: string) {
    await tick();
    const v = this.values.get(key);
    return v === undefined ? undefined : structuredClone(v);
  }
  async set(key: string, value: JsonValue) {
    this.values.set(key, structuredClone(value));
  }
  async delete(key: string) {
    this.values.delete(key);
  }
  update(key: string, fn: (current: JsonValue | undefined) => JsonValue | undefined | Promise<JsonValue | undefined>) {
    const run = async () => {
      const next = await fn(await this.get(key));
      await tick();
      if (next === undefined) this.values.delete(key);
      else this.values.set(key, structuredClone(next));
      return next;
    };
    if (!this.locked) return run();
    const result = this.chain.then(run, run);
    this.chain = result.catch(() => undefined);
    return result;
  }
}

class FixedClock extends Clock {
  constructor(public ms: number) {
    super();
  }
  now() {
    return this.ms;
  }
}

async function box(secretKey = 'k'.repeat(40)): Promise<SecretBox> {
  const b = new SecretBox({ secretKey } as AppConfig, {} as SecretFileStore);
  await b.onModuleInit();
  return b;
}

const warnings: string[] = [];
const logger = { warn: (_o: unknown, msg: string) => warnings.push(msg) } as unknown as AppLogger;

const NOW_MS = 1_733_223_995_000;
const cookie = (name: string, value: string, extra: Partial<JarCookie> = {}): JarCookie => ({
  name,
  value,
  domain: 'example.com',
  path: '/',
  expires: -1,
  httpOnly: false,
  secure: false,
  sameSite: 'Lax',
  ...extra,
});
const EMPTY: StorageState = { cookies: [], origins: [] };

describe('CookieJarService', () => {
  let settings: MemorySettings;
  let clock: FixedClock;
  let jar: CookieJarService;

  beforeEach(async () => {
    warnings.length = 0;
    settings = new MemorySettings();
    clock = new FixedClock(NOW_MS);
    jar = new CookieJarService(settings, await box(), clock, logger);
  });

  it('starts empty and stores merges encrypted', async () => {
    expect(await jar.snapshot()).toEqual(EMPTY);
    const s1: StorageState = { cookies: [cookie('sid', 'super-secret-value')], origins: [{ origin: 'https://a.test', localStorage: [{ name: 'tok', value: 'ls-secret' }] }] };
    expect(await jar.merge(EMPTY, s1)).toEqual(s1);
    const stored = settings.values.get(COOKIE_JAR_SETTINGS_KEY);
    expect(typeof stored).toBe('string');
    expect(String(stored)).toMatch(/^enc:v1:/);
    expect(String(stored)).not.toContain('super-secret-value');
    expect(String(stored)).not.toContain('ls-secret');
    expect(await jar.snapshot()).toEqual(s1);
  });

  it('never loses a write across 20 concurrent merges from the same S0', async () => {
    await jar.merge(EMPTY, { cookies: [cookie('base', '0')], origins: [] });
    const s0 = await jar.snapshot();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        jar.merge(s0, { cookies: [...s0.cookies, cookie(`run${i}`, String(i))], origins: [{ origin: 'https://a.test', localStorage: [{ name: `k${i}`, value: String(i) }] }] }),
      ),
    );
    const final = await jar.snapshot();
    expect(final.cookies.map((c) => c.name).sort()).toEqual(['base', ...Array.from({ length: 20 }, (_, i) => `run${i}`)].sort());
    expect(final.origins[0].localStorage).toHaveLength(20);
  });

  it('control: the same 20 merges lose writes when the repository has no lock', async () => {
    const unlocked = new CookieJarService(new MemorySettings(false), await box(), clock, logger);
    await Promise.all(Array.from({ length: 20 }, (_, i) => unlocked.merge(EMPTY, { cookies: [cookie(`run${i}`, String(i))], origins: [] })));
    expect((await unlocked.snapshot()).cookies.length).toBeLessThan(20);
  });

  it('keeps a cookie another run wrote after this run’s snapshot', async () => {
    const s0A = await jar.snapshot();
    const s0B = await jar.snapshot();
    await jar.merge(s0B, { cookies: [cookie('b', 'B')], origins: [] });
    await jar.merge(s0A, { cookies: [cookie('a', 'A')], origins: [] });
    expect((await jar.snapshot()).cookies.map((c) => c.name)).toEqual(['b', 'a']);
  });

  it('drops expired cookies when merging and hides them in the view', async () => {
    const nowS = NOW_MS / 1000;
    await jar.merge(EMPTY, { cookies: [cookie('soon', '1', { expires: nowS + 60 }), cookie('gone', '1', { expires: nowS - 1 })], origins: [] });
    expect((await jar.snapshot()).cookies.map((c) => c.name)).toEqual(['soon']);
    clock.ms += 120_000;
    expect((await jar.view(true)).cookies).toEqual([]);
  });

  it('masks cookie and localStorage values unless revealed', async () => {
    await jar.merge(EMPTY, { cookies: [cookie('sid', 'v1')], origins: [{ origin: 'https://a.test', localStorage: [{ name: 'k', value: 'v2' }] }] });
    expect(await jar.view(false)).toEqual({
      cookies: [cookie('sid', MASKED_VALUE)],
      origins: [{ origin: 'https://a.test', localStorage: [{ name: 'k', value: MASKED_VALUE }] }],
    });
    expect((await jar.view(true)).cookies[0].value).toBe('v1');
  });

  it('deletes cookies by name, domain (leading dot ignored) and path', async () => {
    await jar.merge(EMPTY, {
      cookies: [
        cookie('id', '1', { domain: '.example.com' }),
        cookie('id', '2', { domain: 'example.com', path: '/app' }),
        cookie('id', '3', { domain: 'other.org' }),
        cookie('keep', '4'),
      ],
      origins: [],
    });
    expect(await jar.deleteCookies({ name: 'missing' })).toBe(0);
    expect(await jar.deleteCookies({ name: 'id', domain: 'example.com', path: '/' })).toBe(1);
    expect((await jar.snapshot()).cookies.map((c) => c.value)).toEqual(['2', '3', '4']);
    expect(await jar.deleteCookies({ name: 'id', domain: '.example.com' })).toBe(1);
    expect(await jar.deleteCookies({ name: 'id', path: '/app' })).toBe(0);
    expect(await jar.deleteCookies({ name: 'id' })).toBe(1);
    expect((await jar.snapshot()).cookies.map((c) => c.name)).toEqual(['keep']);
  });

  it('clears cookies and origins', async () => {
    await jar.merge(EMPTY, { cookies: [cookie('a', '1')], origins: [{ origin: 'https://a.test', localStorage: [{ name: 'k', value: 'v' }] }] });
    await jar.clear();
    expect(settings.values.has(COOKIE_JAR_SETTINGS_KEY)).toBe(false);
    expect(await jar.snapshot()).toEqual(EMPTY);
  });

  it('refuses a merge that would exceed 5 MiB and keeps the jar', async () => {
    await jar.merge(EMPTY, { cookies: [cookie('small', '1')], origins: [] });
    const big = 'x'.repeat(1024 * 1024);
    const s1 = { cookies: [cookie('small', '1')], origins: [{ origin: 'https://a.test', localStorage: Array.from({ length: 6 }, (_, i) => ({ name: `k${i}`, value: big })) }] };
    await expect(jar.merge(EMPTY, s1)).rejects.toBeInstanceOf(CookieJarTooLargeError);
    expect((await jar.snapshot()).cookies.map((c) => c.name)).toEqual(['small']);
  });

  it('reads an undecryptable jar as empty, refuses to merge over it, and lets clear reset it', async () => {
    await jar.merge(EMPTY, { cookies: [cookie('a', '1')], origins: [] });
    const otherKey = new CookieJarService(settings, await box('z'.repeat(40)), clock, logger);
    expect(await otherKey.snapshot()).toEqual(EMPTY);
    expect(warnings.some((w) => w.includes('unreadable'))).toBe(true);
    await expect(otherKey.merge(EMPTY, { cookies: [cookie('b', '2')], origins: [] })).rejects.toBeInstanceOf(CookieJarUnreadableError);
    expect(await otherKey.deleteCookies({ name: 'a' })).toBe(0);
    expect((await jar.snapshot()).cookies.map((c) => c.name)).toEqual(['a']);
    await otherKey.clear();
    expect(await otherKey.snapshot()).toEqual(EMPTY);
  });
});
