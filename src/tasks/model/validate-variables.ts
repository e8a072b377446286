import { cloneJson, getOwn, isPlainObject, setOwn, toBool, toNumber, type PlainObject } from './coerce.js';
import type { FieldErrors } from './field-errors.js';
import {
  MAX_VARIABLE_NAME_LENGTH,
  MAX_VARIABLES,
  RESERVED_VARIABLE_ROOTS,
  SECRET_MASK,
  VARIABLE_NAME_RE,
  VARIABLE_TYPES,
  type TaskVariables,
  type VariableDefinition,
  type VariableType,
} from './task.types.js';

/** Problem with a variable name (RUNNER §2.2), or null when it is acceptable. */
export function variableNameProblem(name: string): string | null {
  if (name.length > MAX_VARIABLE_NAME_LENGTH) return `name must be at most ${MAX_VARIABLE_NAME_LENGTH} characters`;
  if (!VARIABLE_NAME_RE.test(name)) return 'name must match [A-Za-z_][A-Za-z0-9_]* with optional .segments';
  const root = name.split('.')[0];
  if (RESERVED_VARIABLE_ROOTS.includes(root)) return `name '${root}' is reserved`;
  return null;
}

function inferType(value: unknown): VariableType {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  return 'json';
}

/** The value coerced to `type`, or an error message (RUNNER §2.2: value must fit the type). */
export function coerceVariableValue(type: VariableType, value: unknown): { value: unknown } | { error: string } {
  switch (type) {
    case 'string':
      if (typeof value === 'string') return { value };
      if (typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) return { value: String(value) };
      return { error: 'must be a string' };
    case 'number': {
      const n = toNumber(value);
      return n === undefined ? { error: 'must be a number' } : { value: n };
    }
    case 'boolean': {
      const b = toBool(value);
      return b === undefined ? { error: 'must be true or false' } : { value: b };
    }
    case 'json': {
      const copy = cloneJson(value);
      return copy.ok ? { value: copy.value } : { error: copy.message };
    }
  }
}

/** A definition is an object with its own `type` or `value` key; any other value is a bare entry. */
function isDefinition(entry: unknown): entry is PlainObject {
  return isPlainObject(entry) && (Object.prototype.hasOwnProperty.call(entry, 'type') || Object.prototype.hasOwnProperty.call(entry, 'value'));
}

/**
 * Validates and normalises the `variables` map. `stored` holds the variables currently stored
 * for the task (decrypted); a secret variable sent with the mask as its value keeps the stored
 * value (API §3), and a mask with nothing stored is an error.
 */
export function validateVariables(raw: unknown, errors: FieldErrors, stored?: unknown): TaskVariables {
  const result: TaskVariables = {};
  if (raw === undefined || raw === null) return result;
  if (!isPlainObject(raw)) {
    errors.add('variables', 'must be an object');
    return result;
  }
  const names = Object.keys(raw);
  if (names.length > MAX_VARIABLES) {
    errors.add('variables', `must have at most ${MAX_VARIABLES} entries (got ${names.length})`);
    return result;
  }
  for (const name of names) {
    const def = validateVariable(name, getOwn(raw, name), errors, isPlainObject(stored) ? getOwn(stored, name) : undefined);
    if (def) setOwn(result, name, def);
  }
  return result;
}

function validateVariable(name: string, entry: unknown, errors: FieldErrors, storedEntry: unknown): VariableDefinition | null {
  const path = `variables.${name}`;
  const before = errors.count;
  const nameProblem = variableNameProblem(name);
  if (nameProblem) errors.add(path, nameProblem);

  const definition = isDefinition(entry);
  let type: VariableType | undefined;
  let value: unknown = definition ? getOwn(entry, 'value') : entry;
  let secret: boolean | undefined;
  const extras: PlainObject = {};

  if (definition) {
    const rawType = getOwn(entry, 'type');
    if (rawType !== undefined && rawType !== null) {
      if (typeof rawType === 'string' && (VARIABLE_TYPES as readonly string[]).includes(rawType)) type = rawType as VariableType;
      else errors.add(`${path}.type`, `must be one of ${VARIABLE_TYPES.join(', ')}`);
    }
    const rawSecret = getOwn(entry, 'secret');
    if (rawSecret !== undefined && rawSecret !== null) {
      secret = toBool(rawSecret);
      if (secret === undefined) errors.add(`${path}.secret`, 'must be true or false');
    }
    for (const key of Object.keys(entry)) {
      if (key === 'type' || key === 'value' || key === 'secret') continue;
      const copy = cloneJson(getOwn(entry, key));
      if (copy.ok) setOwn(extras, key, copy.value);
      else errors.add(`${path}.${key}`, copy.message);
    }
  }

  if (definition && !Object.prototype.hasOwnProperty.call(entry, 'value')) value = '';
  if (value === SECRET_MASK) {
    const unmasked = resolveMask(path, storedEntry, secret, errors);
    if (unmasked) {
      value = unmasked.value;
      type ??= unmasked.type;
      secret ??= true;
    }
  }

  const finalType = type ?? inferType(value);
  const coerced = coerceVariableValue(finalType, value);
  if ('error' in coerced) errors.add(`${path}.value`, coerced.error);
  if (errors.count > before) return null;

  const out: PlainObject = {};
  setOwn(out, 'type', finalType);
  setOwn(out, 'value', 'value' in coerced ? coerced.value : undefined);
  if (secret !== undefined) setOwn(out, 'secret', secret);
  for (const key of Object.keys(extras)) setOwn(out, key, extras[key]);
  return out as VariableDefinition;
}

/**
 * The stored value a mask stands for. Applies when the input marks the variable secret, or
 * leaves `secret` out while the stored variable is secret. Un-marking a secret while sending
 * the mask is refused: the real value is needed for that.
 */
function resolveMask(
  path: string,
  storedEntry: unknown,
  inputSecret: boolean | undefined,
  errors: FieldErrors,
): { value: unknown; type?: VariableType } | null {
  const storedDef = isPlainObject(storedEntry) ? storedEntry : undefined;
  const storedSecret = storedDef !== undefined && getOwn(storedDef, 'secret') === true;
  if (inputSecret === false) {
    if (storedSecret) errors.add(`${path}.value`, 'is the secret mask; send the real value to make the variable non-secret');
    return null;
  }
  if (inputSecret !== true && !storedSecret) return null;
  if (!storedDef || !Object.prototype.hasOwnProperty.call(storedDef, 'value')) {
    if (storedEntry === undefined || storedDef) {
      errors.add(`${path}.value`, 'is the secret mask but no stored value exists for this variable');
      return null;
    }
    return { value: storedEntry };
  }
  const storedType = getOwn(storedDef, 'type');
  return {
    value: getOwn(storedDef, 'value'),
    type: (VARIABLE_TYPES as readonly string[]).includes(storedType as string) ? (storedType as VariableType) : undefined,
  };
}
