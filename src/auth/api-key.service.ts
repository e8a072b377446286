import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { DomainError, StorageUnavailableError, ValidationFailedError } from '../common/errors.js';
import { SecretFileStore } from '../common/secret-file.store.js';
import { APP_CONFIG, type AppConfig } from '../config/config.service.js';
import { APP_LOGGER, type AppLogger } from '../logging/app-logger.js';
import { SettingsRepository, StorageStatus } from '../storage/ports/index.js';

export const INITIAL_KEY_FILE = 'initial-api-key.txt';
const SETTINGS_KEY = 'apiKey';
const REFRESH_MS = 2000;

interface StoredApiKey {
  digest: string; // hex SHA-256
  preview: string;
  createdAt: number;
}

export interface ApiKeyInfo {
  configured: boolean;
  apiKey: string | null;
  createdAt: number | null;
  source: 'env' | 'stored';
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest();
export const generateApiKey = () => `fg_${randomBytes(32).toString('base64url')}`;
export const previewKey = (key: string) => `${key.slice(0, 3)}…${key.slice(-4)}`;

function isStoredApiKey(v: unknown): v is StoredApiKey {
  const o = v as StoredApiKey;
  return typeof o === 'object' && o !== null && typeof o.digest === 'string' && /^[0-9a-f]{64}$/.test(o.digest);
}

/**
 * Owns the API key (DECISIONS #1, API §1.2, §7.2): env key or stored SHA-256 digest, generated on
 * first start, compared in constant time, re-read from storage at most every 2 s.
 */
@Injectable()
export class ApiKeyService implements OnApplicationBootstrap {
  private readonly envDigest: Buffer | null;
  private cached: { value: StoredApiKey | null; loadedAt: number } | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: AppLogger,
    private readonly settings: SettingsRepository,
    private readonly storage: StorageStatus,
    private readonly files: SecretFileStore,
    private readonly clock: Clock,
  ) {
    this.envDigest = config.apiKey ? sha256(config.apiKey) : null;
  }

  onApplicationBootstrap(): void {
    if (this.envDigest) return;
    // PostgreSQL may still be unreachable: ensure the key as soon as storage is ready.
    void this.storage
      .whenReady()
      .then(() => this.ensureKey())
      .catch((err: unknown) => this.logger.error({ err }, 'could not initialise the API key'));
  }

  /** Generates and stores a key when none exists (first start). */
  async ensureKey(): Promise<void> {
    let generated: string | null = null;
    const stored = await this.settings.update(SETTINGS_KEY, (current) => {
      if (isStoredApiKey(current)) return current;
      generated = generateApiKey();
      return { digest: sha256(generated).toString('hex'), preview: previewKey(generated), createdAt: this.clock.now() };
    });
    this.cached = { value: isStoredApiKey(stored) ? stored : null, loadedAt: this.clock.now() };
    if (generated !== null) {
      const file = await this.files.write(INITIAL_KEY_FILE, `${generated as string}\n`);
      this.logger.warn({ file }, 'No API key was configured: generated one and wrote it to the file named here (mode 0600)');
    }
  }

  /** Constant-time check of a presented key. Throws StorageUnavailableError when it cannot know. */
  async verify(presented: string): Promise<boolean> {
    const expected = this.envDigest ?? (await this.storedDigest());
    if (!expected) return false;
    return timingSafeEqual(sha256(presented), expected);
  }

  async info(): Promise<ApiKeyInfo> {
    if (this.config.apiKey) {
      return { configured: true, apiKey: previewKey(this.config.apiKey), createdAt: null, source: 'env' };
    }
    const stored = await this.loadStored(true);
    return { configured: stored !== null, apiKey: stored?.preview ?? null, createdAt: stored?.createdAt ?? null, source: 'stored' };
  }

  /** Sets (or generates) the key; returns the full key, shown only in this response. */
  async setKey(requested: string | undefined): Promise<string> {
    if (this.config.apiKey) {
      throw new DomainError('API_KEY_MANAGED_BY_ENV', 'The API key is set by the API_KEY environment variable');
    }
    const trimmed = (requested ?? '').trim();
    if (trimmed.length > 512) throw new DomainError('API_KEY_TOO_LONG', 'The API key must be at most 512 characters', { maxLength: 512 });
    if (trimmed !== '' && trimmed.length < 16) {
      throw new DomainError('API_KEY_TOO_SHORT', 'The API key must be at least 16 characters', { minLength: 16 });
    }
    if (trimmed !== '' && !/^[\x21-\x7e]+$/.test(trimmed)) {
      throw new ValidationFailedError([{ field: 'apiKey', message: 'must be printable ASCII without spaces' }]);
    }
    const key = trimmed || generateApiKey();
    const value: StoredApiKey = { digest: sha256(key).toString('hex'), preview: previewKey(key), createdAt: this.clock.now() };
    await this.settings.set(SETTINGS_KEY, { ...value });
    this.cached = { value, loadedAt: this.clock.now() };
    await this.files.remove(INITIAL_KEY_FILE);
    return key;
  }

  /** The plaintext key when it is known (env), for secret redaction (RUNNER §16). */
  knownPlaintext(): string | undefined {
    return this.config.apiKey;
  }

  private async storedDigest(): Promise<Buffer | null> {
    const stored = await this.loadStored(false);
    return stored ? Buffer.from(stored.digest, 'hex') : null;
  }

  private async loadStored(fresh: boolean): Promise<StoredApiKey | null> {
    const now = this.clock.now();
    if (!fresh && this.cached && now - this.cached.loadedAt < REFRESH_MS) return this.cached.value;
    try {
      if (!this.storage.isAvailable()) throw new StorageUnavailableError();
      const v = await this.settings.get(SETTINGS_KEY);
      this.cached = { value: isStoredApiKey(v) ? v : null, loadedAt: now };
      return this.cached.value;
    } catch (err) {
      // Keep authenticating with the last known digest while storage is briefly unreachable.
      if (this.cached) return this.cached.value;
      throw err instanceof DomainError ? err : new StorageUnavailableError();
    }
  }
}
