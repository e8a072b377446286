import { Injectable } from '@nestjs/common';
import type { StoredEvent } from '../../storage/ports/index.js';

/** An event as published live (API §5.3 envelope): the stored event plus the execution's ids. */
export type PublishedEvent = StoredEvent & { executionId: string; runId: string; taskId: string | null };

export type EventListener = (event: PublishedEvent) => void;

/** Also published: an execution was created (so a `runId` stream waiting for it can attach). */
export interface ExecutionCreatedNotice {
  executionId: string;
  runId: string;
}

/**
 * In-process pub/sub of execution events, in emission order. Listeners must be fast and never
 * throw (SSE writers buffer per client; webhooks react to `finished`). Storage is the source of
 * truth for replay; this bus only carries live events.
 */
@Injectable()
export class ExecutionEventBus {
  private readonly listeners = new Set<EventListener>();
  private readonly createdListeners = new Set<(notice: ExecutionCreatedNotice) => void>();

  publish(event: PublishedEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A faulty listener must not break the run that emitted the event.
      }
    }
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publishCreated(notice: ExecutionCreatedNotice): void {
    for (const listener of this.createdListeners) {
      try {
        listener(notice);
      } catch {
        // see publish
      }
    }
  }

  onCreated(listener: (notice: ExecutionCreatedNotice) => void): () => void {
    this.createdListeners.add(listener);
    return () => this.createdListeners.delete(listener);
  }
}
