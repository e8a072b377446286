import type { CanonicalActionType } from './task.types.js';

/**
 * Per-type rules of RUNNER §7. Adding an action type means adding it to ACTION_TYPES
 * (task.types.ts) and, when it has required fields or writes a variable, an entry here.
 */
export interface ActionTypeSpec {
  /** `*` fields: must be non-blank (whitespace-only counts as missing). */
  required?: readonly string[];
  /** `*` fields where any non-empty text is meaningful (e.g. a space typed into a field). */
  requiredNonEmpty?: readonly string[];
  /** `varName` names the variable the result is stored in (checked against reserved names). */
  writesVarName?: boolean;
}

export const ACTION_SPECS: Readonly<Partial<Record<CanonicalActionType, ActionTypeSpec>>> = {
  navigate: { required: ['value'] },
  type: { requiredNonEmpty: ['value'] },
  press: {}, // `key` required, with `value` as fallback: checked in validate-action.ts
  wait_selector: { required: ['selector'] },
  javascript: { required: ['value'], writesVarName: true },
  csv: { writesVarName: true },
  merge: { required: ['value'], writesVarName: true },
  set: { required: ['varName'], writesVarName: true },
  start: { required: ['value'], writesVarName: true },
  http_request: { required: ['value'], writesVarName: true },
  get_content: { writesVarName: true },
  select: { required: ['selector'], requiredNonEmpty: ['value'] },
  check: { required: ['selector'] },
  uncheck: { required: ['selector'] },
  drag_and_drop: { required: ['selector', 'targetSelector'] },
};

/** Fields stored as strings; numbers are accepted and converted (RUNNER §2.4). */
export const ACTION_STRING_FIELDS = [
  'selector',
  'targetSelector',
  'value',
  'key',
  'varName',
  'label',
  'clickType',
  'typeMode',
  'method',
  'state',
  'conditionVar',
  'conditionVarType',
  'conditionOp',
  'conditionValue',
] as const;

export const ACTION_BOOLEAN_FIELDS = ['disabled', 'continueOnError', 'secret', 'fullPage'] as const;

/** Literal `stop` values (RUNNER §7; `failure` is the legacy spelling of `error`). */
export const STOP_VALUES: readonly string[] = ['', 'success', 'error', 'failure'];

/** Types whose condition is read from the structured condition fields or `value` (RUNNER §6). */
export const CONDITION_TYPES: ReadonlySet<CanonicalActionType> = new Set(['if', 'while']);

/** Types that act on the current `foreach` element when `selector` is empty. */
export const FOREACH_ELEMENT_TYPES: ReadonlySet<CanonicalActionType> = new Set(['click', 'hover']);

/** Upper bound for `scroll.duration` (ms); matches the largest action timeout. */
export const MAX_SCROLL_DURATION_MS = 600000;
