import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

const DURATION_BUCKETS = [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600];
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Prometheus metrics of API §10, one registry per app instance (tests run several apps). */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly executionsTotal = new Counter({
    name: 'figranium_executions_total',
    help: 'Finished executions',
    labelNames: ['outcome', 'mode', 'source'] as const,
    registers: [this.registry],
  });
  readonly executionDuration = new Histogram({
    name: 'figranium_execution_duration_seconds',
    help: 'Run duration from start to finish',
    labelNames: ['outcome', 'mode'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  readonly queueWait = new Histogram({
    name: 'figranium_queue_wait_seconds',
    help: 'Time between admission and start',
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  readonly executionsRunning = new Gauge({ name: 'figranium_executions_running', help: 'Running executions', registers: [this.registry] });
  readonly executionsQueued = new Gauge({ name: 'figranium_executions_queued', help: 'Queued executions', registers: [this.registry] });
  readonly queueRejections = new Counter({ name: 'figranium_queue_rejections_total', help: 'Runs refused with QUEUE_FULL', registers: [this.registry] });
  readonly webhookDeliveries = new Counter({
    name: 'figranium_webhook_deliveries_total',
    help: 'Webhook delivery attempts by result',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly browserPoolSize = new Gauge({ name: 'figranium_browser_pool_size', help: 'Warm browsers', registers: [this.registry] });
  readonly browserLaunches = new Counter({
    name: 'figranium_browser_launches_total',
    help: 'Browser launches or connects by result',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly authFailures = new Counter({ name: 'figranium_auth_failures_total', help: 'Requests with a wrong API key', registers: [this.registry] });
  readonly storageUp = new Gauge({
    name: 'figranium_storage_up',
    help: '1 when the storage probe succeeds',
    labelNames: ['provider'] as const,
    registers: [this.registry],
  });
  readonly httpRequests = new Counter({
    name: 'figranium_http_requests_total',
    help: 'HTTP requests',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'figranium_http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route'] as const,
    buckets: HTTP_BUCKETS,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
