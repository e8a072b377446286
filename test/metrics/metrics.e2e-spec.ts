import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/app-harness.js';

describe('GET /metrics (API §10)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  it('requires the API key', async () => {
    expect((await fetch(`${t.url}/metrics`)).status).toBe(401);
  });

  it('serves Prometheus text with the documented metric names and route templates', async () => {
    await fetch(`${t.url}/api/settings/api-key`, { headers: { 'x-api-key': 'definitely-wrong-key' } });
    await fetch(`${t.url}/api/health`);
    const res = await fetch(`${t.url}/metrics`, { headers: { 'x-api-key': t.apiKey } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    for (const name of [
      'figranium_executions_total',
      'figranium_execution_duration_seconds',
      'figranium_queue_wait_seconds',
      'figranium_executions_running',
      'figranium_executions_queued',
      'figranium_queue_rejections_total',
      'figranium_webhook_deliveries_total',
      'figranium_browser_pool_size',
      'figranium_browser_launches_total',
      'figranium_auth_failures_total',
      'figranium_storage_up',
      'figranium_http_requests_total',
      'figranium_http_request_duration_seconds',
      'process_cpu_user_seconds_total',
      'nodejs_heap_size_total_bytes',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    expect(text).toMatch(/figranium_auth_failures_total 1\b/);
    expect(text).toContain('figranium_storage_up{provider="json"} 1');
    expect(text).toContain('figranium_http_requests_total{method="GET",route="/api/health",status="200"} 1');
  });
});
