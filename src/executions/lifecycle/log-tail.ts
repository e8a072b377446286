import type { RunLogs } from './result-copies.js';

/** The last `max` log lines of a run plus the total count, in bounded memory. */
export class LogTail {
  private readonly lines: string[] = [];
  private total = 0;

  constructor(private readonly max: number) {}

  push(line: string): void {
    this.total++;
    this.lines.push(line);
    if (this.lines.length > this.max * 2) this.lines.splice(0, this.lines.length - this.max);
  }

  get count(): number {
    return this.total;
  }

  snapshot(): RunLogs {
    return { lines: this.lines.slice(-this.max), total: this.total };
  }
}
