/** The `set` action's dot-path assignment (RUNNER.md §7, `set` row). */
import { RunError } from '../run-error.js';
import type { RuntimeMap, VariableLookup } from '../templating/lookup.js';
import { renderText, singleTokenName } from '../templating/render.js';
import { coerceText } from './coerce.js';
import { isPlainObject, type PlainObject } from './plain-object.js';

/** The value `set` stores: the raw value of a single `{$name}` token, else the rendered text coerced (§7.3). */
export function setValueOf(value: string, lookup: VariableLookup): unknown {
  const name = singleTokenName(value);
  return name === undefined ? coerceText(renderText(value, lookup)) : lookup.get(name);
}

/** `varName` with an optional `{$…}` wrapper removed. */
export function normalizeVarName(varName: string): string {
  return singleTokenName(varName) ?? varName.trim();
}

// defineProperty so that a segment like `__proto__` becomes an ordinary own key.
function putOwn(target: PlainObject, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

/**
 * Stores `value` at the dot path in `vars`, creating missing intermediate objects.
 * Intermediate objects on the path are copied before being changed, so values shared with
 * other variables are never modified through this one. Returns the stored value.
 */
export function setPath(vars: RuntimeMap, varName: string, value: unknown): unknown {
  const path = normalizeVarName(varName);
  const segments = path.split('.');
  if (segments.some((s) => s === '')) {
    throw new RunError('ACTION_FAILED', `Invalid variable name '${path}'`);
  }
  let container: PlainObject = vars;
  for (let k = 0; k < segments.length - 1; k++) {
    const key = segments[k];
    const existing = Object.hasOwn(container, key) ? container[key] : undefined;
    if (existing !== undefined && !isPlainObject(existing)) {
      const at = segments.slice(0, k + 1).join('.');
      throw new RunError('ACTION_FAILED', `Cannot set '${path}': '${at}' exists and is not an object`);
    }
    const copy: PlainObject = existing === undefined ? {} : { ...existing };
    putOwn(container, key, copy);
    container = copy;
  }
  putOwn(container, segments[segments.length - 1], value);
  return value;
}
