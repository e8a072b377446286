/** The `merge` action (RUNNER.md §7, `merge` row). */
import type { VariableLookup } from '../templating/lookup.js';
import { renderText, singleTokenName } from '../templating/render.js';
import { coerceText } from './coerce.js';
import { isPlainObject } from './plain-object.js';

const BARE_NAME = /^[A-Za-z0-9_.]+$/;

/**
 * The value of one comma-separated source token: a `{$name}` token or the bare name of an
 * existing variable gives the raw value; anything else is rendered and coerced.
 */
function tokenValue(token: string, lookup: VariableLookup): unknown {
  const name = singleTokenName(token);
  if (name !== undefined) return lookup.get(name);
  if (BARE_NAME.test(token)) {
    const resolved = lookup.resolve(token);
    if (resolved.found) return resolved.value;
  }
  return coerceText(renderText(token, lookup));
}

/** Combines values: all arrays → concatenation; all plain objects → shallow merge (later wins); otherwise one flat array. */
export function combineValues(values: readonly unknown[]): unknown {
  if (values.every(Array.isArray)) return values.flat(1);
  if (values.every(isPlainObject)) return Object.assign({}, ...values) as Record<string, unknown>;
  const out: unknown[] = [];
  for (const value of values) {
    if (Array.isArray(value)) out.push(...(value as unknown[]));
    else out.push(value);
  }
  return out;
}

/**
 * `value` is split on commas first and each token trimmed. Empty tokens and values that
 * resolve to `undefined` (unknown variables) are left out.
 */
export function mergeSources(value: string, lookup: VariableLookup): unknown {
  const values: unknown[] = [];
  for (const raw of value.split(',')) {
    const token = raw.trim();
    if (token === '') continue;
    const resolved = tokenValue(token, lookup);
    if (resolved !== undefined) values.push(resolved);
  }
  return combineValues(values);
}
