import { Module } from '@nestjs/common';
import { CredentialsModule } from '../../credentials/credentials.module.js';
import { BaserowOutputProvider } from './baserow/baserow-output.provider.js';
import { OUTPUT_PROVIDERS, type OutputProvider } from './output-provider.js';
import { OutputPushService } from './output-push.service.js';
import { OutputProviderRegistry } from './output-registry.js';

/** Output providers (RUNNER §14). A new provider: its class in `providers` and in the factory's list. */
@Module({
  imports: [CredentialsModule],
  providers: [
    BaserowOutputProvider,
    {
      provide: OUTPUT_PROVIDERS,
      useFactory: (...providers: OutputProvider[]) => providers,
      inject: [BaserowOutputProvider],
    },
    OutputProviderRegistry,
    OutputPushService,
  ],
  exports: [OutputPushService, OutputProviderRegistry],
})
export class OutputModule {}
