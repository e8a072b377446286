import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { DomainError } from '../common/errors.js';
import { requestState } from '../common/request-context.js';
import { ApiKeyService } from './api-key.service.js';
import { AuthRateLimiter } from './auth-rate-limiter.js';
import { extractApiKey, stripBodyCredentials } from './key-extraction.js';

const MAX_KEY_LENGTH = 512;

/** Authenticates one request per API §1.2–1.3. Throws the DomainError to answer with. */
@Injectable()
export class AuthService {
  /** Observers of failed attempts (metrics). */
  private readonly failureListeners: Array<() => void> = [];

  constructor(
    private readonly keys: ApiKeyService,
    private readonly limiter: AuthRateLimiter,
  ) {}

  onFailure(listener: () => void): void {
    this.failureListeners.push(listener);
  }

  async authenticateRequest(req: Request): Promise<void> {
    const state = requestState(req);
    if (state.authenticated) return;
    const key = extractApiKey(req);
    if (key === undefined) throw new DomainError('UNAUTHORIZED', 'API key missing');
    const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const retryAfter = this.limiter.retryAfterSeconds(ip);
    if (retryAfter > 0) {
      throw new DomainError(
        'AUTH_RATE_LIMITED',
        'Too many failed authentication attempts',
        { retryAfterSeconds: retryAfter },
        { 'Retry-After': String(retryAfter) },
      );
    }
    const ok = key.length <= MAX_KEY_LENGTH && (await this.keys.verify(key));
    if (!ok) {
      this.limiter.recordFailure(ip);
      for (const listener of this.failureListeners) listener();
      throw new DomainError('UNAUTHORIZED', 'API key invalid');
    }
    stripBodyCredentials(req);
    state.authenticated = true;
  }
}
