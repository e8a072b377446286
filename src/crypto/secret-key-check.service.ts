import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { StorageUnavailableError } from '../common/errors.js';
import { APP_LOGGER, type AppLogger } from '../logging/app-logger.js';
import { settleWithin } from '../common/promise-race.js';
import { SettingsRepository, StorageStatus } from '../storage/ports/index.js';
import { SecretBox } from './secret-box.service.js';

const SETTINGS_KEY = 'secretKeyCheck';
const CANARY = 'figranium-secret-key-check';
/** A database that takes longer than this to come up at boot is checked on the next boot. */
const READY_WAIT_MS = 2_000;

export class SecretKeyMismatchError extends Error {
  constructor() {
    super('SECRET_KEY (or the secret.key file) is not the key the stored secrets were encrypted with; restore the previous key');
    this.name = 'SecretKeyMismatchError';
  }
}

/**
 * Stops the boot when the encryption key changed under stored secrets (DECISIONS #11): every
 * credential token, proxy password, secret variable and the webhook secret would otherwise fail
 * one request at a time. A known value is encrypted on first boot and must decrypt on every boot.
 * With the database unreachable at boot the check is skipped (storage recovers later).
 */
@Injectable()
export class SecretKeyCheck implements OnApplicationBootstrap {
  constructor(
    private readonly box: SecretBox,
    private readonly settings: SettingsRepository,
    private readonly storage: StorageStatus,
    @Inject(APP_LOGGER) private readonly logger: AppLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if ((await settleWithin(this.storage.whenReady(), READY_WAIT_MS, () => 'timeout' as const)) === 'timeout') {
      this.logger.warn('storage not ready at boot: the SECRET_KEY check is skipped');
      return;
    }
    let stored;
    try {
      stored = await this.settings.update(SETTINGS_KEY, (current) => (this.box.isEncrypted(current) ? current : this.box.encrypt(CANARY)));
    } catch (err) {
      if (!(err instanceof StorageUnavailableError)) throw err;
      this.logger.warn('storage unavailable at boot: the SECRET_KEY check is skipped');
      return;
    }
    if (!this.box.isEncrypted(stored) || !this.decrypts(stored)) throw new SecretKeyMismatchError();
  }

  private decrypts(stored: string): boolean {
    try {
      return this.box.decrypt(stored) === CANARY;
    } catch {
      return false;
    }
  }
}
