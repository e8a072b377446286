import type { FieldError } from '../../common/errors.js';
import { getOwn, isPlainObject, setOwn, type PlainObject } from './coerce.js';
import { FieldErrors } from './field-errors.js';
import { SECRET_MASK, type TaskVariables } from './task.types.js';
import { validateVariables } from './validate-variables.js';

function isSecretEntry(entry: unknown): entry is PlainObject {
  return isPlainObject(entry) && getOwn(entry, 'secret') === true;
}

/** Names of the variables marked `secret: true` (RUNNER §2.2). */
export function secretVariableNames(variables: unknown): string[] {
  if (!isPlainObject(variables)) return [];
  return Object.keys(variables).filter((name) => isSecretEntry(getOwn(variables, name)));
}

/** Copy of a variables map with every secret value replaced by the mask (API §3 responses). */
export function maskSecretVariables<T>(variables: T): T {
  if (!isPlainObject(variables)) return variables;
  const out: PlainObject = {};
  for (const name of Object.keys(variables)) {
    const entry = getOwn(variables, name);
    if (isSecretEntry(entry)) {
      const masked: PlainObject = {};
      for (const key of Object.keys(entry)) setOwn(masked, key, getOwn(entry, key));
      setOwn(masked, 'value', SECRET_MASK);
      setOwn(out, name, masked);
    } else {
      setOwn(out, name, entry);
    }
  }
  return out as T;
}

/** Shallow copy of a task (any stored or normalised form) whose secret variable values are masked. */
export function maskTaskSecrets<T extends object>(task: T): T {
  const variables = getOwn(task, 'variables');
  if (!isPlainObject(variables)) return task;
  const out: PlainObject = {};
  for (const key of Object.keys(task)) setOwn(out, key, getOwn(task, key));
  setOwn(out, 'variables', maskSecretVariables(variables));
  return out as T;
}

/**
 * API §3 input rule on its own: a secret variable whose value equals the mask keeps its stored
 * value; a mask for a variable with no stored value is an error. `input` may be raw or
 * normalised; it is validated as by validateTask (paths `variables.<name>…`). `stored` = the
 * stored variables, decrypted. validateTask applies the same rule through `ctx.storedVariables`.
 */
export function applySecretMasks(
  input: unknown,
  stored: unknown,
): { variables: TaskVariables } | { errors: FieldError[] } {
  const errors = new FieldErrors();
  const variables = validateVariables(input, errors, stored);
  return errors.count > 0 ? { errors: errors.toArray() } : { variables };
}
