import type { StoredEvent } from '../../storage/ports/index.js';
import type { PublishedEvent } from './execution-event-bus.js';

export interface ExecutionIds {
  executionId: string;
  runId: string;
  taskId: string | null;
}

/** The `data` object of API §5.3: the execution's ids first, then the stored event's fields. */
export function envelopeData(ids: ExecutionIds, event: StoredEvent | PublishedEvent): Record<string, unknown> {
  const { executionId: _e, runId: _r, taskId: _t, ...fields } = event as Record<string, unknown>;
  return { executionId: ids.executionId, runId: ids.runId, taskId: ids.taskId, ...fields };
}

/** Enriches a stored event (replay) into the shape the bus carries (live). */
export function toPublished(ids: ExecutionIds, event: StoredEvent): PublishedEvent {
  return { ...event, executionId: ids.executionId, runId: ids.runId, taskId: ids.taskId };
}
