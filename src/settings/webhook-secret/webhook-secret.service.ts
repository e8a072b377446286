import { randomBytes } from 'node:crypto';
import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/config.service.js';
import { SecretBox } from '../../crypto/secret-box.service.js';
import { APP_LOGGER, type AppLogger } from '../../logging/app-logger.js';
import { SettingsRepository, StorageStatus } from '../../storage/ports/index.js';

const SETTINGS_KEY = 'webhookSecret';

export interface WebhookSecretInfo {
  secret: string;
  source: 'env' | 'generated';
}

/**
 * The key for webhook signatures (API §4.8, §7.3): `WEBHOOK_SECRET`, else 32 random bytes (hex)
 * generated once and stored encrypted. `SettingsRepository.update` makes the generation atomic,
 * so several instances sharing one database agree on a single secret.
 */
@Injectable()
export class WebhookSecretService implements OnApplicationBootstrap {
  private cached: Promise<string> | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: AppLogger,
    private readonly settings: SettingsRepository,
    private readonly storage: StorageStatus,
    private readonly box: SecretBox,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.webhookSecret) return;
    // Generate on first start (PostgreSQL may still be connecting).
    void this.storage
      .whenReady()
      .then(() => this.getSecret())
      .catch((err: unknown) => this.logger.error({ err: errorMessage(err) }, 'could not initialise the webhook secret'));
  }

  async getSecret(): Promise<string> {
    if (this.config.webhookSecret) return this.config.webhookSecret;
    this.cached ??= this.loadOrGenerate();
    try {
      return await this.cached;
    } catch (err) {
      this.cached = null; // retry on the next call (e.g. storage was briefly down)
      throw err;
    }
  }

  async info(): Promise<WebhookSecretInfo> {
    return { secret: await this.getSecret(), source: this.config.webhookSecret ? 'env' : 'generated' };
  }

  private async loadOrGenerate(): Promise<string> {
    const stored = await this.settings.update(SETTINGS_KEY, (current) =>
      this.box.isEncrypted(current) ? current : this.box.encrypt(randomBytes(32).toString('hex')),
    );
    if (!this.box.isEncrypted(stored)) throw new Error('stored webhook secret has an unexpected shape');
    try {
      return this.box.decrypt(stored);
    } catch {
      // Regenerating would silently break every receiver; make the operator decide instead.
      throw new Error('the stored webhook secret cannot be decrypted (was SECRET_KEY or the key file changed?)');
    }
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
