import { Global, Module } from '@nestjs/common';
import { CapturesModule } from '../../captures/captures.module.js';
import { BrowserStatusSource } from '../../health/readiness-sources.js';
import { SettingsModule } from '../../settings/settings.module.js';
import { BrowserPool } from './browser-pool.js';
import { BrowserSessionFactory } from './browser-session.js';
import { PlaywrightBrowserPool } from './playwright-browser-pool.js';
import { PlaywrightSessionFactory } from './playwright-session-factory.js';

/**
 * The browser pool and run sessions (RUNNER §11). Global so readiness (HealthModule) can see
 * BrowserStatusSource without importing the runner.
 */
@Global()
@Module({
  imports: [CapturesModule, SettingsModule],
  providers: [
    { provide: BrowserPool, useClass: PlaywrightBrowserPool },
    { provide: BrowserStatusSource, useExisting: BrowserPool },
    { provide: BrowserSessionFactory, useClass: PlaywrightSessionFactory },
  ],
  exports: [BrowserPool, BrowserStatusSource, BrowserSessionFactory],
})
export class BrowserModule {}
