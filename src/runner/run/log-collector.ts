/**
 * The run's event sink as the runner hands it out: every event message is masked (RUNNER §16)
 * before it reaches the lifecycle, and the messages of `log` events are kept for `result.logs`
 * (RUNNER §10.6): the last 2000, with a count of the earlier ones.
 */
import type { SecretMasker } from '../redaction/secret-masker.js';
import type { RunEvent, RunEventSink } from '../runner.types.js';

export const MAX_RESULT_LOG_LINES = 2000;

export function omittedLine(count: number): string {
  return `… ${count} earlier lines omitted`;
}

export class LogCollector implements RunEventSink {
  private lines: string[] = [];
  private dropped = 0;

  constructor(
    private readonly downstream: RunEventSink,
    private readonly masker: SecretMasker,
    private readonly maxLines: number = MAX_RESULT_LOG_LINES,
  ) {}

  emit(event: RunEvent): void {
    const masked = { ...event, message: this.masker.mask(event.message) };
    if (masked.event === 'log') this.keep(masked.message);
    this.downstream.emit(masked);
  }

  /** `logs` of the result: masked again (secrets may have been added since), capped. */
  logs(): string[] {
    this.trim();
    const lines = this.lines.map((line) => this.masker.mask(line));
    return this.dropped > 0 ? [omittedLine(this.dropped), ...lines] : lines;
  }

  private keep(line: string): void {
    this.lines.push(line);
    // Trim in chunks so a long run does not shift the array on every line.
    if (this.lines.length >= this.maxLines * 2) this.trim();
  }

  private trim(): void {
    const excess = this.lines.length - this.maxLines;
    if (excess <= 0) return;
    this.lines = this.lines.slice(excess);
    this.dropped += excess;
  }
}
