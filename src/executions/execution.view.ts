/**
 * The execution objects of API §5.1, built from stored records. Every route that shows an
 * execution (list, get, and the run side) goes through `toSummary` / `toFull`, so internal
 * bookkeeping (`idempotencyFingerprint`, `heartbeatAt`, webhook `body`/`nextAttemptAt`) never leaks.
 */
import { redactUrl } from '../network/url-redaction.js';
import {
  type ExecutionRecord,
  type ExecutionSummary,
  type JsonObject,
  type JsonValue,
  pickSummary,
  type StoredEvent,
  type WebhookAttempt,
  type WebhookState,
} from '../storage/ports/index.js';
import { SECRET_MASK } from '../tasks/model/task.types.js';

export interface WebhookView {
  url: string;
  deliveryId: string;
  state: WebhookState['state'];
  attempts: WebhookAttempt[];
}

/** API §5.1 Full. */
export interface ExecutionFull extends ExecutionSummary {
  taskSnapshot: JsonObject;
  variables: JsonObject;
  result: JsonObject | null;
  events: StoredEvent[];
  eventsTruncated: boolean;
  webhook: WebhookView | null;
  parentExecutionId: string | null;
  attempt: number;
  idempotencyKey: string | null;
  stopRequestedAt: number | null;
  instanceId: string | null;
}

/** API §5.1 Summary; accepts a summary row or a full record and copies only Summary fields. */
export function toSummary(r: ExecutionSummary): ExecutionSummary {
  const summary = pickSummary(r);
  // error/errorCode only once an outcome other than success is set (API §5.1).
  if (r.outcome === null || r.outcome === 'success' || summary.error === null) delete summary.error;
  if (r.outcome === null || r.outcome === 'success' || summary.errorCode === null) delete summary.errorCode;
  return summary;
}

/** API §5.1 Full: the summary plus the record's public fields and its stored events. */
export function toFull(record: ExecutionRecord, events: StoredEvent[]): ExecutionFull {
  const snapshot = snapshotView(record.taskSnapshot);
  return {
    ...toSummary(record),
    taskSnapshot: snapshot,
    variables: maskDeclaredSecrets(record.variables, snapshot),
    result: record.result ?? null,
    events,
    eventsTruncated: record.eventsTruncated === true,
    webhook: record.webhook ? webhookView(record.webhook) : null,
    parentExecutionId: record.parentExecutionId ?? null,
    attempt: record.attempt,
    idempotencyKey: record.idempotencyKey ?? null,
    stopRequestedAt: record.stopRequestedAt ?? null,
    instanceId: record.instanceId ?? null,
  };
}

/** URL redacted (API §4.8); internal delivery state dropped. */
export function webhookView(webhook: WebhookState): WebhookView {
  return {
    url: redactUrl(webhook.url),
    deliveryId: webhook.deliveryId,
    state: webhook.state,
    attempts: (webhook.attempts ?? []).map(attemptView),
  };
}

function attemptView(a: WebhookAttempt): WebhookAttempt {
  const view: WebhookAttempt = { attempt: a.attempt, at: a.at, durationMs: a.durationMs, statusCode: a.statusCode ?? null, ok: a.ok };
  if (a.error !== undefined && a.error !== null) view.error = a.error;
  return view;
}

// The runner stores snapshots and inputs already masked (RUNNER §16); masking again here is a
// safety net, so a declared secret can never surface even from an older or foreign record.
// Object checks are structural (no prototype test): records may come from structuredClone.
function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Own data property even for a key such as `__proto__`. */
function put(target: JsonObject, key: string, value: JsonValue): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

function secretNames(variables: JsonValue | undefined): Set<string> {
  if (!isObject(variables)) return new Set();
  return new Set(Object.keys(variables).filter((name) => isObject(variables[name]) && variables[name].secret === true));
}

/** The task that ran as the API shows a task (API §3): no `versions`, secret values masked. */
function snapshotView(snapshot: JsonObject | null | undefined): JsonObject {
  if (!isObject(snapshot)) return {};
  const out: JsonObject = {};
  for (const key of Object.keys(snapshot)) if (key !== 'versions') put(out, key, snapshot[key]);
  const variables = snapshot.variables;
  const secrets = secretNames(variables);
  if (secrets.size === 0 || !isObject(variables)) return out;
  const masked: JsonObject = {};
  for (const name of Object.keys(variables)) {
    const entry = variables[name];
    put(masked, name, secrets.has(name) && isObject(entry) ? { ...entry, value: SECRET_MASK } : entry);
  }
  put(out, 'variables', masked);
  return out;
}

/** Values the run side stored encrypted (secret inputs, SecretBox format) are never shown either. */
const isEncryptedValue = (value: JsonValue | undefined): boolean => typeof value === 'string' && value.startsWith('enc:v1:');

function maskDeclaredSecrets(variables: JsonObject | null | undefined, snapshot: JsonObject): JsonObject {
  if (!isObject(variables)) return {};
  const secrets = secretNames(snapshot.variables);
  const out: JsonObject = {};
  for (const name of Object.keys(variables)) {
    const value = variables[name];
    put(out, name, (secrets.has(name) && value !== null && value !== '') || isEncryptedValue(value) ? SECRET_MASK : value);
  }
  return out;
}
