/** Secret redaction of output text and values (RUNNER.md §16). */
import { isPlainObject } from '../values/plain-object.js';

export const SECRET_MASK = '••••••••';
export const MIN_SECRET_LENGTH = 4;

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

/**
 * Replaces every occurrence of a known secret (≥ 4 characters) with `••••••••`. Overlapping
 * occurrences (of one or several secrets) are masked as one span, so no fragment survives.
 * Secrets can be added during a run; the combined pattern is rebuilt on next use.
 */
export class SecretMasker {
  private readonly secrets = new Set<string>();
  private pattern: RegExp | null | undefined;

  constructor(secrets: Iterable<string> = []) {
    this.add(...secrets);
  }

  get size(): number {
    return this.secrets.size;
  }

  add(...secrets: string[]): void {
    for (const secret of secrets) {
      if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH || this.secrets.has(secret)) continue;
      this.secrets.add(secret);
      this.pattern = undefined;
    }
  }

  /** Every position where some secret starts, with the longest secret starting there. */
  private compiled(): RegExp | null {
    if (this.pattern === undefined) {
      const alternatives = [...this.secrets].sort((a, b) => b.length - a.length).map(escapeRegExp);
      this.pattern = alternatives.length === 0 ? null : new RegExp(`(?=(${alternatives.join('|')}))`, 'g');
    }
    return this.pattern;
  }

  mask(text: string): string {
    const pattern = this.compiled();
    if (pattern === null || text.length < MIN_SECRET_LENGTH) return text;
    let out = '';
    let copied = 0;
    let spanStart = -1;
    let spanEnd = -1;
    for (const match of text.matchAll(pattern)) {
      const start = match.index;
      const end = start + match[1].length;
      if (start < spanEnd) {
        spanEnd = Math.max(spanEnd, end);
        continue;
      }
      if (spanStart >= 0) {
        out += text.slice(copied, spanStart) + SECRET_MASK;
        copied = spanEnd;
      }
      spanStart = start;
      spanEnd = end;
    }
    if (spanStart < 0) return text;
    return out + text.slice(copied, spanStart) + SECRET_MASK + text.slice(spanEnd);
  }

  /** A copy of a JSON-like value with every string leaf masked (object keys are kept). */
  maskDeep<T>(value: T): T {
    if (this.compiled() === null) return value;
    return this.maskValue(value) as T;
  }

  private maskValue(value: unknown): unknown {
    if (typeof value === 'string') return this.mask(value);
    if (Array.isArray(value)) return value.map((item: unknown) => this.maskValue(item));
    if (isPlainObject(value)) {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) {
        Object.defineProperty(out, key, { value: this.maskValue(item), writable: true, enumerable: true, configurable: true });
      }
      return out;
    }
    return value;
  }
}
