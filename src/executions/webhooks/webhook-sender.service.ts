import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { SERVER_VERSION } from '../../common/version.js';
import { GuardedHttpClient } from '../../network/guarded-http.service.js';
import { OutboundRequestError } from '../../network/outbound-request.error.js';
import { WebhookSecretService } from '../../settings/webhook-secret/webhook-secret.service.js';
import type { WebhookAttempt } from '../../storage/ports/index.js';
import { WEBHOOK_DELIVERY_OPTIONS, type WebhookDeliveryOptions } from './webhook-delivery.options.js';
import { type AttemptVerdict, parseRetryAfter, verdictForError, verdictForStatus } from './webhook-retry.js';
import { signatureHeader } from './webhook-signature.js';

export const WEBHOOK_EVENT = 'execution.finished';

export interface WebhookAttemptRequest {
  url: string;
  body: string;
  deliveryId: string;
  /** 1-based. */
  attempt: number;
  signal?: AbortSignal;
}

export interface WebhookAttemptResult {
  attempt: WebhookAttempt;
  verdict: AttemptVerdict;
  /** The receiver's `Retry-After` (429/503 only), in ms. */
  retryAfterMs: number | null;
}

/**
 * One signed POST of a webhook body (API §4.8) through the SSRF-guarded client: every hop is
 * checked with fresh DNS, redirects re-send the same POST. Never throws.
 */
@Injectable()
export class WebhookSender {
  constructor(
    private readonly http: GuardedHttpClient,
    private readonly secrets: WebhookSecretService,
    private readonly clock: Clock,
    @Inject(WEBHOOK_DELIVERY_OPTIONS) private readonly options: WebhookDeliveryOptions,
  ) {}

  async send(req: WebhookAttemptRequest): Promise<WebhookAttemptResult> {
    const at = this.clock.now();
    const started = performance.now();
    const failed = (verdict: AttemptVerdict, error: string): WebhookAttemptResult => ({
      attempt: { attempt: req.attempt, at, durationMs: Math.round(performance.now() - started), statusCode: null, ok: false, error },
      verdict,
      retryAfterMs: null,
    });
    try {
      const secret = await this.secrets.getSecret();
      const res = await this.http.request({
        method: 'POST',
        url: req.url,
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': `Figranium-Webhook/${SERVER_VERSION}`,
          'X-Figranium-Event': WEBHOOK_EVENT,
          'X-Figranium-Delivery': req.deliveryId,
          'X-Figranium-Attempt': String(req.attempt),
          'X-Figranium-Signature': signatureHeader(secret, req.body, Math.floor(this.clock.now() / 1000)),
        },
        body: req.body,
        timeoutMs: this.options.timeoutMs,
        maxRedirects: this.options.maxRedirects,
        maxResponseBytes: this.options.maxResponseBytes,
        redirectMode: 'resend',
        flavour: 'webhook',
        decompress: false,
        signal: req.signal,
      });
      const verdict = verdictForStatus(res.status);
      const attempt: WebhookAttempt = { attempt: req.attempt, at, durationMs: Math.round(performance.now() - started), statusCode: res.status, ok: verdict === 'delivered' };
      if (!attempt.ok) attempt.error = `HTTP ${res.status}`;
      const retryAfterMs = res.status === 429 || res.status === 503 ? parseRetryAfter(res.headers['retry-after'], this.clock.now()) : null;
      return { attempt, verdict, retryAfterMs };
    } catch (err) {
      if (err instanceof OutboundRequestError) return failed(verdictForError(err), `${err.code}: ${err.message}`);
      // e.g. the webhook secret could not be read (storage briefly down): worth another try.
      return failed('retry', `INTERNAL: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
