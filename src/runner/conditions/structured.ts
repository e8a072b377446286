/**
 * Structured conditions of `if` / `while` (RUNNER.md §6.1). Selector checks need the page,
 * so the caller supplies `selectorExists`.
 */
import { RunError } from '../run-error.js';
import type { VariableLookup } from '../templating/lookup.js';
import { renderText, singleTokenName, toText } from '../templating/render.js';
import { CONDITION_OPERATORS as MODEL_OPERATORS, type ConditionVarType } from '../../tasks/model/task.types.js';
import type { RegexTester } from './regex-matcher.js';

export type { ConditionVarType };

/** The operator table lives with the task model (validation and runner share it). */
export const CONDITION_OPERATORS: Record<ConditionVarType, readonly string[]> = MODEL_OPERATORS;

/** Accepted with every `conditionVarType`. */
export const SELECTOR_OPERATORS: readonly string[] = CONDITION_OPERATORS.selector;

export interface StructuredConditionFields {
  conditionVar?: string;
  conditionVarType?: string;
  conditionOp?: string;
  conditionValue?: string;
  selector?: string;
}

export interface ConditionDeps {
  lookup: VariableLookup;
  /** True when the main page has at least one match right now (no waiting). */
  selectorExists: (selector: string) => Promise<boolean>;
  regex: RegexTester;
}

function isConditionVarType(type: string): type is ConditionVarType {
  return Object.hasOwn(CONDITION_OPERATORS, type);
}

/** Structured when any of the four condition fields is non-empty; otherwise `value` is a JS expression. */
export function isStructuredCondition(fields: StructuredConditionFields): boolean {
  return [fields.conditionVar, fields.conditionVarType, fields.conditionOp, fields.conditionValue].some(
    (field) => field !== undefined && field !== null && String(field) !== '',
  );
}

/** Save-time validation: is `op` (empty = the default) valid for `type` (empty = `string`)? */
export function isOperatorAllowed(type: string | undefined, op: string | undefined): boolean {
  return resolveOperator(type, op) !== undefined;
}

function resolveOperator(
  type: string | undefined,
  op: string | undefined,
): { type: ConditionVarType; op: string } | undefined {
  const varType = type?.trim() || 'string';
  if (!isConditionVarType(varType)) return undefined;
  const operator = op?.trim() || CONDITION_OPERATORS[varType][0];
  if (SELECTOR_OPERATORS.includes(operator) || CONDITION_OPERATORS[varType].includes(operator)) {
    return { type: varType, op: operator };
  }
  return undefined;
}

/** §6.1 boolean coercion of the left operand. */
export function coerceConditionBoolean(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (value === null || value === undefined) return false;
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    if (text === 'true' || text === '1' || text === 'yes') return true;
    if (text === 'false' || text === '0' || text === 'no' || text === '') return false;
  }
  return true;
}

/** `matches` value: `/pattern/flags` (flags from i, m, s), otherwise the whole text is the pattern. */
export function parseMatchPattern(value: string): { pattern: string; flags: string } {
  const slashed = /^\/([\s\S]*)\/([ims]*)$/.exec(value);
  return slashed ? { pattern: slashed[1], flags: slashed[2] } : { pattern: value, flags: '' };
}

/** Left operand: the raw value when the (unwrapped) name resolves, else the rendered text. */
function leftOperand(conditionVar: string, lookup: VariableLookup): unknown {
  const name = singleTokenName(conditionVar) ?? conditionVar.trim();
  const resolved = lookup.resolve(name);
  return resolved.found ? resolved.value : renderText(conditionVar, lookup);
}

function compareNumbers(op: string, leftText: string, rightText: string): boolean {
  const left = Number(leftText.trim());
  const right = Number(rightText.trim());
  if (!Number.isFinite(left) || !Number.isFinite(right)) return false;
  switch (op) {
    case 'equals':
      return left === right;
    case 'not_equals':
      return left !== right;
    case 'gt':
      return left > right;
    case 'gte':
      return left >= right;
    case 'lt':
      return left < right;
    default:
      return left <= right;
  }
}

async function compareStrings(op: string, left: string, right: string, regex: RegexTester): Promise<boolean> {
  switch (op) {
    case 'equals':
      return left === right;
    case 'not_equals':
      return left !== right;
    case 'contains':
      return left.includes(right);
    case 'starts_with':
      return left.startsWith(right);
    case 'ends_with':
      return left.endsWith(right);
    default: {
      const { pattern, flags } = parseMatchPattern(right);
      return regex.test(pattern, flags, left);
    }
  }
}

// By name: abort errors may come from another realm (DOMException).
function isAbort(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
}

async function checkSelector(op: string, fields: StructuredConditionFields, deps: ConditionDeps): Promise<boolean> {
  const fromSelector = fields.selector ? renderText(fields.selector, deps.lookup) : '';
  const selector = fromSelector.trim() !== '' ? fromSelector : renderText(fields.conditionVar ?? '', deps.lookup);
  if (selector.trim() === '') throw new RunError('CONDITION_FAILED', 'Selector condition without a selector');
  let exists: boolean;
  try {
    exists = await deps.selectorExists(selector);
  } catch (error) {
    if (error instanceof RunError || isAbort(error)) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new RunError('CONDITION_FAILED', `Selector '${selector}' could not be checked: ${reason}`, { cause: error });
  }
  return op === 'exists' ? exists : !exists;
}

/** Evaluates a structured condition; failures are RunErrors with code `CONDITION_FAILED`. */
export async function evaluateStructuredCondition(
  fields: StructuredConditionFields,
  deps: ConditionDeps,
): Promise<boolean> {
  const resolved = resolveOperator(fields.conditionVarType, fields.conditionOp);
  if (!resolved) {
    throw new RunError(
      'CONDITION_FAILED',
      `Operator '${fields.conditionOp ?? ''}' is not valid for condition type '${fields.conditionVarType ?? ''}'`,
    );
  }
  const { type, op } = resolved;
  if (SELECTOR_OPERATORS.includes(op)) return checkSelector(op, fields, deps);
  const left = leftOperand(fields.conditionVar ?? '', deps.lookup);
  if (type === 'boolean') return op === 'is_true' ? coerceConditionBoolean(left) : !coerceConditionBoolean(left);
  const right = renderText(fields.conditionValue ?? '', deps.lookup);
  if (type === 'number') return compareNumbers(op, toText(left), right);
  return compareStrings(op, toText(left), right, deps.regex);
}
