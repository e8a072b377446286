import type { JsonValue } from '../ports/index.js';

const UNSTORABLE = /\\u(?:0000|d[89a-f][0-9a-f]{2})/i;

function clean(s: string): string {
  return s.toWellFormed().replaceAll('\u0000', '\uFFFD');
}

function deepClean(value: unknown): unknown {
  if (typeof value === 'string') return clean(value);
  if (Array.isArray(value)) return value.map(deepClean);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) Object.defineProperty(out, clean(k), { value: deepClean(v), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}

/**
 * JSON text for a `$n::jsonb` parameter. PostgreSQL's jsonb cannot hold U+0000 or unpaired
 * surrogates (in values or keys), which scraped text sometimes contains; they are stored as
 * U+FFFD instead (the only lossy case). JSON.stringify escapes exactly those as \u0000 / \udXXX.
 */
export function toJsonb(value: JsonValue | object): string {
  const text = JSON.stringify(value);
  if (!UNSTORABLE.test(text)) return text;
  return JSON.stringify(deepClean(value));
}
