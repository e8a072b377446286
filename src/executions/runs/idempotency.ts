/** Idempotency-Key rules (API §4.4). */
import { createHash } from 'node:crypto';
import { ValidationFailedError } from '../../common/errors.js';
import { isPlainObject } from '../../common/plain-object.js';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** 1–255 printable ASCII characters. */
export const IDEMPOTENCY_KEY_RE = /^[\x20-\x7e]{1,255}$/;
/** A key whose execution is older than this may be used again for a new request. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

/** The header's key, null when absent. @throws ValidationFailedError on a malformed key */
export function parseIdempotencyKey(header: string | string[] | undefined): string | null {
  if (header === undefined) return null;
  const value = Array.isArray(header) ? header.join(', ') : header;
  if (!IDEMPOTENCY_KEY_RE.test(value)) {
    throw new ValidationFailedError([{ field: 'headers.idempotency-key', message: 'must be 1-255 printable ASCII characters' }]);
  }
  return value;
}

/** JSON with object keys sorted at every level, so equal bodies give equal text. */
export function canonicalJson(value: unknown): string {
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (!isPlainObject(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) Object.defineProperty(sorted, k, { value: v[k], enumerable: true, writable: true, configurable: true });
    return sorted;
  });
  return text ?? 'null';
}

/**
 * SHA-256 of the route path and the canonical body (auth fields already removed). The async/sync
 * choice (query, Prefer) is not part of it.
 * @throws ValidationFailedError when the body is too deeply nested to serialise
 */
export function requestFingerprint(routePath: string, body: unknown): string {
  let canonical: string;
  try {
    canonical = canonicalJson(body);
  } catch {
    throw new ValidationFailedError([{ field: 'body', message: 'is nested too deeply' }]);
  }
  return createHash('sha256').update(routePath).update('\n').update(canonical).digest('hex');
}
