/**
 * `{$name}` templates in text fields (RUNNER.md §4.1, §4.4).
 */
import type { VariableLookup } from './lookup.js';

/** One template token; the name group is `[A-Za-z0-9_.]+`. */
export const TEMPLATE_TOKEN_SOURCE = String.raw`\{\$([A-Za-z0-9_.]+)\}`;
const SINGLE_TOKEN = new RegExp(`^${TEMPLATE_TOKEN_SOURCE}$`);

function tokenRegex(): RegExp {
  return new RegExp(TEMPLATE_TOKEN_SOURCE, 'g');
}

/** §4.4 text rendering of a value. */
export function toText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  if (typeof value === 'object') {
    try {
      return JSON.stringify(value) ?? '';
    } catch {
      return String(value);
    }
  }
  return '';
}

/** Single-pass substitution: text produced by a substitution is never scanned again. */
export function renderText(template: string, lookup: VariableLookup): string {
  return template.replace(tokenRegex(), (_match, name: string) => toText(lookup.get(name)));
}

/** The name when the trimmed template is exactly one `{$name}` token, else `undefined`. */
export function singleTokenName(template: string): string | undefined {
  return SINGLE_TOKEN.exec(template.trim())?.[1];
}

/** Raw-value rule: exactly one token (after trimming) yields the value itself, else the rendered text. */
export function renderRaw(template: string, lookup: VariableLookup): unknown {
  const name = singleTokenName(template);
  return name === undefined ? renderText(template, lookup) : lookup.get(name);
}

/** Names referenced by the template, in order of first appearance (lets callers pre-compute `html`). */
export function templateNames(template: string): string[] {
  const names = new Set<string>();
  for (const match of template.matchAll(tokenRegex())) names.add(match[1]);
  return [...names];
}
