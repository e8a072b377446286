import type { JsonValue } from '../ports/index.js';

const NUL = '\u0000';

/**
 * JSON text for a `$n::jsonb` parameter. PostgreSQL's jsonb cannot hold U+0000, which scraped
 * text sometimes contains; it is stored as U+FFFD instead (the only lossy case).
 */
export function toJsonb(value: JsonValue | object): string {
  const text = JSON.stringify(value);
  if (!text.includes('\\u0000')) return text;
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? v.replaceAll(NUL, '\uFFFD') : v));
}
