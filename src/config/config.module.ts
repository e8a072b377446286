import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_CONFIG } from './config.service.js';
import type { AppConfig } from './config.schema.js';

/** Provides the configuration validated once at boot (see main.ts / app.factory.ts). */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: APP_CONFIG, useValue: config }], exports: [APP_CONFIG] };
  }
}
