/**
 * `{$name}` substitution inside JavaScript source (RUNNER.md §4.5).
 *
 * `{$name}` in code is not valid JavaScript, so the source cannot be handed to a parser first.
 * A small scanner tracks strings, template literals (with nested `${…}`), comments and regex
 * literals (regex vs division decided by the previous significant token) and replaces each
 * token according to its position. `prepareScript` then re-parses the result with acorn and
 * checks every substitution landed where the scanner thought (see verify-substitutions.ts).
 */
import type { VariableLookup } from './lookup.js';
import { TEMPLATE_TOKEN_SOURCE, toText } from './render.js';
import { escapeForRegex, escapeForString, escapeForTemplate, toJsLiteral } from './js-escape.js';

export type JsPosition = 'code' | 'string' | 'template' | 'regex';

export interface JsSubstitution {
  name: string;
  position: JsPosition;
  /** Offsets of the inserted text in the output code. */
  start: number;
  end: number;
}

export interface JsTemplateResult {
  code: string;
  substitutions: JsSubstitution[];
}

type Found = { start: number; end: number; name: string } & (
  | { position: 'code' }
  | { position: 'template' }
  | { position: 'string'; quote: "'" | '"' }
  | { position: 'regex'; inClass: boolean; flags: string }
);

const TOKEN_AT = new RegExp(TEMPLATE_TOKEN_SOURCE, 'y');
// After these words a `/` starts a regular expression.
// After `)` closing the head of these statements a `/` starts a regular expression.
const CONTROL_WORDS = new Set(['if', 'while', 'for', 'with']);
const REGEX_AFTER_WORD = new Set([
  'return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do',
  'else', 'yield', 'await',
]);

function isLineTerminator(ch: string | undefined): boolean {
  return ch === '\n' || ch === '\r' || ch === '\u2028' || ch === '\u2029';
}

function isIdentPart(ch: string | undefined): boolean {
  if (ch === undefined) return false;
  if (/[A-Za-z0-9_$\\]/.test(ch)) return true;
  return ch.charCodeAt(0) >= 0x80 && !/\s/.test(ch);
}

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '9';
}

class JsScanner {
  private i = 0;
  private readonly braces: Array<'brace' | 'template'> = [];
  /** Per open `(`: does it start the head of `if`/`while`/`for`/`with`? */
  private readonly parens: boolean[] = [];
  private lastWord = '';
  private inTemplate = false;
  private regexAllowed = true;
  private lastPunct = '';
  private anyToken = false;
  private lineBreakSinceToken = false;
  readonly found: Found[] = [];

  constructor(private readonly src: string) {}

  scan(): Found[] {
    while (this.i < this.src.length) {
      if (this.inTemplate) this.templateText();
      else this.codeStep();
    }
    return this.found;
  }

  private tokenAt(i: number): { name: string; end: number } | undefined {
    if (this.src[i] !== '{' || this.src[i + 1] !== '$') return undefined;
    TOKEN_AT.lastIndex = i;
    const match = TOKEN_AT.exec(this.src);
    return match ? { name: match[1], end: i + match[0].length } : undefined;
  }

  /** Length of a backslash escape starting at `i` (a CRLF line continuation counts as one). */
  private escapeLength(i: number): number {
    if (i + 1 >= this.src.length) return 1;
    if (this.src[i + 1] === '\r' && this.src[i + 2] === '\n') return 3;
    return 2;
  }

  private operand(): void {
    this.regexAllowed = false;
    this.token('');
  }

  private punct(ch: string): void {
    this.regexAllowed = true;
    this.token(ch);
  }

  private token(punct: string): void {
    this.lastPunct = punct;
    this.lastWord = '';
    this.anyToken = true;
    this.lineBreakSinceToken = false;
  }

  private codeStep(): void {
    const src = this.src;
    const ch = src[this.i];
    if (isLineTerminator(ch)) {
      this.lineBreakSinceToken = true;
      this.i++;
    } else if (/\s/.test(ch)) {
      this.i++;
    } else if (ch === '/' && src[this.i + 1] === '/') {
      this.lineComment(this.i + 2);
    } else if (ch === '/' && src[this.i + 1] === '*') {
      this.blockComment();
    } else if (ch === '/' && this.regexAllowed) {
      this.regex();
    } else if (src.startsWith('<!--', this.i)) {
      this.lineComment(this.i + 4); // Annex B HTML-like comment
    } else if (src.startsWith('-->', this.i) && (!this.anyToken || this.lineBreakSinceToken)) {
      this.lineComment(this.i + 3);
    } else if (ch === "'" || ch === '"') {
      this.string(ch);
    } else if (ch === '`') {
      this.i++;
      this.inTemplate = true;
    } else if (ch === '{') {
      const token = this.tokenAt(this.i);
      if (token) {
        this.found.push({ start: this.i, end: token.end, name: token.name, position: 'code' });
        this.i = token.end;
        this.operand();
      } else {
        this.braces.push('brace');
        this.i++;
        this.punct(ch);
      }
    } else if (ch === '}') {
      this.i++;
      if (this.braces.pop() === 'template') this.inTemplate = true;
      else this.punct(ch); // a block end is more likely than an object literal before `/`
    } else if (ch === '(') {
      this.parens.push(CONTROL_WORDS.has(this.lastWord));
      this.i++;
      this.punct(ch);
    } else if (ch === ')') {
      this.i++;
      if (this.parens.pop() === true) this.punct(ch);
      else this.operand();
    } else if (ch === ']') {
      this.i++;
      this.operand();
    } else if (isDigit(ch) || (ch === '.' && isDigit(src[this.i + 1]))) {
      this.number();
    } else if (isIdentPart(ch)) {
      this.word();
    } else {
      this.i++;
      this.punct(ch);
    }
  }

  private word(): void {
    const start = this.i;
    while (this.i < this.src.length && isIdentPart(this.src[this.i])) this.i++;
    const afterDot = this.lastPunct === '.';
    const word = this.src.slice(start, this.i);
    this.regexAllowed = !afterDot && REGEX_AFTER_WORD.has(word);
    this.token('');
    this.lastWord = afterDot ? '' : word;
  }

  private number(): void {
    const src = this.src;
    const start = this.i;
    const radix = /^0[xXbBoO]/.test(src.slice(start, start + 2));
    while (this.i < src.length) {
      const ch = src[this.i];
      const exponentSign =
        (ch === '+' || ch === '-') && !radix && (src[this.i - 1] === 'e' || src[this.i - 1] === 'E');
      if (!/[0-9A-Za-z_.]/.test(ch) && !exponentSign) break;
      this.i++;
    }
    this.operand();
  }

  private lineComment(from: number): void {
    let i = from;
    while (i < this.src.length && !isLineTerminator(this.src[i])) i++;
    this.i = i;
  }

  private blockComment(): void {
    const close = this.src.indexOf('*/', this.i + 2);
    const end = close === -1 ? this.src.length : close + 2;
    if (/[\n\r\u2028\u2029]/.test(this.src.slice(this.i, end))) this.lineBreakSinceToken = true;
    this.i = end;
  }

  private string(quote: "'" | '"'): void {
    const src = this.src;
    this.i++;
    while (this.i < src.length) {
      const ch = src[this.i];
      if (ch === '\\') {
        this.i += this.escapeLength(this.i);
      } else if (ch === quote) {
        this.i++;
        break;
      } else if (ch === '\n' || ch === '\r') {
        break; // unterminated: the parser reports it
      } else {
        const token = this.tokenAt(this.i);
        if (token) {
          this.found.push({ start: this.i, end: token.end, name: token.name, position: 'string', quote });
          this.i = token.end;
        } else {
          this.i++;
        }
      }
    }
    this.operand();
  }

  private templateText(): void {
    const src = this.src;
    while (this.i < src.length) {
      const ch = src[this.i];
      if (ch === '\\') {
        this.i += this.escapeLength(this.i);
      } else if (ch === '`') {
        this.i++;
        this.inTemplate = false;
        this.operand();
        return;
      } else if (ch === '$' && src[this.i + 1] === '{') {
        this.i += 2;
        this.braces.push('template');
        this.inTemplate = false;
        this.punct('${');
        return;
      } else {
        const token = this.tokenAt(this.i);
        if (token) {
          this.found.push({ start: this.i, end: token.end, name: token.name, position: 'template' });
          this.i = token.end;
        } else {
          this.i++;
        }
      }
    }
  }

  private regex(): void {
    const src = this.src;
    const pending: Array<{ start: number; end: number; name: string; inClass: boolean }> = [];
    let inClass = false;
    this.i++;
    while (this.i < src.length) {
      const ch = src[this.i];
      const token = this.tokenAt(this.i);
      if (token) {
        pending.push({ start: this.i, end: token.end, name: token.name, inClass });
        this.i = token.end;
      } else if (ch === '\\') {
        if (this.i + 1 >= src.length || isLineTerminator(src[this.i + 1])) break;
        this.i += 2;
      } else if (isLineTerminator(ch)) {
        break;
      } else if (inClass) {
        if (ch === ']') inClass = false;
        this.i++;
      } else if (ch === '[') {
        inClass = true;
        this.i++;
      } else if (ch === '/') {
        this.i++;
        const flagsStart = this.i;
        while (this.i < src.length && isIdentPart(src[this.i])) this.i++;
        const flags = src.slice(flagsStart, this.i);
        for (const p of pending) this.found.push({ ...p, position: 'regex', flags });
        this.operand();
        return;
      } else {
        this.i++;
      }
    }
    // Unterminated regex: tokens stay as written and the parser reports the error.
    this.operand();
  }
}

function replacementFor(found: Found, value: unknown): string {
  switch (found.position) {
    case 'code':
      return toJsLiteral(value);
    case 'string':
      return escapeForString(toText(value), found.quote);
    case 'template':
      return escapeForTemplate(toText(value));
    case 'regex':
      return escapeForRegex(toText(value), found.inClass, found.flags);
  }
}

/** Replaces every `{$name}` in `source` according to its position; comments are left unchanged. */
export function substituteJsTemplate(source: string, lookup: VariableLookup): JsTemplateResult {
  const found = new JsScanner(source).scan();
  const substitutions: JsSubstitution[] = [];
  const parts: string[] = [];
  let length = 0;
  let lastChar: string | undefined;
  let copied = 0;
  const append = (text: string): void => {
    if (text === '') return;
    parts.push(text);
    length += text.length;
    lastChar = text[text.length - 1];
  };
  for (const item of found) {
    append(source.slice(copied, item.start));
    const text = replacementFor(item, lookup.get(item.name));
    const inCode = item.position === 'code';
    // Keep a literal from fusing with a neighbouring word or number (`return{$x}`, `{$n}.toFixed()`).
    if (inCode && isIdentPart(lastChar)) append(' ');
    const start = length;
    append(text);
    substitutions.push({ name: item.name, position: item.position, start, end: length });
    const next = source[item.end];
    if (inCode && (isIdentPart(next) || next === '.')) append(' ');
    copied = item.end;
  }
  append(source.slice(copied));
  return { code: parts.join(''), substitutions };
}
