import { Module } from '@nestjs/common';
import { NetworkModule } from '../network/network.module.js';
import { BaserowClient } from './baserow/baserow-client.js';
import { BaserowClientOptions } from './baserow/baserow-client.options.js';
import { BaserowProxyController } from './baserow-proxy.controller.js';
import { CredentialsController } from './credentials.controller.js';
import { CredentialsService } from './credentials.service.js';

/**
 * Output-provider credentials and the Baserow client (API §8). Exports the service (decrypted
 * connections, secret values) and the client (`pushRows`) for the run-output feature.
 */
@Module({
  imports: [NetworkModule],
  controllers: [CredentialsController, BaserowProxyController],
  providers: [CredentialsService, BaserowClient, { provide: BaserowClientOptions, useValue: new BaserowClientOptions() }],
  exports: [CredentialsService, BaserowClient],
})
export class CredentialsModule {}
