import type { Server } from 'node:http';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import { SERVER_VERSION } from './common/version.js';
import type { AppConfig } from './config/config.schema.js';
import { requestLogMiddleware } from './http/request-log.middleware.js';
import { requestIdMiddleware } from './http/request-id.middleware.js';
import { createPino, PinoNestLogger } from './logging/app-logger.js';
import { httpMetricsMiddleware } from './metrics/http-metrics.middleware.js';
import { MetricsService } from './metrics/metrics.service.js';

export interface CreateAppOptions {
  logger?: Logger;
}

export function buildOpenApiDocument(app: NestExpressApplication) {
  const config = new DocumentBuilder()
    .setTitle('Figranium API')
    .setDescription('Browser-automation control plane. Authenticate with the API key (x-api-key or Bearer).')
    .setVersion(SERVER_VERSION)
    .addApiKey({ type: 'apiKey', in: 'header', name: 'x-api-key' }, 'apiKey')
    .addBearerAuth({ type: 'http', scheme: 'bearer' }, 'bearer')
    .addSecurityRequirements('apiKey')
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** Builds the fully configured Nest application (used by main.ts, tests and benchmarks). */
export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<NestExpressApplication> {
  const logger = options.logger ?? createPino(config);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, logger), appOptions(logger));
  return configureApp(app, config, logger);
}

/** Options every Nest application of this server is created with. */
export function appOptions(logger: Logger) {
  return { bodyParser: false, logger: new PinoNestLogger(logger), abortOnError: false } as const;
}

/**
 * Middleware, shutdown hooks, Swagger and init for an application built from
 * `AppModule.forRoot(config, logger)` (tests build it through Test.createTestingModule to
 * override providers).
 */
export async function configureApp(app: NestExpressApplication, config: AppConfig, logger: Logger): Promise<NestExpressApplication> {
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', config.trustProxy);
  app.use(requestIdMiddleware);
  app.use(requestLogMiddleware(logger));
  app.use(httpMetricsMiddleware(app.get(MetricsService)));
  if (config.corsOrigins.length > 0) app.enableCors({ origin: config.corsOrigins, exposedHeaders: ['x-request-id', 'X-Execution-Id', 'Location', 'Retry-After', 'Preference-Applied', 'Idempotent-Replayed'] });
  app.enableShutdownHooks();
  SwaggerModule.setup('api/docs', app, () => buildOpenApiDocument(app), { jsonDocumentUrl: 'api/docs-json' });
  try {
    await app.init();
  } catch (err) {
    // A boot check failed after the providers started: release what they hold (data-dir lock,
    // database pool, browser) before reporting it.
    await app.close().catch(() => undefined);
    throw err;
  }
  const server = app.getHttpServer() as Server;
  // Synchronous runs hold the request open for queue wait plus run time (API §1.1).
  server.requestTimeout = 0;
  return app;
}
