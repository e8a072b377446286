/**
 * Single byte-range requests (RFC 9110 §14): `bytes=a-b`, `bytes=a-`, `bytes=-n`.
 * Anything this server does not serve as a range (other units, several ranges, malformed
 * specs) is ignored, which the RFC allows: the whole file is sent with 200.
 */
export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive. */
  end: number;
}

export type RangeDecision = { kind: 'full' } | { kind: 'partial'; range: ByteRange } | { kind: 'unsatisfiable' };

const SINGLE_RANGE = /^bytes[ \t]*=[ \t]*(\d*)[ \t]*-[ \t]*(\d*)[ \t]*$/i;

export function decideRange(header: string | undefined, size: number): RangeDecision {
  if (header === undefined) return { kind: 'full' };
  const m = SINGLE_RANGE.exec(header);
  if (!m) return { kind: 'full' };
  const [, first, last] = m;
  if (first === '' && last === '') return { kind: 'full' };
  if (first === '') {
    // Suffix range: the last n bytes. n = 0, or an empty file, cannot be satisfied.
    const n = toSafeInt(last);
    if (n === null) return { kind: 'full' };
    if (n === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', range: { start: Math.max(0, size - n), end: size - 1 } };
  }
  const start = toSafeInt(first);
  const end = last === '' ? null : toSafeInt(last);
  if (start === null || (last !== '' && end === null)) return { kind: 'full' };
  if (end !== null && end < start) return { kind: 'full' };
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'partial', range: { start, end: end === null ? size - 1 : Math.min(end, size - 1) } };
}

/** Digits too large for exact arithmetic are treated like the malformed case (ignored). */
function toSafeInt(digits: string): number | null {
  const n = Number(digits);
  return Number.isSafeInteger(n) ? n : null;
}
