import type { ExecutionRecord } from '../../storage/ports/index.js';

/**
 * The §4.8 body for a finished execution: ids and timing, `error`/`errorCode` when the outcome is
 * not `success`, and the compact result. Build it once per delivery and store it: retries must
 * send the same bytes.
 */
export function buildWebhookBody(record: ExecutionRecord, deliveryId: string): string {
  const success = record.outcome === 'success';
  const body: Record<string, unknown> = {
    event: 'execution.finished',
    deliveryId,
    executionId: record.id,
    taskId: record.taskId,
    taskName: record.taskName,
    runId: record.runId,
    source: record.source,
    mode: record.mode,
    outcome: record.outcome,
    success,
    timestamp: record.timestamp,
    startedAt: record.startedAt,
    finishedAt: record.finishedAt,
    durationMs: record.durationMs,
  };
  if (!success) {
    if (record.error !== undefined && record.error !== null) body.error = record.error;
    if (record.errorCode !== undefined && record.errorCode !== null) body.errorCode = record.errorCode;
  }
  body.result = record.result;
  return JSON.stringify(body);
}
