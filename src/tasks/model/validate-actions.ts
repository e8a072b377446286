import { analyzeBlocks, foreachMembership } from '../../runner/block-structure.js';
import {
  ACTION_BOOLEAN_FIELDS,
  ACTION_SPECS,
  ACTION_STRING_FIELDS,
  CONDITION_TYPES,
  FOREACH_ELEMENT_TYPES,
  MAX_SCROLL_DURATION_MS,
  STOP_VALUES,
} from './action-specs.js';
import {
  cloneJson,
  getOwn,
  isBlankInput,
  isPlainObject,
  setOwn,
  toActionString,
  toBool,
  toNumber,
  utf8Bytes,
  type PlainObject,
} from './coerce.js';
import type { FieldErrors } from './field-errors.js';
import { hasTemplateToken, stripTemplateWrapper } from './template-tokens.js';
import {
  canonicalType,
  CLICK_TYPES,
  CONDITION_OPERATORS,
  HTTP_METHODS,
  RESERVED_VARIABLE_ROOTS,
  TASK_LIMITS,
  TYPE_MODES,
  UNIVERSAL_CONDITION_OPERATORS,
  UNSUPPORTED_UPSTREAM_TYPES,
  WAIT_STATES,
  type CanonicalActionType,
  type ConditionVarType,
  type TaskAction,
} from './task.types.js';

const STRING_FIELDS = new Set<string>(ACTION_STRING_FIELDS);
const BOOLEAN_FIELDS = new Set<string>(ACTION_BOOLEAN_FIELDS);
const HEADER_NAME_RE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

interface ActionCheck {
  out: PlainObject;
  path: string;
  errors: FieldErrors;
  /** Fields already reported, so one bad field gives one error. */
  failed: Set<string>;
}

function fail(check: ActionCheck, key: string, message: string): void {
  if (check.failed.has(key)) return;
  check.failed.add(key);
  check.errors.add(`${check.path}.${key}`, message);
}

/**
 * Validates and normalises the `actions` list (RUNNER §2.4, §5.1, §6, §7). Returns the
 * normalised actions; problems are added to `errors` with paths such as `actions[3].selector`.
 */
export function validateActions(raw: unknown, errors: FieldErrors, newActionId: () => string): TaskAction[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    errors.add('actions', 'must be an array');
    return [];
  }
  if (raw.length > TASK_LIMITS.maxActions) {
    errors.add('actions', `must have at most ${TASK_LIMITS.maxActions} entries (got ${raw.length})`);
    return [];
  }
  const typed = raw.map((item: unknown) => ({ type: isPlainObject(item) ? getOwn(item, 'type') : undefined }));
  const insideForeach = foreachMembership(typed);
  const seenIds = new Map<string, number>();
  const actions: TaskAction[] = [];
  raw.forEach((item: unknown, i: number) => {
    const action = validateAction(item, i, errors, { newActionId, seenIds, insideForeach: insideForeach[i] });
    if (action) actions.push(action);
  });
  const structure = analyzeBlocks(typed);
  if (!structure.ok) errors.addAll(structure.errors);
  return actions;
}

function validateAction(
  item: unknown,
  index: number,
  errors: FieldErrors,
  ctx: { newActionId: () => string; seenIds: Map<string, number>; insideForeach: boolean },
): TaskAction | null {
  const path = `actions[${index}]`;
  if (!isPlainObject(item)) {
    errors.add(path, 'must be an object');
    return null;
  }
  const out: PlainObject = {};
  const check: ActionCheck = { out, path, errors, failed: new Set() };

  setOwn(out, 'id', actionId(getOwn(item, 'id'), index, check, ctx));
  const type = actionType(getOwn(item, 'type'), check);
  if (type !== null) setOwn(out, 'type', type.stored);

  for (const key of Object.keys(item)) {
    if (key === 'id' || key === 'type') continue;
    normaliseField(key, getOwn(item, key), check);
  }

  const value = out.value;
  if (typeof value === 'string' && utf8Bytes(value) > TASK_LIMITS.valueMaxBytes) {
    fail(check, 'value', `must be at most ${TASK_LIMITS.valueMaxBytes} bytes`);
  }
  if (type?.canonical) checkTypeRules(type.canonical, check, ctx.insideForeach);
  return out as TaskAction;
}

function actionId(
  raw: unknown,
  index: number,
  { path, errors }: ActionCheck,
  ctx: { newActionId: () => string; seenIds: Map<string, number> },
): string {
  let id: string;
  if (isBlankInput(raw)) {
    id = ctx.newActionId();
  } else {
    const s = toActionString(raw);
    if (s === undefined) {
      errors.add(`${path}.id`, 'must be a string');
      return ctx.newActionId();
    }
    if (s.length > TASK_LIMITS.actionIdMax) errors.add(`${path}.id`, `must be at most ${TASK_LIMITS.actionIdMax} characters`);
    id = s;
  }
  const first = ctx.seenIds.get(id);
  if (first !== undefined) errors.add(`${path}.id`, `duplicates the id of actions[${first}]`);
  else ctx.seenIds.set(id, index);
  return id;
}

function actionType(raw: unknown, { path, errors }: ActionCheck): { stored: string; canonical: CanonicalActionType | null } | null {
  if (isBlankInput(raw)) {
    errors.add(`${path}.type`, 'is required');
    return null;
  }
  if (typeof raw !== 'string') {
    errors.add(`${path}.type`, 'must be a string');
    return null;
  }
  const canonical = canonicalType(raw);
  if (canonical === null) {
    const shown = raw.length > 64 ? `${raw.slice(0, 64)}…` : raw;
    errors.add(
      `${path}.type`,
      UNSUPPORTED_UPSTREAM_TYPES.includes(raw)
        ? `action type '${shown}' is not supported by this server`
        : `unknown action type '${shown}'`,
    );
  }
  return { stored: raw, canonical };
}

/** Type coercion of one field, whatever the action type (enums are checked per type later). */
function normaliseField(key: string, raw: unknown, check: ActionCheck): void {
  const { out } = check;
  if (raw === undefined) return;
  if (STRING_FIELDS.has(key)) {
    if (raw === null) return;
    const s = toActionString(raw);
    if (s === undefined) fail(check, key, 'must be a string');
    else setOwn(out, key, s);
    return;
  }
  if (BOOLEAN_FIELDS.has(key)) {
    if (isBlankInput(raw)) return;
    const b = toBool(raw);
    if (b === undefined) fail(check, key, 'must be true or false');
    else setOwn(out, key, b);
    return;
  }
  if (key === 'timeout' || key === 'maxIterations' || key === 'duration') {
    if (isBlankInput(raw)) return;
    const n = toNumber(raw);
    const problem = numericProblem(key, n);
    if (problem) fail(check, key, problem);
    else setOwn(out, key, n);
    return;
  }
  if (key === 'headers') return normaliseHeaders(raw, check);
  if (key === 'body') return normaliseBody(raw, check);
  const copy = cloneJson(raw);
  if (copy.ok) setOwn(out, key, copy.value);
  else fail(check, key, copy.message);
}

function numericProblem(key: 'timeout' | 'maxIterations' | 'duration', n: number | undefined): string | null {
  if (key === 'timeout') {
    const { actionTimeoutMin: min, actionTimeoutMax: max } = TASK_LIMITS;
    return n !== undefined && Number.isInteger(n) && n >= min && n <= max ? null : `must be an integer from ${min} to ${max} (ms)`;
  }
  if (key === 'maxIterations') {
    return n !== undefined && Number.isSafeInteger(n) && n >= 1 ? null : 'must be an integer of at least 1';
  }
  return n !== undefined && n >= 0 && n <= MAX_SCROLL_DURATION_MS ? null : `must be a number of ms from 0 to ${MAX_SCROLL_DURATION_MS}`;
}

function headerProblem(headers: PlainObject): string | null {
  for (const name of Object.keys(headers)) {
    if (!HEADER_NAME_RE.test(name)) return `has an invalid header name '${name.slice(0, 64)}'`;
    const v = headers[name];
    if (typeof v !== 'string' && typeof v !== 'boolean' && !(typeof v === 'number' && Number.isFinite(v))) {
      return `header '${name}' must have a string value`;
    }
  }
  return null;
}

/** Object, or a JSON string holding an object (kept as given); `""` means none. */
function normaliseHeaders(raw: unknown, check: ActionCheck): void {
  if (raw === null) return;
  const invalid = 'must be an object or a string holding a JSON object';
  let parsed: unknown = raw;
  if (typeof raw === 'string') {
    if (raw.trim() === '') return setOwn(check.out, 'headers', raw);
    try {
      parsed = JSON.parse(raw);
    } catch {
      return fail(check, 'headers', invalid);
    }
  }
  if (!isPlainObject(parsed)) return fail(check, 'headers', invalid);
  const problem = headerProblem(parsed);
  if (problem) return fail(check, 'headers', problem);
  if (typeof raw === 'string') return setOwn(check.out, 'headers', raw);
  const copy = cloneJson(parsed);
  if (copy.ok) setOwn(check.out, 'headers', copy.value);
  else fail(check, 'headers', copy.message);
}

function normaliseBody(raw: unknown, check: ActionCheck): void {
  if (raw === null) return;
  const s = toActionString(raw);
  if (s !== undefined) return setOwn(check.out, 'body', s);
  if (!Array.isArray(raw) && !isPlainObject(raw)) return fail(check, 'body', 'must be a string, an object or an array');
  const copy = cloneJson(raw);
  if (copy.ok) setOwn(check.out, 'body', copy.value);
  else fail(check, 'body', copy.message);
}

function isBlank(v: unknown): boolean {
  return typeof v !== 'string' || v.trim() === '';
}

function checkEnum(check: ActionCheck, key: string, allowed: readonly string[]): void {
  const v = check.out[key];
  if (typeof v === 'string' && v !== '' && !allowed.includes(v)) {
    fail(check, key, `must be one of ${allowed.join(', ')}`);
  }
}

/** Required fields, enums and the semantic rules of RUNNER §2.4 for one known type. */
function checkTypeRules(type: CanonicalActionType, check: ActionCheck, insideForeach: boolean): void {
  const { out } = check;
  const spec = ACTION_SPECS[type] ?? {};
  for (const key of spec.required ?? []) {
    if (isBlank(out[key])) fail(check, key, `is required for ${type} actions`);
  }
  for (const key of spec.requiredNonEmpty ?? []) {
    if (typeof out[key] !== 'string' || out[key] === '') fail(check, key, `is required for ${type} actions`);
  }

  switch (type) {
    case 'click':
      checkEnum(check, 'clickType', CLICK_TYPES);
      break;
    case 'type':
      checkEnum(check, 'typeMode', TYPE_MODES);
      break;
    case 'wait_selector':
      checkEnum(check, 'state', WAIT_STATES);
      break;
    case 'press':
      if (isBlank(out.key) && isBlank(out.value)) fail(check, 'key', 'is required for press actions (or value)');
      break;
    case 'http_request':
      if (typeof out.method === 'string') setOwn(out, 'method', out.method.toUpperCase());
      checkEnum(check, 'method', HTTP_METHODS);
      break;
    case 'stop':
      checkStopValue(check);
      break;
    case 'repeat':
      checkRepeatCount(check);
      break;
    case 'set':
      checkSetPath(check);
      break;
  }
  if (CONDITION_TYPES.has(type)) checkCondition(check);
  if (spec.writesVarName) checkTargetVarName(check);
  if (FOREACH_ELEMENT_TYPES.has(type) && isBlank(out.selector) && !insideForeach) {
    fail(check, 'selector', `is required for ${type} actions outside a foreach block`);
  }
}

function checkStopValue(check: ActionCheck): void {
  const { out } = check;
  const v = out.value;
  if (typeof v !== 'string' || hasTemplateToken(v)) return;
  if (!STOP_VALUES.includes(v.trim())) fail(check, 'value', 'must be success, error (or failure), empty, or a template');
}

function checkRepeatCount(check: ActionCheck): void {
  const { out } = check;
  const v = out.value;
  if (typeof v !== 'string' || hasTemplateToken(v) || v.trim() === '') return;
  const n = toNumber(v);
  const count = n === undefined ? NaN : Math.floor(n);
  if (!(count >= 0 && count <= TASK_LIMITS.repeatCountMax)) {
    fail(check, 'value', `must be a count from 0 to ${TASK_LIMITS.repeatCountMax}, or a template`);
  }
}

function checkSetPath(check: ActionCheck): void {
  const { out } = check;
  const v = out.varName;
  if (typeof v !== 'string' || v.trim() === '') return;
  const name = stripTemplateWrapper(v);
  if (hasTemplateToken(name)) return;
  if (name.split('.').some((segment) => segment === '')) {
    fail(check, 'varName', 'must be a variable name or a dot path such as user.name');
  }
}

function checkTargetVarName(check: ActionCheck): void {
  const { out } = check;
  const v = out.varName;
  if (typeof v !== 'string') return;
  const name = stripTemplateWrapper(v);
  const root = name.split('.')[0];
  if (!hasTemplateToken(root) && RESERVED_VARIABLE_ROOTS.includes(root)) {
    fail(check, 'varName', `'${root}' is reserved and cannot be assigned`);
  }
}

function checkCondition(check: ActionCheck): void {
  const { out } = check;
  const rawType = out.conditionVarType;
  const varType = typeof rawType === 'string' && rawType !== '' ? rawType : 'string';
  if (!Object.prototype.hasOwnProperty.call(CONDITION_OPERATORS, varType)) {
    fail(check, 'conditionVarType', `must be one of ${Object.keys(CONDITION_OPERATORS).join(', ')}`);
    return;
  }
  const op = out.conditionOp;
  if (typeof op !== 'string' || op === '') return;
  const allowed: readonly string[] = [...CONDITION_OPERATORS[varType as ConditionVarType], ...UNIVERSAL_CONDITION_OPERATORS];
  const unique = [...new Set(allowed)];
  if (!unique.includes(op)) {
    fail(check, 'conditionOp', `'${op.slice(0, 32)}' is not an operator for conditionVarType ${varType} (allowed: ${unique.join(', ')})`);
    return;
  }
  const pattern = out.conditionValue;
  if (op === 'matches' && typeof pattern === 'string' && !hasTemplateToken(pattern) && pattern.length > TASK_LIMITS.matchesPatternMax) {
    fail(check, 'conditionValue', `pattern must be at most ${TASK_LIMITS.matchesPatternMax} characters`);
  }
}
