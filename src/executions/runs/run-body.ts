/**
 * Run options of a run request body (API §4.2, §4.6): `variables` / `taskVariables` (plain values
 * or `{type, value}` definitions), `webhookUrl`, `statelessExecution`, `runId`. Other fields are
 * ignored. Pure: no storage, no network.
 */
import type { FieldError } from '../../common/errors.js';
import { getOwn, isPlainObject, setOwn, toBool, type PlainObject } from '../../tasks/model/coerce.js';
import { RESERVED_VARIABLE_ROOTS, VARIABLE_TYPES } from '../../tasks/model/task.types.js';

export const RUN_ID_RE = /^[A-Za-z0-9_-]{1,64}$/;
export const MAX_WEBHOOK_URL_LENGTH = 2048;
/** Fields of an ad-hoc body that are run options, not part of the task definition (API §4.6). */
export const ADHOC_RUN_OPTION_KEYS = ['webhookUrl', 'statelessExecution', 'runId', 'taskVariables'] as const;

/** One supplied variable value, definitions unwrapped. `secret` comes from a definition's flag. */
export interface SuppliedValue {
  value: unknown;
  secret: boolean;
}
export type SuppliedVariables = Record<string, SuppliedValue>;

export interface RunOptions {
  /** Empty for ad-hoc runs, where `variables` is the task's declaration. */
  variables: SuppliedVariables;
  taskVariables: SuppliedVariables;
  webhookUrl: string | null;
  statelessExecution: boolean | null;
  /** null: the server assigns `run_<ULID>`. */
  runId: string | null;
}

const DEFINITION_KEYS = new Set(['type', 'value', 'secret', 'autoCreated']);

/**
 * A variable definition (`{"type": "number", "value": 3}`): a plain object with a known `type`,
 * a `value`, and nothing but optionally `secret`/`autoCreated` besides. Anything else is a value.
 */
export function isVariableDefinition(entry: unknown): entry is PlainObject {
  if (!isPlainObject(entry)) return false;
  const keys = Object.keys(entry);
  if (!keys.includes('type') || !keys.includes('value')) return false;
  if (!keys.every((k) => DEFINITION_KEYS.has(k))) return false;
  const type = getOwn(entry, 'type');
  return typeof type === 'string' && (VARIABLE_TYPES as readonly string[]).includes(type);
}

/** Reserved first segments (RUNNER §2.2) cannot be supplied as inputs. */
export function reservedNameProblem(name: string): string | null {
  const root = name.split('.')[0];
  return RESERVED_VARIABLE_ROOTS.includes(root) ? `name '${root}' is reserved` : null;
}

function suppliedVariables(raw: unknown, field: string, errors: FieldError[]): SuppliedVariables {
  const out: SuppliedVariables = {};
  if (raw === undefined || raw === null) return out;
  if (!isPlainObject(raw)) {
    errors.push({ field, message: 'must be an object' });
    return out;
  }
  for (const name of Object.keys(raw)) {
    const problem = reservedNameProblem(name);
    if (problem) {
      errors.push({ field: `${field}.${name}`, message: problem });
      continue;
    }
    const entry = getOwn(raw, name);
    const supplied: SuppliedValue = isVariableDefinition(entry)
      ? { value: getOwn(entry, 'value'), secret: toBool(getOwn(entry, 'secret')) === true }
      : { value: entry, secret: false };
    setOwn(out, name, supplied);
  }
  return out;
}

/** Parses the run options; `adhoc` leaves `variables` to the task validation (API §4.6). */
export function parseRunOptions(body: unknown, adhoc: boolean): { options: RunOptions } | { errors: FieldError[] } {
  if (!isPlainObject(body)) return { errors: [{ field: 'body', message: 'must be a JSON object' }] };
  const errors: FieldError[] = [];
  const variables = adhoc ? {} : suppliedVariables(getOwn(body, 'variables'), 'variables', errors);
  const taskVariables = suppliedVariables(getOwn(body, 'taskVariables'), 'taskVariables', errors);

  let webhookUrl: string | null = null;
  const rawWebhook = getOwn(body, 'webhookUrl');
  if (rawWebhook !== undefined && rawWebhook !== null && rawWebhook !== '') {
    if (typeof rawWebhook !== 'string') errors.push({ field: 'webhookUrl', message: 'must be a string' });
    else if (rawWebhook.length > MAX_WEBHOOK_URL_LENGTH) errors.push({ field: 'webhookUrl', message: `must be at most ${MAX_WEBHOOK_URL_LENGTH} characters` });
    else webhookUrl = rawWebhook;
  }

  let statelessExecution: boolean | null = null;
  const rawStateless = getOwn(body, 'statelessExecution');
  if (rawStateless !== undefined && rawStateless !== null) {
    const b = rawStateless === 'true' || rawStateless === 'false' || typeof rawStateless === 'boolean' ? toBool(rawStateless) : undefined;
    if (b === undefined) errors.push({ field: 'statelessExecution', message: 'must be true or false' });
    else statelessExecution = b;
  }

  let runId: string | null = null;
  const rawRunId = getOwn(body, 'runId');
  if (rawRunId !== undefined && rawRunId !== null) {
    if (typeof rawRunId !== 'string' || !RUN_ID_RE.test(rawRunId)) {
      errors.push({ field: 'runId', message: 'must be 1-64 characters from A-Z a-z 0-9 _ -' });
    } else runId = rawRunId;
  }
  if (errors.length > 0) return { errors };
  return { options: { variables, taskVariables, webhookUrl, statelessExecution, runId } };
}

/** The ad-hoc task definition: the body without the run options (API §4.6). */
export function adhocTaskDefinition(body: PlainObject): PlainObject {
  const out: PlainObject = {};
  for (const key of Object.keys(body)) {
    if (!(ADHOC_RUN_OPTION_KEYS as readonly string[]).includes(key)) setOwn(out, key, getOwn(body, key));
  }
  return out;
}
