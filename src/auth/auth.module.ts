import { Global, Module } from '@nestjs/common';
import { SecretFileStore } from '../common/secret-file.store.js';
import { ApiKeyService } from './api-key.service.js';
import { AuthRateLimiter } from './auth-rate-limiter.js';
import { AuthService } from './auth.service.js';

@Global()
@Module({
  providers: [ApiKeyService, AuthRateLimiter, AuthService, SecretFileStore],
  exports: [ApiKeyService, AuthService, SecretFileStore, AuthRateLimiter],
})
export class AuthModule {}
