import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/config.service.js';
import { StorageStatus } from '../storage/ports/index.js';

const PROBE_TIMEOUT_MS = 2000;
const CACHE_MS = 2000;

interface ProbeResult {
  ok: boolean;
  error?: string;
  at: number;
}

/** Terminus indicator for the storage provider: probe raced against 2 s, result cached ≤ 2 s. */
@Injectable()
export class StorageHealthIndicator {
  private last: ProbeResult | null = null;
  private inFlight: Promise<ProbeResult> | null = null;

  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly storage: StorageStatus,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async check(key = 'storage') {
    const indicator = this.indicators.check(key);
    const result = await this.probe();
    return result.ok
      ? indicator.up({ provider: this.config.storage })
      : indicator.down({ provider: this.config.storage, error: result.error ?? 'Storage unreachable' });
  }

  async probe(): Promise<ProbeResult> {
    if (this.last && this.clock.now() - this.last.at < CACHE_MS) return this.last;
    this.inFlight ??= this.runProbe().finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  private async runProbe(): Promise<ProbeResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('Storage probe timed out')), PROBE_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.storage.probe(), timeout]);
      this.last = { ok: true, at: this.clock.now() };
    } catch (err) {
      const message = err instanceof Error ? err.message : 'Storage unreachable';
      this.last = { ok: false, error: this.config.storage === 'postgres' ? postgresReason(message) : message, at: this.clock.now() };
    } finally {
      clearTimeout(timer);
    }
    return this.last;
  }
}

/** Short, credential-free reason for health responses. */
function postgresReason(message: string): string {
  return /timed out/i.test(message) ? 'Database unreachable (timeout)' : 'Database unreachable';
}
