import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { APP_CONFIG, type AppConfig } from '../config/config.service.js';
import { StorageHealthIndicator } from '../health/storage.health.js';
import { NoStorage } from '../storage/storage-available.guard.js';
import { MetricsService } from './metrics.service.js';

/** API §10: Prometheus text format, API key required. */
@ApiTags('metrics')
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    private readonly storageHealth: StorageHealthIndicator,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @NoStorage()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(): Promise<string> {
    const probe = await this.storageHealth.probe();
    this.metrics.storageUp.set({ provider: this.config.storage }, probe.ok ? 1 : 0);
    return this.metrics.registry.metrics();
  }
}
