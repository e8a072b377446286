import { Module } from '@nestjs/common';
import { ApiKeyController } from './api-key.controller.js';
import { BrowserVersion, DefaultBrowserVersion } from './browser-version.js';
import { ProxiesController } from './proxies/proxies.controller.js';
import { ProxyRotationStore } from './proxies/proxy-rotation.store.js';
import { ProxySelector } from './proxies/proxy-selector.service.js';
import { ProxySettingsService } from './proxies/proxy-settings.service.js';
import { SelectorFinderController } from './selector-finder/selector-finder.controller.js';
import { SelectorFinderService } from './selector-finder/selector-finder.service.js';
import { UserAgentController } from './user-agent/user-agent.controller.js';
import { UserAgentService } from './user-agent/user-agent.service.js';
import { WebhookSecretController } from './webhook-secret/webhook-secret.controller.js';
import { WebhookSecretService } from './webhook-secret/webhook-secret.service.js';

/**
 * Instance-wide settings (API §7). Exports what the runner and the webhook sender need:
 * ProxySelector, UserAgentService, WebhookSecretService and the BrowserVersion port.
 */
@Module({
  controllers: [ApiKeyController, ProxiesController, WebhookSecretController, SelectorFinderController, UserAgentController],
  providers: [
    ProxyRotationStore,
    ProxySettingsService,
    ProxySelector,
    WebhookSecretService,
    SelectorFinderService,
    UserAgentService,
    { provide: BrowserVersion, useClass: DefaultBrowserVersion },
  ],
  exports: [ProxySelector, UserAgentService, WebhookSecretService, BrowserVersion],
})
export class SettingsModule {}
