import { describe, expect, it } from '@jest/globals';
import pino from 'pino';
import { SystemClock } from '../../common/clock.js';
import type { ExecutionPatch, ExecutionRecord, ExecutionRepository, Phase, StorageStatus, WebhookState } from '../../storage/ports/index.js';
import { HttpWebhookDispatcher } from './http-webhook-dispatcher.service.js';
import { buildWebhookBody } from './webhook-body.js';
import { DEFAULT_WEBHOOK_DELIVERY_OPTIONS, type WebhookDeliveryOptions } from './webhook-delivery.options.js';
import type { AttemptVerdict } from './webhook-retry.js';
import type { WebhookAttemptRequest, WebhookAttemptResult, WebhookSender } from './webhook-sender.service.js';

/** The ExecutionRepository calls the dispatcher makes, kept in memory. */
class FakeExecutions {
  readonly records = new Map<string, ExecutionRecord>();
  readonly updates: Array<{ id: string; patch: ExecutionPatch; expectPhase?: Phase[] }> = [];
  failGets = 0;

  async get(id: string): Promise<ExecutionRecord | null> {
    if (this.failGets > 0) {
      this.failGets--;
      throw new Error('storage down');
    }
    const r = this.records.get(id);
    return r ? structuredClone(r) : null;
  }
  async update(id: string, patch: ExecutionPatch, expectPhase?: Phase[]): Promise<ExecutionRecord | null> {
    this.updates.push({ id, patch: structuredClone(patch), expectPhase });
    const r = this.records.get(id);
    if (!r || (expectPhase && !expectPhase.includes(r.phase))) return null;
    const next = { ...r, ...structuredClone(patch) };
    this.records.set(id, next);
    return structuredClone(next);
  }
  async listPendingWebhooks(): Promise<ExecutionRecord[]> {
    return [...this.records.values()].filter((r) => r.webhook?.state === 'pending' || r.webhook?.state === 'delivering');
  }
  hook(id: string): WebhookState {
    const w = this.records.get(id)?.webhook;
    if (!w) throw new Error('no webhook');
    return w;
  }
}

type Step = { status: number } | { verdict: AttemptVerdict; error: string } | { status: number; retryAfterMs: number };

/** Answers attempts from a script (the last step repeats). */
class ScriptedSender {
  readonly calls: Array<WebhookAttemptRequest & { sentAt: number }> = [];
  constructor(
    private readonly steps: Step[],
    private readonly gate?: Promise<void>,
  ) {}
  async send(req: WebhookAttemptRequest): Promise<WebhookAttemptResult> {
    this.calls.push({ ...req, sentAt: Date.now() });
    if (this.gate) await this.gate;
    if (req.signal?.aborted) return { attempt: { attempt: req.attempt, at: Date.now(), durationMs: 0, statusCode: null, ok: false }, verdict: 'aborted', retryAfterMs: null };
    const step = this.steps[Math.min(this.calls.length - 1, this.steps.length - 1)];
    const at = Date.now();
    if ('verdict' in step) return { attempt: { attempt: req.attempt, at, durationMs: 1, statusCode: null, ok: false, error: step.error }, verdict: step.verdict, retryAfterMs: null };
    const ok = step.status < 300;
    const verdict: AttemptVerdict = ok ? 'delivered' : step.status >= 500 || step.status === 429 ? 'retry' : 'final';
    const attempt = { attempt: req.attempt, at, durationMs: 1, statusCode: step.status, ok, ...(ok ? {} : { error: `HTTP ${step.status}` }) };
    return { attempt, verdict, retryAfterMs: 'retryAfterMs' in step ? step.retryAfterMs : null };
  }
}

const finished = (id: string, webhook: Partial<WebhookState> | null, overrides: Partial<ExecutionRecord> = {}): ExecutionRecord =>
  ({
    id,
    runId: `run_${id}`,
    taskId: 'task_1',
    taskName: 'T',
    source: 'api',
    mode: 'agent',
    phase: 'finished',
    outcome: 'error',
    error: 'Boom',
    errorCode: 'ACTION_FAILED',
    timestamp: 1,
    startedAt: 2,
    finishedAt: 3,
    durationMs: 1,
    result: { outcome: 'error' },
    webhook: webhook && { url: 'https://hooks.example.com/in?token=abc', deliveryId: `dlv_${id}`, state: 'pending', attempts: [], body: '{"fixed":true}', nextAttemptAt: null, ...webhook },
    ...overrides,
  }) as ExecutionRecord;

function setup(sender: ScriptedSender, options: Partial<WebhookDeliveryOptions> = {}) {
  const executions = new FakeExecutions();
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (l: string) => lines.push(l) });
  const storage = { whenReady: async () => undefined } as unknown as StorageStatus;
  const opts: WebhookDeliveryOptions = { ...DEFAULT_WEBHOOK_DELIVERY_OPTIONS, baseDelayMs: 5, storageRetryMs: 10, random: () => 0.5, ...options };
  const dispatcher = new HttpWebhookDispatcher(executions as unknown as ExecutionRepository, sender as unknown as WebhookSender, new SystemClock(), storage, opts, logger);
  return { executions, dispatcher, lines };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('HttpWebhookDispatcher', () => {
  it('retries 5xx, records every attempt, and ends delivered with the same body and delivery id', async () => {
    const sender = new ScriptedSender([{ status: 500 }, { status: 503 }, { status: 200 }]);
    const { executions, dispatcher, lines } = setup(sender);
    executions.records.set('e1', finished('e1', {}));
    dispatcher.dispatch('e1');
    await dispatcher.idle();

    expect(sender.calls.map((c) => [c.attempt, c.deliveryId, c.body])).toEqual([
      [1, 'dlv_e1', '{"fixed":true}'],
      [2, 'dlv_e1', '{"fixed":true}'],
      [3, 'dlv_e1', '{"fixed":true}'],
    ]);
    const hook = executions.hook('e1');
    expect(hook.state).toBe('delivered');
    expect(hook.attempts.map((a) => [a.attempt, a.statusCode, a.ok, a.error])).toEqual([
      [1, 500, false, 'HTTP 500'],
      [2, 503, false, 'HTTP 503'],
      [3, 200, true, undefined],
    ]);
    expect(hook.body).toBeNull();
    expect(hook.nextAttemptAt).toBeNull();
    // Waits of 5 ms then 10 ms (base doubling) passed between attempts.
    expect(sender.calls[1].sentAt - sender.calls[0].sentAt).toBeGreaterThanOrEqual(4);
    expect(sender.calls[2].sentAt - sender.calls[1].sentAt).toBeGreaterThanOrEqual(9);
    // Only the webhook field, only while finished: the outcome is never touched.
    expect(executions.updates.every((u) => Object.keys(u.patch).join() === 'webhook' && u.expectPhase?.join() === 'finished')).toBe(true);
    expect(executions.updates.map((u) => u.patch.webhook?.state)).toEqual(['delivering', 'delivering', 'delivering', 'delivered']);
    expect(executions.records.get('e1')?.outcome).toBe('error');
    // Logs carry the redacted URL only.
    expect(lines.join('')).toContain('https://hooks.example.com/in?…');
    expect(lines.join('')).not.toContain('token=abc');
  });

  it('a 4xx other than 408/429 is final after one attempt', async () => {
    const sender = new ScriptedSender([{ status: 400 }]);
    const { executions, dispatcher } = setup(sender);
    executions.records.set('e2', finished('e2', {}));
    dispatcher.dispatch('e2');
    await dispatcher.idle();
    expect(sender.calls).toHaveLength(1);
    expect(executions.hook('e2')).toMatchObject({ state: 'failed', attempts: [{ attempt: 1, statusCode: 400, ok: false, error: 'HTTP 400' }], body: null });
  });

  it('a blocked URL ends the delivery failed without retries', async () => {
    const sender = new ScriptedSender([{ verdict: 'final', error: 'INVALID_WEBHOOK_URL: Invalid webhook URL.' }]);
    const { executions, dispatcher } = setup(sender);
    executions.records.set('e3', finished('e3', {}));
    dispatcher.dispatch('e3');
    await dispatcher.idle();
    expect(sender.calls).toHaveLength(1);
    expect(executions.hook('e3')).toMatchObject({ state: 'failed', attempts: [{ statusCode: null, ok: false, error: 'INVALID_WEBHOOK_URL: Invalid webhook URL.' }] });
  });

  it('gives up after 5 attempts', async () => {
    const sender = new ScriptedSender([{ verdict: 'retry', error: 'TIMEOUT: Request timed out after 10000 ms' }]);
    const { executions, dispatcher } = setup(sender, { baseDelayMs: 1 });
    executions.records.set('e4', finished('e4', {}));
    dispatcher.dispatch('e4');
    await dispatcher.idle();
    expect(sender.calls.map((c) => c.attempt)).toEqual([1, 2, 3, 4, 5]);
    expect(executions.hook('e4').state).toBe('failed');
    expect(executions.hook('e4').attempts).toHaveLength(5);
  });

  it('a Retry-After replaces the back-off and is stored as nextAttemptAt', async () => {
    const sender = new ScriptedSender([{ status: 429, retryAfterMs: 40 }, { status: 204 }]);
    const { executions, dispatcher } = setup(sender, { baseDelayMs: 60_000 });
    executions.records.set('e5', finished('e5', {}));
    dispatcher.dispatch('e5');
    await dispatcher.idle();
    const scheduled = executions.updates[1].patch.webhook;
    expect(scheduled?.nextAttemptAt).toBeGreaterThanOrEqual(scheduled!.attempts[0].at + 40);
    expect(scheduled?.nextAttemptAt).toBeLessThan(scheduled!.attempts[0].at + 1000);
    expect(sender.calls[1].sentAt - sender.calls[0].sentAt).toBeGreaterThanOrEqual(39);
    expect(executions.hook('e5').state).toBe('delivered');
  });

  it('builds and stores the body when the record has none, and keeps it for every attempt', async () => {
    const sender = new ScriptedSender([{ status: 502 }, { status: 200 }]);
    const { executions, dispatcher } = setup(sender);
    const record = finished('e6', { body: null });
    executions.records.set('e6', record);
    dispatcher.dispatch('e6');
    await dispatcher.idle();
    const expected = buildWebhookBody(record, 'dlv_e6');
    expect(sender.calls.map((c) => c.body)).toEqual([expected, expected]);
    expect(executions.updates[0].patch.webhook?.body).toBe(expected);
  });

  it('does nothing for executions without a pending webhook, unfinished ones, or twice at once', async () => {
    const sender = new ScriptedSender([{ status: 200 }]);
    const { executions, dispatcher } = setup(sender);
    executions.records.set('none', finished('none', null));
    executions.records.set('done', finished('done', { state: 'delivered' }));
    executions.records.set('running', finished('running', {}, { phase: 'running' }));
    executions.records.set('twice', finished('twice', {}));
    for (const id of ['none', 'done', 'running', 'missing', 'twice', 'twice']) dispatcher.dispatch(id);
    await dispatcher.idle();
    expect(sender.calls.map((c) => c.deliveryId)).toEqual(['dlv_twice']);
  });

  it('stops when the execution is deleted between attempts', async () => {
    const sender = new ScriptedSender([{ status: 500 }]);
    const { executions, dispatcher } = setup(sender, { baseDelayMs: 30 });
    executions.records.set('e7', finished('e7', {}));
    dispatcher.dispatch('e7');
    await sleep(10);
    executions.records.delete('e7');
    await dispatcher.idle();
    expect(sender.calls).toHaveLength(1);
  });

  it('resumes pending deliveries at bootstrap, honouring nextAttemptAt', async () => {
    const sender = new ScriptedSender([{ status: 200 }]);
    const { executions, dispatcher } = setup(sender);
    const due = Date.now() + 80;
    executions.records.set('r1', finished('r1', { state: 'delivering', nextAttemptAt: due, attempts: [{ attempt: 1, at: 1, durationMs: 1, statusCode: 500, ok: false, error: 'HTTP 500' }] }));
    executions.records.set('r2', finished('r2', { state: 'pending' }));
    dispatcher.onApplicationBootstrap();
    await sleep(20);
    await dispatcher.idle();
    expect(sender.calls.map((c) => [c.deliveryId, c.attempt])).toEqual([
      ['dlv_r2', 1],
      ['dlv_r1', 2],
    ]);
    expect(sender.calls[1].sentAt).toBeGreaterThanOrEqual(due - 1);
    expect(executions.hook('r1').state).toBe('delivered');
    expect(executions.hook('r2').state).toBe('delivered');
  });

  it('at shutdown abandons waits and in-flight attempts without recording them', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const sender = new ScriptedSender([{ status: 500 }], gate);
    const { executions, dispatcher } = setup(sender, { baseDelayMs: 60_000 });
    executions.records.set('s1', finished('s1', {}));
    dispatcher.dispatch('s1');
    await sleep(10);
    const stopping = dispatcher.beforeApplicationShutdown();
    release();
    await stopping;
    expect(executions.hook('s1')).toMatchObject({ state: 'delivering', attempts: [] });
    dispatcher.dispatch('s1');
    await dispatcher.idle();
    expect(sender.calls).toHaveLength(1);
  });

  it('never throws into the caller; a storage error is retried later', async () => {
    const sender = new ScriptedSender([{ status: 200 }]);
    const { executions, dispatcher, lines } = setup(sender);
    executions.records.set('x1', finished('x1', {}));
    executions.failGets = 1;
    expect(() => dispatcher.dispatch('x1')).not.toThrow();
    await dispatcher.idle();
    expect(lines.join('')).toContain('storage error');
    await sleep(40);
    await dispatcher.idle();
    expect(executions.hook('x1').state).toBe('delivered');
  });
});
