import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { APP_LOGGER, type AppLogger } from '../../logging/app-logger.js';
import { redactUrl } from '../../network/url-redaction.js';
import { ExecutionRepository, StorageStatus, type WebhookState } from '../../storage/ports/index.js';
import { buildWebhookBody } from './webhook-body.js';
import { WEBHOOK_DELIVERY_OPTIONS, type WebhookDeliveryOptions } from './webhook-delivery.options.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import { waitBeforeAttempt } from './webhook-retry.js';
import { WebhookSender } from './webhook-sender.service.js';

/** setTimeout fires at once for delays beyond 2^31-1 ms. */
const MAX_TIMER_MS = 2_147_483_647;
/** Storage errors while delivering: re-read later, this many times per execution and boot. */
const MAX_STORAGE_RETRIES = 20;

const isTerminal = (hook: WebhookState) => hook.state === 'delivered' || hook.state === 'failed';

/**
 * Delivers completion webhooks (API §4.8, DECISIONS #10) from the outbox stored on the execution
 * (`webhook`): one delivery loop per execution, each attempt recorded with a guarded update
 * (`expectPhase: ['finished']`, only the `webhook` field), `nextAttemptAt` stored before waiting
 * so a restart resumes on time. The run's outcome is never touched; nothing is thrown to callers.
 */
@Injectable()
export class HttpWebhookDispatcher extends WebhookDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly active = new Map<string, Promise<void>>();
  private readonly wakers = new Set<() => void>();
  private readonly storageRetries = new Map<string, number>();
  private readonly shutdown = new AbortController();

  constructor(
    private readonly executions: ExecutionRepository,
    private readonly sender: WebhookSender,
    private readonly clock: Clock,
    private readonly storage: StorageStatus,
    @Inject(WEBHOOK_DELIVERY_OPTIONS) private readonly options: WebhookDeliveryOptions,
    @Inject(APP_LOGGER) private readonly logger: AppLogger,
  ) {
    super();
  }

  dispatch(executionId: string): void {
    try {
      if (this.stopped || this.active.has(executionId)) return;
      const run = this.deliver(executionId)
        .then(() => {
          this.storageRetries.delete(executionId);
        })
        .catch((err: unknown) => this.onStorageError(executionId, err))
        .finally(() => this.active.delete(executionId));
      this.active.set(executionId, run);
    } catch (err) {
      this.logger.error({ executionId, err: errorText(err) }, 'webhook dispatch failed');
    }
  }

  /** Deliveries in progress in this process (tests and shutdown use it). */
  async idle(): Promise<void> {
    while (this.active.size > 0) await Promise.allSettled([...this.active.values()]);
  }

  onApplicationBootstrap(): void {
    void this.storage
      .whenReady()
      .then(() => this.resumePending())
      .catch((err: unknown) => this.logger.error({ err: errorText(err) }, 'could not resume pending webhooks'));
  }

  async beforeApplicationShutdown(): Promise<void> {
    // In-flight attempts are abandoned unrecorded; the stored state stays pending/delivering
    // and the next start resumes it (receivers dedupe on X-Figranium-Delivery).
    this.shutdown.abort();
    for (const wake of [...this.wakers]) wake();
    await this.idle();
  }

  private get stopped(): boolean {
    return this.shutdown.signal.aborted;
  }

  private async resumePending(): Promise<void> {
    if (this.stopped) return;
    const pending = await this.executions.listPendingWebhooks();
    if (pending.length > 0) this.logger.info({ count: pending.length }, 'resuming pending webhook deliveries');
    for (const record of pending) this.dispatch(record.id);
  }

  private async deliver(executionId: string): Promise<void> {
    const record = await this.executions.get(executionId);
    if (!record?.webhook || record.phase !== 'finished' || isTerminal(record.webhook)) return;
    let hook: WebhookState = record.webhook;
    const body = hook.body ?? buildWebhookBody(record, hook.deliveryId);
    const log = { executionId, deliveryId: hook.deliveryId, url: redactUrl(hook.url) };

    while (!this.stopped) {
      const attempt = hook.attempts.length + 1;
      if (attempt > this.options.maxAttempts) {
        await this.save(executionId, { ...hook, state: 'failed', nextAttemptAt: null, body: null });
        return;
      }
      if (hook.state === 'pending') {
        hook = { ...hook, state: 'delivering', body };
        if (!(await this.save(executionId, hook))) return;
      }
      if (await this.sleepUntil(hook.nextAttemptAt ?? 0)) {
        if (this.stopped || !(await this.stillOwed(executionId, hook))) return;
      }

      const result = await this.sender.send({ url: hook.url, body, deliveryId: hook.deliveryId, attempt, signal: this.shutdown.signal });
      if (result.verdict === 'aborted') return;
      const attempts = [...hook.attempts, result.attempt];
      const { statusCode, error } = result.attempt;
      if (result.verdict === 'delivered') {
        hook = { ...hook, attempts, state: 'delivered', nextAttemptAt: null, body: null };
        this.logger.info({ ...log, attempt, statusCode }, 'webhook delivered');
      } else if (result.verdict === 'final' || attempt >= this.options.maxAttempts) {
        hook = { ...hook, attempts, state: 'failed', nextAttemptAt: null, body: null };
        this.logger.warn({ ...log, attempt, statusCode, error }, 'webhook delivery failed');
      } else {
        const nextAttemptAt = this.clock.now() + waitBeforeAttempt(attempt + 1, this.options, result.retryAfterMs);
        hook = { ...hook, attempts, state: 'delivering', nextAttemptAt, body };
        this.logger.info({ ...log, attempt, statusCode, error, nextAttemptAt }, 'webhook attempt failed; will retry');
      }
      if (!(await this.save(executionId, hook)) || isTerminal(hook)) return;
    }
  }

  /** Only the `webhook` field, only while the execution is finished; false when it is gone. */
  private async save(executionId: string, hook: WebhookState): Promise<boolean> {
    return (await this.executions.update(executionId, { webhook: hook }, ['finished'])) !== null;
  }

  private onStorageError(executionId: string, err: unknown): void {
    const tries = (this.storageRetries.get(executionId) ?? 0) + 1;
    this.storageRetries.set(executionId, tries);
    const retry = tries <= MAX_STORAGE_RETRIES && !this.stopped;
    this.logger.error({ executionId, err: errorText(err), retryInMs: retry ? this.options.storageRetryMs : null }, 'webhook delivery interrupted by a storage error');
    if (!retry) return;
    const timer = setTimeout(() => this.dispatch(executionId), this.options.storageRetryMs);
    timer.unref();
    this.shutdown.signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
  }

  /** After a wait: the execution may have been deleted, or its delivery settled elsewhere. */
  private async stillOwed(executionId: string, hook: WebhookState): Promise<boolean> {
    const current = await this.executions.get(executionId);
    const stored = current?.webhook;
    return current?.phase === 'finished' && stored?.deliveryId === hook.deliveryId && !isTerminal(stored);
  }

  /** True when it actually waited. */
  private async sleepUntil(due: number): Promise<boolean> {
    let waited = false;
    for (let wait = due - this.clock.now(); wait > 0 && !this.stopped; wait = due - this.clock.now()) {
      waited = true;
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.wakers.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, Math.min(wait, MAX_TIMER_MS));
        this.wakers.add(wake);
      });
    }
    return waited;
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
