/**
 * Escaping of inserted values for each position inside JavaScript source (RUNNER.md §4.5).
 * Every output is a self-contained piece: it cannot end an enclosing literal or combine with
 * the source text that follows it.
 */

function hex4(code: number): string {
  return '\\u' + code.toString(16).padStart(4, '0');
}

const LINE_ESCAPES: Readonly<Record<string, string>> = {
  '\n': '\\n',
  '\r': '\\r',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/**
 * Maps each UTF-16 unit: line terminators and lone surrogates are always escaped,
 * characters in `needsBackslash` get a backslash prefix, surrogate pairs stay intact.
 */
function escapeUnits(text: string, needsBackslash: (ch: string) => boolean): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += text[i] + text[i + 1];
        i++;
      } else {
        out += hex4(code);
      }
      continue;
    }
    if (code >= 0xdc00 && code <= 0xdfff) {
      out += hex4(code);
      continue;
    }
    const ch = text[i];
    const line = LINE_ESCAPES[ch];
    if (line !== undefined) out += line;
    else if (needsBackslash(ch)) out += '\\' + ch;
    else out += ch;
  }
  return out;
}

/** Text for the inside of a `'…'` or `"…"` string literal. */
export function escapeForString(text: string, quote: "'" | '"'): string {
  return escapeUnits(text, (ch) => ch === '\\' || ch === quote);
}

/** Text for template-literal text: also `` ` `` and every `$` (so no `${` can form). */
export function escapeForTemplate(text: string): string {
  return escapeUnits(text, (ch) => ch === '\\' || ch === '`' || ch === '$');
}

const SYNTAX_CHARS = new Set('^$\\.*+?()[]{}|/');
const CLASS_CHARS = new Set([...SYNTAX_CHARS, '-']);
// `v` flag classes also reserve these punctuators (and their doubled forms).
const V_CLASS_CHARS = new Set([...CLASS_CHARS, ...'&!#%,:;<=>@`~']);

/**
 * Text for the inside of a regular-expression literal, matched literally.
 * Only escapes valid in the given mode are used (`\-` only inside classes, etc.).
 */
export function escapeForRegex(text: string, inClass: boolean, flags: string): string {
  const set = !inClass ? SYNTAX_CHARS : flags.includes('v') ? V_CLASS_CHARS : CLASS_CHARS;
  return escapeUnits(text, (ch) => set.has(ch));
}

/**
 * A JavaScript expression for the value in code position: its JSON literal, `undefined` for
 * `undefined` (and for values JSON cannot encode). Negative numbers are parenthesised so they
 * cannot merge with a preceding operator (`a-{$n}`) or bind wrongly (`{$n} ** 2`).
 */
export function toJsLiteral(value: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    json = undefined;
  }
  if (json === undefined) return 'undefined';
  // `<`, U+2028 and U+2029 only occur inside JSON strings, where \u escapes mean the same.
  json = json.replace(/[<\u2028\u2029]/g, (ch) => hex4(ch.charCodeAt(0)));
  return json.startsWith('-') ? `(${json})` : json;
}
