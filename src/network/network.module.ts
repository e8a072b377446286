import { Global, Module } from '@nestjs/common';
import { DnsResolver, SystemDnsResolver } from './dns-resolver.js';
import { GuardedHttpClient } from './guarded-http.service.js';
import { UrlGuard } from './url-guard.service.js';

/**
 * SSRF guard and guarded outbound HTTP (API §1.9). Needs APP_CONFIG (ConfigModule); uses Clock
 * when one is provided. Tests replace DNS with `{ provide: DnsResolver, useValue: fake }`.
 */
@Global()
@Module({
  providers: [{ provide: DnsResolver, useClass: SystemDnsResolver }, UrlGuard, GuardedHttpClient],
  exports: [DnsResolver, UrlGuard, GuardedHttpClient],
})
export class NetworkModule {}
