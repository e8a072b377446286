/**
 * Conditions of `if` / `while` (RUNNER §6): structured ones through conditions/structured.ts,
 * JS expressions in the page (5 s). Every failure is a RunError CONDITION_FAILED (§6.3), except
 * a crashed or unresponsive page (BROWSER_CRASHED).
 */
import type { Page } from 'playwright';
import type { TaskAction } from '../../tasks/model/task.types.js';
import type { RegexTester } from '../conditions/regex-matcher.js';
import { evaluateStructuredCondition, isStructuredCondition } from '../conditions/structured.js';
import type { PageScriptResult } from '../page-script/run-page-script.js';
import { RunError } from '../run-error.js';
import { prepareConditionScript, type PreparedScript } from '../script/prepare-script.js';
import type { VariableLookup } from '../templating/lookup.js';
import { cleanErrorMessage } from './failure.js';

export const CONDITION_TIMEOUT_MS = 5000;

export interface ConditionEnv {
  page: Page;
  lookup: VariableLookup;
  regex: RegexTester;
  runScript(script: PreparedScript, timeoutMs: number): Promise<PageScriptResult>;
}

function asConditionFailure(error: unknown): unknown {
  if (error instanceof RunError) {
    if (error.code === 'CONDITION_FAILED' || error.code === 'BROWSER_CRASHED') return error;
    return new RunError('CONDITION_FAILED', `Condition ${error.code === 'SCRIPT_TIMEOUT' ? 'timed out' : 'failed'}: ${error.message}`, { cause: error });
  }
  return error;
}

export async function evaluateCondition(action: TaskAction, env: ConditionEnv): Promise<boolean> {
  if (isStructuredCondition(action)) {
    return evaluateStructuredCondition(
      {
        conditionVar: action.conditionVar,
        conditionVarType: action.conditionVarType,
        conditionOp: action.conditionOp,
        conditionValue: action.conditionValue,
        selector: action.selector,
      },
      {
        lookup: env.lookup,
        regex: env.regex,
        selectorExists: async (selector) => {
          try {
            return (await env.page.locator(selector).count()) > 0;
          } catch (error) {
            throw new Error(cleanErrorMessage(error), { cause: error });
          }
        },
      },
    );
  }
  const script = prepareConditionScript(String(action.value ?? ''), env.lookup);
  if (script === null) return false;
  try {
    const result = await env.runScript(script, CONDITION_TIMEOUT_MS);
    return result.value === true;
  } catch (error) {
    throw asConditionFailure(error);
  }
}

/** RUNNER §5.6: `maxIterations`, or a positive integer `value` of a structured condition, else 1000. */
export function whileIterationCap(action: TaskAction): number {
  if (typeof action.maxIterations === 'number' && Number.isInteger(action.maxIterations) && action.maxIterations >= 1) {
    return action.maxIterations;
  }
  if (isStructuredCondition(action)) {
    const value = Number(String(action.value ?? '').trim());
    if (Number.isInteger(value) && value >= 1) return value;
  }
  return 1000;
}
