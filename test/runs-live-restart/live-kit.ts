// HTTP helpers for the live-run suites (real app or a server child process), and a "gate" page
// server whose responses are held until the test opens it.
import { expect } from '@jest/globals';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ReceivedHook } from '../executions/webhook-receiver.js';
import type { WebhookAttempt } from '../../src/storage/ports/index.js';
import { verifySignature } from '../executions/webhook-receiver.js';

/** Anything with a base URL and an API key: a TestApp or a ServerProcess. */
export interface Endpoint {
  url: string;
  apiKey: string;
}

export interface Reply<T> {
  status: number;
  headers: Headers;
  body: T;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function call<T = Record<string, unknown>>(t: Endpoint, method: string, path: string, body?: unknown): Promise<Reply<T>> {
  const headers: Record<string, string> = { 'x-api-key': t.apiKey };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${t.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text === '' ? undefined : JSON.parse(text)) as T };
}

export async function createTask(t: Endpoint, task: Record<string, unknown>): Promise<string> {
  const res = await call<{ id: string }>(t, 'POST', '/api/tasks', { disableRecording: true, ...task });
  expect(res.status).toBe(200);
  return res.body.id;
}

export interface Admitted {
  executionId: string;
  runId: string;
}

/** POST /api/tasks/:id/api?async=true → 202. */
export async function startAsync(t: Endpoint, taskId: string, body: Record<string, unknown>): Promise<Admitted> {
  const res = await call<Admitted & { phase: string }>(t, 'POST', `/api/tasks/${taskId}/api?async=true`, body);
  expect(res.status).toBe(202);
  expect(res.body.phase).toBe('queued');
  return { executionId: res.body.executionId, runId: res.body.runId };
}

export interface ExecutionFull {
  id: string;
  runId: string;
  phase: 'queued' | 'running' | 'finished';
  outcome: string | null;
  errorCode?: string;
  attempt: number;
  startedAt: number | null;
  instanceId: string | null;
  result: Record<string, unknown> | null;
  events: Array<Record<string, unknown>>;
  webhook: { url: string; deliveryId: string; state: string; attempts: WebhookAttempt[] } | null;
}

export async function getExecution(t: Endpoint, id: string): Promise<ExecutionFull> {
  const res = await call<{ execution: ExecutionFull }>(t, 'GET', `/api/executions/${id}`);
  expect(res.status).toBe(200);
  return res.body.execution;
}

/** Polls GET /api/executions/:id until `done` holds. */
export async function waitExecution(t: Endpoint, id: string, done: (e: ExecutionFull) => boolean, timeoutMs = 30_000): Promise<ExecutionFull> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const e = await getExecution(t, id);
    if (done(e)) return e;
    if (Date.now() > deadline) throw new Error(`execution ${id} did not reach the expected state: ${JSON.stringify({ phase: e.phase, outcome: e.outcome, webhook: e.webhook })}`);
    await sleep(100);
  }
}

export const waitFinished = (t: Endpoint, id: string, timeoutMs?: number) => waitExecution(t, id, (e) => e.phase === 'finished', timeoutMs);

/** Waits until the execution's webhook is delivered or failed. */
export const waitWebhookSettled = (t: Endpoint, id: string, timeoutMs?: number) =>
  waitExecution(t, id, (e) => e.webhook !== null && (e.webhook.state === 'delivered' || e.webhook.state === 'failed'), timeoutMs);

export async function webhookSecret(t: Endpoint): Promise<string> {
  const res = await call<{ secret: string }>(t, 'GET', '/api/settings/webhook-secret');
  expect(res.status).toBe(200);
  return res.body.secret;
}

export interface WebhookBody {
  event: string;
  deliveryId: string;
  executionId: string;
  runId: string;
  outcome: string;
  success: boolean;
  errorCode?: string;
  result: Record<string, unknown>;
}

/** Checks one received delivery as a receiver should (API §4.8) and returns its parsed body. */
export function checkDelivery(hit: ReceivedHook, secret: string): WebhookBody {
  expect(hit.method).toBe('POST');
  expect(hit.headers['content-type']).toBe('application/json');
  expect(hit.headers['x-figranium-event']).toBe('execution.finished');
  expect(verifySignature(hit.headers['x-figranium-signature'], hit.body, secret)).toBe(true);
  const body = JSON.parse(hit.body) as WebhookBody;
  expect(body.event).toBe('execution.finished');
  expect(hit.headers['x-figranium-delivery']).toBe(body.deliveryId);
  return body;
}

/** Serves a small HTML page at any path; while closed, answers are held until `open()`. */
export class GateServer {
  /** Paths requested so far, in order. */
  readonly seen: string[] = [];
  private held: Array<() => void> = [];
  private closed = true;

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(): Promise<GateServer> {
    let gate: GateServer | null = null;
    const server = http.createServer((req, res) => {
      gate!.seen.push(req.url ?? '/');
      const answer = () => {
        if (res.destroyed) return;
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end('<!doctype html><title>gate</title><p id="gate">open</p>');
      };
      if (gate!.closed) gate!.held.push(answer);
      else answer();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    gate = new GateServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return gate;
  }

  open(): void {
    this.closed = false;
    const waiting = this.held;
    this.held = [];
    for (const answer of waiting) answer();
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
