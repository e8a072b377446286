import { DynamicModule, MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import type { Logger } from 'pino';
import { AuthGuard } from './auth/auth.guard.js';
import { AuthModule } from './auth/auth.module.js';
import { CapturesModule } from './captures/captures.module.js';
import { CommonModule } from './common/common.module.js';
import type { AppConfig } from './config/config.schema.js';
import { ConfigModule } from './config/config.module.js';
import { CryptoModule } from './crypto/crypto.module.js';
import { CredentialsModule } from './credentials/credentials.module.js';
import { ExecutionEventsModule } from './executions/events/execution-events.module.js';
import { ExecutionsModule } from './executions/executions.module.js';
import { ExecutionRunsModule } from './executions/execution-runs.module.js';
import { WebhooksModule } from './executions/webhooks/webhooks.module.js';
import { HealthModule } from './health/health.module.js';
import { SettingsModule } from './settings/settings.module.js';
import { bodyMiddleware } from './http/body.middleware.js';
import { HttpExceptionFilter } from './http/http-exception.filter.js';
import { AppValidationPipe } from './http/validation.pipe.js';
import { LoggingModule } from './logging/logging.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { NetworkModule } from './network/network.module.js';
import { RunnerModule } from './runner/runner.module.js';
import { StorageAvailableGuard } from './storage/storage-available.guard.js';
import { StorageModule } from './storage/storage.module.js';
import { TasksModule } from './tasks/tasks.module.js';

@Module({})
export class AppModule implements NestModule {
  private static config: AppConfig;

  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    AppModule.config = config;
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(logger),
        CommonModule,
        StorageModule.forRoot(config),
        AuthModule,
        CryptoModule,
        NetworkModule,
        HealthModule,
        MetricsModule,
        SettingsModule,
        CredentialsModule,
        CapturesModule,
        TasksModule,
        // Before ExecutionsModule: its `GET stream` must be routed before `GET :id`.
        ExecutionEventsModule,
        ExecutionsModule,
        ExecutionRunsModule,
        WebhooksModule,
        RunnerModule,
      ],
      providers: [
        // Order matters: authenticate (401/429) before the storage check (503), API §1.4.
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: StorageAvailableGuard },
        { provide: APP_PIPE, useClass: AppValidationPipe },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(bodyMiddleware(AppModule.config.maxBodySize)).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
