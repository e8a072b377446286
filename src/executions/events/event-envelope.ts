import type { StoredEvent } from '../../storage/ports/index.js';
import type { PublishedEvent } from './execution-event-bus.js';

export interface ExecutionIds {
  executionId: string;
  runId: string;
  taskId: string | null;
}

/**
 * The `data` object of API §5.3 in a stable key order (as in the spec's example): the ids, `seq`,
 * `ts`, `event`, then the event's own fields (storage may not keep key order, e.g. jsonb).
 */
export function envelopeData(ids: ExecutionIds, event: StoredEvent | PublishedEvent): Record<string, unknown> {
  const { executionId: _e, runId: _r, taskId: _t, seq, ts, event: name, ...fields } = event as StoredEvent & Record<string, unknown>;
  return { executionId: ids.executionId, runId: ids.runId, taskId: ids.taskId, seq, ts, event: name, ...fields };
}

/** Enriches a stored event (replay) into the shape the bus carries (live). */
export function toPublished(ids: ExecutionIds, event: StoredEvent): PublishedEvent {
  return { ...event, executionId: ids.executionId, runId: ids.runId, taskId: ids.taskId };
}
