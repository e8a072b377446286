/**
 * Emits a run's `action` and `log` events (RUNNER §15), every message masked (§16).
 */
import type { SecretMasker } from '../redaction/secret-masker.js';
import type { ActionStatus, CaptureInfo, LogLevel, RunEventSink } from '../runner.types.js';

/** Longest message written to one event; longer ones are cut (the full text stays nowhere). */
const MAX_MESSAGE_CHARS = 4000;

export interface ActionRef {
  id: string;
  index: number;
  type: string;
}

export class RunLog {
  constructor(
    private readonly sink: RunEventSink,
    readonly masker: SecretMasker,
  ) {}

  mask(text: string): string {
    return this.masker.mask(text);
  }

  log(level: LogLevel, message: string, actionId: string | null = null): void {
    this.sink.emit({ event: 'log', level, actionId, message: this.clean(message) });
  }

  info(message: string, actionId: string | null = null): void {
    this.log('info', message, actionId);
  }

  warn(message: string, actionId: string | null = null): void {
    this.log('warn', message, actionId);
  }

  error(message: string, actionId: string | null = null): void {
    this.log('error', message, actionId);
  }

  action(ref: ActionRef, status: ActionStatus, message: string, durationMs?: number): void {
    this.sink.emit({
      event: 'action',
      actionId: ref.id,
      actionIndex: ref.index,
      type: ref.type,
      status,
      ...(durationMs === undefined ? {} : { durationMs: Math.max(0, Math.round(durationMs)) }),
      message: this.clean(message),
    });
  }

  capture(capture: CaptureInfo, message: string): void {
    this.sink.emit({ event: 'capture', capture, message: this.clean(message) });
  }

  private clean(message: string): string {
    // Mask before cutting, so a cut can never leave part of a secret behind.
    const masked = this.masker.mask(message);
    return masked.length > MAX_MESSAGE_CHARS ? `${masked.slice(0, MAX_MESSAGE_CHARS)}…` : masked;
  }
}
