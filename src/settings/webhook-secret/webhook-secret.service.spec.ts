import { describe, expect, it } from '@jest/globals';
import pino from 'pino';
import type { AppConfig } from '../../config/config.schema.js';
import type { SecretBox } from '../../crypto/secret-box.service.js';
import type { StorageStatus } from '../../storage/ports/index.js';
import { InMemorySettings, testSecretBox } from '../../../test/settings/support/in-memory-repositories.js';
import { WebhookSecretService } from './webhook-secret.service.js';

const make = (settings: InMemorySettings, box: SecretBox, webhookSecret?: string) =>
  new WebhookSecretService({ webhookSecret } as AppConfig, pino({ level: 'silent' }), settings, {} as StorageStatus, box);

describe('WebhookSecretService (API §7.3)', () => {
  it('uses WEBHOOK_SECRET when configured and stores nothing', async () => {
    const settings = new InMemorySettings();
    const service = make(settings, await testSecretBox(), 'env-secret-0123456789');
    expect(await service.info()).toEqual({ secret: 'env-secret-0123456789', source: 'env' });
    expect(await service.getSecret()).toBe('env-secret-0123456789');
    expect(settings.values.size).toBe(0);
  });

  it('generates 32 random bytes once, stores them encrypted, and returns the same value afterwards', async () => {
    const settings = new InMemorySettings();
    const box = await testSecretBox();
    const service = make(settings, box);
    const info = await service.info();
    expect(info.source).toBe('generated');
    expect(info.secret).toMatch(/^[0-9a-f]{64}$/);
    const stored = settings.values.get('webhookSecret');
    expect(box.isEncrypted(stored)).toBe(true);
    expect(String(stored)).not.toContain(info.secret);
    expect(await service.getSecret()).toBe(info.secret);
    // A fresh instance (restart, or a second server on the same database) reads the same secret.
    expect(await make(settings, box).getSecret()).toBe(info.secret);
  });

  it('two instances starting together agree on one secret', async () => {
    const settings = new InMemorySettings();
    const box = await testSecretBox();
    const [a, b] = await Promise.all([make(settings, box).getSecret(), make(settings, box).getSecret()]);
    expect(a).toBe(b);
  });

  it('refuses to replace a stored secret it cannot decrypt', async () => {
    const settings = new InMemorySettings();
    await make(settings, await testSecretBox('a'.repeat(40))).getSecret();
    const before = settings.values.get('webhookSecret');
    await expect(make(settings, await testSecretBox('b'.repeat(40))).getSecret()).rejects.toThrow(/cannot be decrypted/);
    expect(settings.values.get('webhookSecret')).toBe(before);
  });
});
