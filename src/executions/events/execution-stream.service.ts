import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { notFound } from '../../common/errors.js';
import { APP_LOGGER, type AppLogger } from '../../logging/app-logger.js';
import { type ExecutionRecord, ExecutionRepository, type StoredEvent } from '../../storage/ports/index.js';
import { envelopeData, type ExecutionIds } from './event-envelope.js';
import { ExecutionEventBus, type PublishedEvent } from './execution-event-bus.js';
import { SseClient, type SseCloseReason, type SseResponse } from './sse-client.js';
import { eventFrame, parseLastEventId } from './sse-frames.js';
import { SSE_OPTIONS, type SseOptions } from './sse-options.js';

export interface SseStats {
  /** Streams currently open. */
  open: number;
  /** Streams dropped because the client did not read fast enough (since boot). */
  cutOff: number;
}

/**
 * The SSE streams of API §5.3. Per-execution streams subscribe to the bus first, hold live
 * events while the stored ones are replayed, then flush the held events whose seq is newer:
 * no gap and no duplicate between replay and live.
 */
@Injectable()
export class ExecutionStreamService implements BeforeApplicationShutdown {
  private readonly clients = new Set<SseClient>();
  private cutOffs = 0;

  constructor(
    private readonly bus: ExecutionEventBus,
    private readonly executions: ExecutionRepository,
    @Inject(SSE_OPTIONS) private readonly options: SseOptions,
    @Inject(APP_LOGGER) private readonly logger: AppLogger,
  ) {}

  stats(): SseStats {
    return { open: this.clients.size, cutOff: this.cutOffs };
  }

  /** `GET /api/executions/:id/events` and `stream?executionId=`; 404 before the stream starts. */
  async streamExecution(res: SseResponse, executionId: string, lastEventId: string | undefined): Promise<void> {
    const record = await this.executions.get(executionId);
    if (!record) throw notFound('EXECUTION_NOT_FOUND', 'execution', executionId);
    this.follow(this.open(res), record, parseLastEventId(lastEventId, record.id));
  }

  /** `GET /api/executions/stream` without a filter: live events of every execution, never ends. */
  streamAll(res: SseResponse): void {
    const client = this.open(res);
    client.send(eventFrame('ready', {}));
    const unsubscribe = this.bus.subscribe((event) => {
      client.send(eventFrame(event.event, envelopeData(event, event), `${event.executionId}:${event.seq}`));
    });
    client.onClose(unsubscribe);
  }

  /**
   * `GET /api/executions/stream?runId=`: follows the execution with that runId, or waits (with
   * keep-alives) until one is created. The creation listener is registered before the lookup,
   * so an execution created in between is not missed.
   */
  async streamRunId(res: SseResponse, runId: string, lastEventId: string | undefined): Promise<void> {
    // Filled in by the creation listener, which may fire at any await below.
    const waiting: { createdId: string | null; onCreated: ((executionId: string) => void) | null } = { createdId: null, onCreated: null };
    const stopWaiting = this.bus.onCreated((notice) => {
      if (notice.runId !== runId) return;
      stopWaiting();
      if (waiting.onCreated) waiting.onCreated(notice.executionId);
      else waiting.createdId = notice.executionId;
    });
    let found: ExecutionRecord | null;
    try {
      found = await this.executions.findByRunId(runId);
    } catch (err) {
      stopWaiting();
      throw err;
    }
    const client = this.open(res);
    client.onClose(stopWaiting);
    if (found) {
      stopWaiting();
      this.follow(client, found, parseLastEventId(lastEventId, found.id));
      return;
    }
    const attach = (executionId: string, sendReady: boolean) => {
      void this.executions
        .get(executionId)
        .then((record) => {
          if (!record) return client.end('error');
          this.follow(client, record, parseLastEventId(lastEventId, record.id), sendReady);
        })
        .catch((err: unknown) => this.failed(client, executionId, err));
    };
    if (waiting.createdId !== null) return attach(waiting.createdId, true);
    client.send(eventFrame('ready', { executionId: null, runId, phase: null }));
    waiting.onCreated = (executionId) => attach(executionId, false);
  }

  beforeApplicationShutdown(): void {
    for (const client of [...this.clients]) client.end('shutdown');
  }

  private open(res: SseResponse): SseClient {
    const client = new SseClient(res, this.options, (closed, reason) => this.closed(closed, reason));
    this.clients.add(client);
    client.start();
    return client;
  }

  private closed(client: SseClient, reason: SseCloseReason): void {
    this.clients.delete(client);
    if (reason !== 'cut_off') return;
    this.cutOffs++;
    this.logger.warn({ limitBytes: this.options.maxBufferedBytes, limitEvents: this.options.maxPendingEvents }, 'SSE client cut off: it did not read fast enough');
  }

  private follow(client: SseClient, record: ExecutionRecord, afterSeq: number, sendReady = true): void {
    if (sendReady) client.send(eventFrame('ready', { executionId: record.id, runId: record.runId, phase: record.phase }));
    void this.replayThenLive(client, record, afterSeq).catch((err: unknown) => this.failed(client, record.id, err));
  }

  private async replayThenLive(client: SseClient, record: ExecutionRecord, afterSeq: number): Promise<void> {
    const ids: ExecutionIds = { executionId: record.id, runId: record.runId, taskId: record.taskId };
    let lastSeq = afterSeq;
    let backlog: PublishedEvent[] | null = [];
    const deliver = (event: StoredEvent | PublishedEvent) => {
      if (!client.isOpen || event.seq <= lastSeq) return;
      lastSeq = event.seq;
      if (client.send(eventFrame(event.event, envelopeData(ids, event), String(event.seq))) && event.event === 'finished') client.end('done');
    };
    // Subscribed before the replay is read (synchronously, before the first await).
    const unsubscribe = this.bus.subscribe((event) => {
      if (event.executionId !== record.id) return;
      if (backlog === null) return deliver(event);
      backlog.push(event);
      if (backlog.length > this.options.maxReplayBacklog) client.cutOff();
    });
    client.onClose(unsubscribe);
    const stored = await this.executions.listEvents(record.id, afterSeq);
    for (const event of stored) deliver(event);
    const held = backlog;
    backlog = null;
    for (const event of held) deliver(event);
    // Already finished when we connected: everything is stored, nothing more will come.
    if (record.phase === 'finished') client.end('done');
  }

  private failed(client: SseClient, executionId: string, err: unknown): void {
    this.logger.error({ executionId, err: err instanceof Error ? err.message : String(err) }, 'SSE replay failed');
    client.end('error');
  }
}
