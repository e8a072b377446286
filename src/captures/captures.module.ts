import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.service.js';
import { APP_LOGGER, type AppLogger } from '../logging/app-logger.js';
import { CapturesController } from './captures.controller.js';
import { CapturesService } from './captures.service.js';
import { CookieJarController } from './cookie-jar/cookie-jar.controller.js';
import { CookieJarService } from './cookie-jar/cookie-jar.service.js';
import { CaptureFileController } from './files/capture-file.controller.js';
import { CaptureStore } from './store/capture-store.js';
import { FsCaptureStore } from './store/fs-capture-store.js';

async function createCaptureStore(config: AppConfig, logger: AppLogger): Promise<CaptureStore> {
  const store = new FsCaptureStore(config.capturesDir);
  try {
    await store.init();
  } catch (err) {
    // Not fatal: listing answers empty and writes report their own error.
    logger.warn({ err: err instanceof Error ? err.message : String(err), dir: config.capturesDir }, 'captures directory is not usable');
  }
  return store;
}

/**
 * Captures and the cookie jar (API §6). Exports the CaptureStore (runner: screenshots,
 * recordings, downloads) and the CookieJarService (runner and headful: snapshot and merge).
 */
@Module({
  controllers: [CapturesController, CaptureFileController, CookieJarController],
  providers: [
    { provide: CaptureStore, useFactory: createCaptureStore, inject: [APP_CONFIG, APP_LOGGER] },
    CapturesService,
    CookieJarService,
  ],
  exports: [CaptureStore, CapturesService, CookieJarService],
})
export class CapturesModule {}
