import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/config.service.js';

interface Window {
  startedAt: number;
  failures: number;
}

/**
 * API §1.3: counts wrong keys per client IP in a fixed window. In memory, per instance.
 * Requests without a key are never counted.
 */
@Injectable()
export class AuthRateLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly windowMs: number;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.windowMs = config.authRateLimitWindowSeconds * 1000;
  }

  /** Seconds until the caller may try again, or 0 when not limited. */
  retryAfterSeconds(ip: string): number {
    const w = this.current(ip);
    // Limited once MORE than the maximum have failed (API §1.3).
    if (!w || w.failures <= this.config.authRateLimitMax) return 0;
    return Math.max(1, Math.ceil((w.startedAt + this.windowMs - this.clock.now()) / 1000));
  }

  recordFailure(ip: string): void {
    const w = this.current(ip) ?? { startedAt: this.clock.now(), failures: 0 };
    w.failures += 1;
    this.windows.set(ip, w);
    if (this.windows.size > 10_000) this.sweep();
  }

  private current(ip: string): Window | undefined {
    const w = this.windows.get(ip);
    if (w && this.clock.now() - w.startedAt >= this.windowMs) {
      this.windows.delete(ip);
      return undefined;
    }
    return w;
  }

  private sweep(): void {
    const now = this.clock.now();
    for (const [ip, w] of this.windows) if (now - w.startedAt >= this.windowMs) this.windows.delete(ip);
  }
}
