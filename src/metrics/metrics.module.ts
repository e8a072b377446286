import { Global, Module } from '@nestjs/common';
import { HealthModule } from '../health/health.module.js';
import { MetricsBindings } from './metrics-bindings.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsService } from './metrics.service.js';

@Global()
@Module({
  imports: [HealthModule],
  controllers: [MetricsController],
  providers: [MetricsService, MetricsBindings],
  exports: [MetricsService],
})
export class MetricsModule {}
