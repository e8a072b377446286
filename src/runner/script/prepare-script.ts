/**
 * Preparation of user JavaScript before it is sent to the page (RUNNER.md §7.1, §6.2, §10.3).
 * Parsing only: user code is never evaluated in the server (DECISIONS 8).
 */
import { getLineInfo, parse, type Node, type Program, type Token } from 'acorn';
import { RunError, type RunErrorCode } from '../run-error.js';
import type { VariableLookup } from '../templating/lookup.js';
import { substituteJsTemplate, type JsSubstitution } from '../templating/js-template.js';
import { findMisplacedSubstitution } from './verify-substitutions.js';

export interface PreparedScript {
  /** The body of the async function the page runs. */
  body: string;
  /** The code mentions the identifier `html`, so the page wrapper must bind it. */
  usesHtml: boolean;
}

export interface PrepareOptions {
  /** Code of the thrown RunError; `SCRIPT_ERROR` by default. */
  errorCode?: RunErrorCode;
}

const CONDITION_PREFIX = 'return !!(\n';
const CONDITION_SUFFIX = '\n);';
const FUNCTION_TYPES = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);

interface Parsed {
  program: Program;
  tokens: Token[];
}

function parseBody(code: string, lineOffset: number, errorCode: RunErrorCode): Parsed {
  const tokens: Token[] = [];
  try {
    const program = parse(code, {
      ecmaVersion: 'latest',
      sourceType: 'script',
      allowReturnOutsideFunction: true,
      allowAwaitOutsideFunction: true,
      allowHashBang: false,
      onToken: tokens,
    });
    return { program, tokens };
  } catch (error) {
    throw new RunError(errorCode, describeSyntaxError(code, error, lineOffset), { cause: error });
  }
}

function describeSyntaxError(code: string, error: unknown, lineOffset: number): string {
  if (!(error instanceof SyntaxError)) return `Script could not be parsed: ${String(error)}`;
  const message = error.message.replace(/ \(\d+:\d+\)$/, '');
  const pos = (error as SyntaxError & { pos?: unknown }).pos;
  if (typeof pos !== 'number') return `Syntax error: ${message}`;
  const { line, column } = getLineInfo(code, pos);
  return `Syntax error at line ${Math.max(1, line - lineOffset)}, column ${column + 1}: ${message}`;
}

function checkPlacement(
  code: string,
  substitutions: readonly JsSubstitution[],
  parsed: Parsed,
  lineOffset: number,
  errorCode: RunErrorCode,
): void {
  const bad = findMisplacedSubstitution(substitutions, parsed.tokens);
  if (!bad) return;
  const line = Math.max(1, getLineInfo(code, bad.start).line - lineOffset);
  throw new RunError(
    errorCode,
    `Variable {$${bad.name}} at line ${line} cannot be inserted safely at that position; read it as vars.${bad.name} instead`,
  );
}

function isNode(value: unknown): value is Node & Record<string, unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/** A `return` that belongs to the body itself (not to a nested function). */
function hasOwnReturn(program: Program): boolean {
  const stack: unknown[] = [...program.body];
  while (stack.length > 0) {
    const node = stack.pop();
    if (!isNode(node)) continue;
    if (node.type === 'ReturnStatement') return true;
    if (FUNCTION_TYPES.has(node.type)) continue;
    for (const child of Object.values(node)) {
      if (Array.isArray(child)) stack.push(...(child as unknown[]));
      else if (isNode(child)) stack.push(child);
    }
  }
  return false;
}

/** Last-expression compatibility: `…; expr` becomes `…; return (expr);` when the body has no return. */
function returnLastExpression(code: string, program: Program): string {
  if (hasOwnReturn(program)) return code;
  const statements = program.body.filter((s) => s.type !== 'EmptyStatement');
  const last = statements[statements.length - 1];
  if (last?.type !== 'ExpressionStatement') return code;
  const { expression } = last;
  return (
    code.slice(0, expression.start) +
    'return (' +
    code.slice(expression.start, expression.end) +
    ');' +
    code.slice(last.end)
  );
}

function mentionsHtml(tokens: readonly Token[]): boolean {
  return tokens.some((token, k) => {
    if (token.type.label !== 'name' || (token as Token & { value?: unknown }).value !== 'html') return false;
    const previous = tokens[k - 1]?.type.label;
    return previous !== '.' && previous !== '?.';
  });
}

/** `javascript` action code and the extraction script: template, parse, add the implicit return. */
export function prepareScript(source: string, lookup: VariableLookup, options: PrepareOptions = {}): PreparedScript {
  const errorCode = options.errorCode ?? 'SCRIPT_ERROR';
  const { code, substitutions } = substituteJsTemplate(source, lookup);
  const parsed = parseBody(code, 0, errorCode);
  checkPlacement(code, substitutions, parsed, 0, errorCode);
  return { body: returnLastExpression(code, parsed.program), usesHtml: mentionsHtml(parsed.tokens) };
}

/**
 * A JS expression condition (§6.2) as the body `return !!(<expression>);`.
 * `null` when the expression is empty after trimming (the condition is `false`).
 */
export function prepareConditionScript(
  expression: string,
  lookup: VariableLookup,
  options: PrepareOptions = {},
): PreparedScript | null {
  if (expression.trim() === '') return null;
  const errorCode = options.errorCode ?? 'CONDITION_FAILED';
  const templated = substituteJsTemplate(expression, lookup);
  const body = CONDITION_PREFIX + templated.code + CONDITION_SUFFIX;
  const shift = CONDITION_PREFIX.length;
  const substitutions = templated.substitutions.map((s) => ({ ...s, start: s.start + shift, end: s.end + shift }));
  const parsed = parseBody(body, 1, errorCode);
  checkPlacement(body, substitutions, parsed, 1, errorCode);
  return { body, usesHtml: mentionsHtml(parsed.tokens) };
}
