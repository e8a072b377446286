import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { SecretFileStore } from '../common/secret-file.store.js';
import { APP_CONFIG, type AppConfig } from '../config/config.service.js';

export const SECRET_KEY_FILE = 'secret.key';
const PREFIX = 'enc:v1:';

/**
 * Encryption at rest (DECISIONS #11): AES-256-GCM with a key derived from SECRET_KEY, or from a
 * generated key kept in a 0600 file in the data directory. Ciphertext format:
 * `enc:v1:<base64url(iv | tag | ciphertext)>`.
 */
@Injectable()
export class SecretBox implements OnModuleInit {
  private key: Buffer | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly files: SecretFileStore,
  ) {}

  async onModuleInit(): Promise<void> {
    const material = this.config.secretKey ?? (await this.files.readOrCreate(SECRET_KEY_FILE, () => randomBytes(32).toString('base64url')));
    this.key = createHash('sha256').update(material, 'utf8').digest();
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.requireKey(), iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  decrypt(ciphertext: string): string {
    if (!this.isEncrypted(ciphertext)) throw new Error('Value is not encrypted');
    const raw = Buffer.from(ciphertext.slice(PREFIX.length), 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.requireKey(), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }

  isEncrypted(value: unknown): value is string {
    return typeof value === 'string' && value.startsWith(PREFIX);
  }

  private requireKey(): Buffer {
    if (!this.key) throw new Error('SecretBox used before initialisation');
    return this.key;
  }
}
