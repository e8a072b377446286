import { Controller, Get, HttpCode, Inject, Optional, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/public.decorator.js';
import { Clock } from '../common/clock.js';
import { ShutdownState } from '../common/shutdown-state.js';
import { SERVER_VERSION } from '../common/version.js';
import { APP_CONFIG, type AppConfig } from '../config/config.service.js';
import { BrowserStatusSource, QueueStatsSource } from './readiness-sources.js';
import { StorageHealthIndicator } from './storage.health.js';

const startedAt = Date.now();

interface HealthBody {
  status: 'ok' | 'degraded';
  uptime: number;
  storage: 'json' | 'postgres';
  storage_error?: string;
  version: string;
}

/** API §2. Public: load balancers and probes call it without a key. */
@ApiExcludeController()
@Public()
@Controller('api/health')
export class HealthController {
  constructor(
    private readonly storageHealth: StorageHealthIndicator,
    private readonly shutdown: ShutdownState,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() private readonly browser?: BrowserStatusSource,
    @Optional() private readonly queue?: QueueStatsSource,
  ) {}

  @Get()
  async health(@Res({ passthrough: true }) res: Response): Promise<HealthBody> {
    const storage = (await this.storageHealth.check()).storage;
    const body: HealthBody = {
      status: 'ok',
      uptime: Math.floor((this.clock.now() - startedAt) / 1000),
      storage: this.config.storage,
      version: SERVER_VERSION,
    };
    if (storage.status === 'down') {
      body.status = 'degraded';
      body.storage_error = storage.error;
      res.status(503);
    }
    return body;
  }

  @Get('live')
  @HttpCode(200)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) res: Response) {
    const storage = (await this.storageHealth.check()).storage;
    const storageOk = storage.status === 'up';
    const ready = storageOk && !this.shutdown.isShuttingDown;
    if (!ready) res.status(503);
    return {
      status: ready ? 'ok' : 'degraded',
      storage: this.config.storage,
      ...(storage.status === 'down' ? { storage_error: storage.error } : {}),
      shuttingDown: this.shutdown.isShuttingDown,
      browser: this.browser?.browserStatus() ?? 'unknown',
      queue: this.queue?.queueStats() ?? {
        running: 0,
        queued: 0,
        maxConcurrent: this.config.maxConcurrentExecutions,
        maxQueued: this.config.maxQueuedExecutions,
      },
    };
  }
}
