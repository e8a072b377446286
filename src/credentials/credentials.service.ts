import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { notFound, ValidationFailedError } from '../common/errors.js';
import { newId } from '../common/ids.js';
import { SecretBox } from '../crypto/secret-box.service.js';
import { APP_LOGGER, type AppLogger } from '../logging/app-logger.js';
import { UrlGuard } from '../network/url-guard.service.js';
import { CredentialRepository, type StoredCredential } from '../storage/ports/index.js';
import { checkedBaseUrl } from './base-url.js';
import type { BaserowConnection } from './baserow/baserow-token.js';
import type { CredentialProvider } from './credential.dto.js';
import { toView, type CredentialView } from './credential.view.js';
import { isUsableToken, redactToken } from './token-redaction.js';

export interface CreateCredentialInput {
  name: string;
  provider: CredentialProvider;
  config: { baseUrl: string; token: string };
}

export interface UpdateCredentialInput {
  name?: string;
  config?: { baseUrl?: string; token?: string };
}

/** Ids we generate are `cred_<ULID>`; anything unprintable or huge cannot exist, so it is not looked up. */
const PLAUSIBLE_ID = /^[\x21-\x7e]{1,200}$/;

/**
 * Credentials (API §8): tokens are encrypted at rest with SecretBox and redacted in every view;
 * `baseUrl` is normalised and SSRF-checked on create and update.
 */
@Injectable()
export class CredentialsService {
  constructor(
    private readonly repo: CredentialRepository,
    private readonly box: SecretBox,
    private readonly guard: UrlGuard,
    private readonly clock: Clock,
    @Inject(APP_LOGGER) private readonly logger: AppLogger,
  ) {}

  async list(): Promise<CredentialView[]> {
    return (await this.repo.list()).map((c) => this.view(c));
  }

  async create(input: CreateCredentialInput): Promise<CredentialView> {
    const token = usableToken(input.config.token);
    const baseUrl = await checkedBaseUrl(this.guard, input.config.baseUrl);
    const now = this.clock.now();
    const stored: StoredCredential = {
      id: newId('cred'),
      name: input.name,
      provider: input.provider,
      config: { baseUrl, tokenEnc: this.box.encrypt(token) },
      createdAt: now,
      updatedAt: now,
    };
    await this.repo.save(stored);
    this.logger.info({ credentialId: stored.id, provider: stored.provider, baseUrl }, 'credential created');
    return toView(stored, redactToken(token));
  }

  /** Partial update. A token omitted or equal to its redacted form keeps the stored token. */
  async update(id: string, patch: UpdateCredentialInput): Promise<CredentialView> {
    const current = await this.require(id);
    let tokenEnc = current.config.tokenEnc;
    const givenToken = patch.config?.token;
    if (givenToken !== undefined) {
      const currentToken = this.tryDecrypt(current);
      if (currentToken === null || givenToken !== redactToken(currentToken)) tokenEnc = this.box.encrypt(usableToken(givenToken));
    }
    const baseUrl = patch.config?.baseUrl === undefined ? current.config.baseUrl : await checkedBaseUrl(this.guard, patch.config.baseUrl);
    const next: StoredCredential = {
      ...current,
      name: patch.name ?? current.name,
      config: { baseUrl, tokenEnc },
      updatedAt: this.clock.now(),
    };
    await this.repo.save(next);
    this.logger.info({ credentialId: id, tokenChanged: tokenEnc !== current.config.tokenEnc }, 'credential updated');
    return this.view(next);
  }

  async remove(id: string): Promise<void> {
    if (!PLAUSIBLE_ID.test(id) || !(await this.repo.delete(id))) throw notFound('CREDENTIAL_NOT_FOUND', 'credential', id);
    this.logger.info({ credentialId: id }, 'credential deleted');
  }

  /** Where and how to call Baserow for this credential (plaintext token: never log or return it). */
  async connection(id: string): Promise<BaserowConnection> {
    const stored = await this.require(id);
    return { baseUrl: stored.config.baseUrl, token: this.box.decrypt(stored.config.tokenEnc) };
  }

  /** Every stored token in plaintext, for secret masking in logs and results (RUNNER §16). */
  async secretValues(): Promise<string[]> {
    const tokens = (await this.repo.list()).map((c) => this.tryDecrypt(c));
    return tokens.filter((t): t is string => t !== null);
  }

  private async require(id: string): Promise<StoredCredential> {
    const found = PLAUSIBLE_ID.test(id) ? await this.repo.get(id) : null;
    if (!found) throw notFound('CREDENTIAL_NOT_FOUND', 'credential', id);
    return found;
  }

  private view(stored: StoredCredential): CredentialView {
    const token = this.tryDecrypt(stored);
    return toView(stored, token === null ? redactToken('') : redactToken(token));
  }

  /** null when the token cannot be decrypted (e.g. SECRET_KEY changed); logged, never thrown. */
  private tryDecrypt(stored: StoredCredential): string | null {
    try {
      return this.box.decrypt(stored.config.tokenEnc);
    } catch {
      this.logger.warn({ credentialId: stored.id }, 'credential token cannot be decrypted (was SECRET_KEY changed?)');
      return null;
    }
  }
}

function usableToken(token: string): string {
  if (!isUsableToken(token)) {
    throw new ValidationFailedError([{ field: 'config.token', message: 'must be printable ASCII without spaces (send the full token, or the redacted value unchanged to keep the stored one)' }]);
  }
  return token;
}
