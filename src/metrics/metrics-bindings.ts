import { Injectable, OnModuleInit } from '@nestjs/common';
import { AuthService } from '../auth/auth.service.js';
import { MetricsService } from './metrics.service.js';

/** Connects event sources that do not depend on metrics themselves. */
@Injectable()
export class MetricsBindings implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    private readonly auth: AuthService,
  ) {}

  onModuleInit(): void {
    this.auth.onFailure(() => this.metrics.authFailures.inc());
  }
}
