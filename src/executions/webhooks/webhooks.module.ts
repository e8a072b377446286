import { Global, Module } from '@nestjs/common';
import { SettingsModule } from '../../settings/settings.module.js';
import { HttpWebhookDispatcher } from './http-webhook-dispatcher.service.js';
import { DEFAULT_WEBHOOK_DELIVERY_OPTIONS, WEBHOOK_DELIVERY_OPTIONS } from './webhook-delivery.options.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import { WebhookSender } from './webhook-sender.service.js';

/** Completion webhooks (API §4.8): provides the WebhookDispatcher port app-wide. */
@Global()
@Module({
  imports: [SettingsModule],
  providers: [
    WebhookSender,
    HttpWebhookDispatcher,
    { provide: WebhookDispatcher, useExisting: HttpWebhookDispatcher },
    { provide: WEBHOOK_DELIVERY_OPTIONS, useValue: { ...DEFAULT_WEBHOOK_DELIVERY_OPTIONS } },
  ],
  exports: [WebhookDispatcher, HttpWebhookDispatcher],
})
export class WebhooksModule {}
