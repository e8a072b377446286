import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { SecretBox } from '../../crypto/secret-box.service.js';
import { APP_LOGGER, type AppLogger } from '../../logging/app-logger.js';
import { SettingsRepository, type JsonValue } from '../../storage/ports/index.js';
import { mergeStorageState } from './jar-merge.js';
import { emptyStorageState, isExpired, normalizeStorageState, type JarCookie, type StorageState } from './storage-state.js';

export const COOKIE_JAR_SETTINGS_KEY = 'cookieJar';
/** RUNNER §11.5: the jar holds at most 5 MiB (measured as its JSON text). */
export const MAX_COOKIE_JAR_BYTES = 5 * 1024 * 1024;
export const MASKED_VALUE = '••••••••';

export class CookieJarTooLargeError extends Error {
  constructor(readonly bytes: number) {
    super(`The cookie jar would hold ${bytes} bytes, over the ${MAX_COOKIE_JAR_BYTES}-byte limit; the change was not saved`);
    this.name = 'CookieJarTooLargeError';
  }
}

/** The stored jar cannot be decrypted (SECRET_KEY or the key file changed) or is not a jar. */
export class CookieJarUnreadableError extends Error {
  constructor() {
    super('The stored cookie jar cannot be read (was SECRET_KEY or the key file changed?); clear it to start over');
    this.name = 'CookieJarUnreadableError';
  }
}

export interface CookieDeletion {
  name: string;
  /** Exact match, leading dot ignored on both sides. */
  domain?: string;
  /** Exact match. */
  path?: string;
}

/**
 * The shared cookie jar (RUNNER §11.5; API §6.2): Playwright storage state, encrypted with
 * SecretBox in settings key `cookieJar`. Every write goes through `SettingsRepository.update`
 * (exclusive lock, one transaction), so run merges, deletions and clears never interleave.
 */
@Injectable()
export class CookieJarService {
  constructor(
    private readonly settings: SettingsRepository,
    private readonly box: SecretBox,
    private readonly clock: Clock,
    @Inject(APP_LOGGER) private readonly logger: AppLogger,
  ) {}

  /**
   * The jar as it is now: S0 for a new browser context. An unreadable jar reads as empty
   * (a warning is logged) so runs still work; merges refuse to overwrite it.
   */
  async snapshot(): Promise<StorageState> {
    try {
      return this.decode(await this.settings.get(COOKIE_JAR_SETTINGS_KEY));
    } catch (err) {
      if (!(err instanceof CookieJarUnreadableError)) throw err;
      this.logger.warn({ err: err.message }, 'cookie jar unreadable; using an empty jar');
      return emptyStorageState();
    }
  }

  /**
   * Merges a run's final state `s1` (started from `s0`) into the current jar and returns the
   * new jar. Throws CookieJarTooLargeError or CookieJarUnreadableError without writing.
   */
  async merge(s0: StorageState, s1: StorageState): Promise<StorageState> {
    const before = normalizeStorageState(s0);
    const after = normalizeStorageState(s1);
    let merged = emptyStorageState();
    await this.settings.update(COOKIE_JAR_SETTINGS_KEY, (current) => {
      merged = mergeStorageState(this.decode(current), before, after, this.nowSeconds());
      return this.encode(merged);
    });
    return merged;
  }

  /** Deletes matching cookies; returns how many. An unreadable jar is left alone (0). */
  async deleteCookies(match: CookieDeletion): Promise<number> {
    let deleted = 0;
    await this.settings.update(COOKIE_JAR_SETTINGS_KEY, (current) => {
      let jar: StorageState;
      try {
        jar = this.decode(current);
      } catch (err) {
        if (err instanceof CookieJarUnreadableError) return current;
        throw err;
      }
      const now = this.nowSeconds();
      const kept = jar.cookies.filter((c) => !matches(c, match));
      deleted = jar.cookies.length - kept.length;
      if (deleted === 0) return current;
      return this.encode({ cookies: kept.filter((c) => !isExpired(c, now)), origins: jar.origins });
    });
    return deleted;
  }

  /** Empties cookies and origins (also resets an unreadable jar). */
  async clear(): Promise<void> {
    await this.settings.update(COOKIE_JAR_SETTINGS_KEY, () => undefined);
  }

  /** API §6.2 view: values masked unless `reveal`; expired cookies are not shown. */
  async view(reveal: boolean): Promise<StorageState> {
    const jar = await this.snapshot();
    const now = this.nowSeconds();
    const cookies = jar.cookies.filter((c) => !isExpired(c, now));
    if (reveal) return { cookies, origins: jar.origins };
    return {
      cookies: cookies.map((c) => ({ ...c, value: MASKED_VALUE })),
      origins: jar.origins.map((o) => ({ origin: o.origin, localStorage: o.localStorage.map((e) => ({ name: e.name, value: MASKED_VALUE })) })),
    };
  }

  private nowSeconds(): number {
    return this.clock.now() / 1000;
  }

  private decode(stored: JsonValue | undefined): StorageState {
    if (stored === undefined || stored === null) return emptyStorageState();
    if (!this.box.isEncrypted(stored)) throw new CookieJarUnreadableError();
    let parsed: unknown;
    try {
      parsed = JSON.parse(this.box.decrypt(stored));
    } catch {
      throw new CookieJarUnreadableError();
    }
    return normalizeStorageState(parsed);
  }

  /** An empty jar is removed rather than stored. */
  private encode(jar: StorageState): JsonValue | undefined {
    if (jar.cookies.length === 0 && jar.origins.length === 0) return undefined;
    const text = JSON.stringify(jar);
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > MAX_COOKIE_JAR_BYTES) throw new CookieJarTooLargeError(bytes);
    return this.box.encrypt(text);
  }
}

function stripDot(domain: string): string {
  return domain.replace(/^\./, '').toLowerCase();
}

function matches(cookie: JarCookie, match: CookieDeletion): boolean {
  if (cookie.name !== match.name) return false;
  if (match.domain !== undefined && stripDot(cookie.domain) !== stripDot(match.domain)) return false;
  if (match.path !== undefined && cookie.path !== match.path) return false;
  return true;
}
