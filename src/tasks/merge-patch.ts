import { getOwn, isPlainObject, setOwn, type PlainObject } from './model/coerce.js';

/** Deepest patch object nesting that is merged; deeper input is refused rather than overflowing the stack. */
export const MAX_PATCH_DEPTH = 200;

export class MergePatchTooDeepError extends Error {
  constructor() {
    super(`merge patch is nested more than ${MAX_PATCH_DEPTH} levels deep`);
  }
}

/**
 * JSON Merge Patch (RFC 7396): objects merge recursively, `null` removes a member, anything else
 * (arrays included) replaces the target value. Returns a new value; neither input is modified.
 * Keys such as `__proto__` stay plain own data.
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  return merge(target, patch, 1);
}

function merge(target: unknown, patch: unknown, depth: number): unknown {
  if (!isPlainObject(patch)) return patch;
  if (depth > MAX_PATCH_DEPTH) throw new MergePatchTooDeepError();
  const out: PlainObject = {};
  if (isPlainObject(target)) {
    for (const key of Object.keys(target)) setOwn(out, key, getOwn(target, key));
  }
  for (const key of Object.keys(patch)) {
    const value = getOwn(patch, key);
    if (value === null) delete out[key];
    else setOwn(out, key, merge(getOwn(out, key), value, depth + 1));
  }
  return out;
}
