import { parse, type Token } from 'acorn';
import type { JsSubstitution } from '../templating/js-template.js';
import { findMisplacedSubstitution } from './verify-substitutions.js';

function tokensOf(code: string): Token[] {
  const tokens: Token[] = [];
  parse(code, { ecmaVersion: 'latest', allowReturnOutsideFunction: true, onToken: tokens });
  return tokens;
}

function sub(code: string, text: string, position: JsSubstitution['position'], from = 0): JsSubstitution {
  const start = code.indexOf(text, from);
  if (start < 0) throw new Error(`${text} not in ${code}`);
  return { name: 'v', position, start, end: start + text.length };
}

describe('findMisplacedSubstitution', () => {
  const code = 'const a = "xy" + `t${1}uv` + /re/g.source + [1, "s"].length; // c';
  const tokens = tokensOf(code);

  it.each<[string, JsSubstitution]>([
    ['code: whole array literal', sub(code, '[1, "s"]', 'code')],
    ['code: single string token', sub(code, '"xy"', 'code')],
    ['string: inside quotes', sub(code, 'xy', 'string')],
    ['string: one char', sub(code, 'y', 'string')],
    ['template: text before ${', sub(code, 't', 'template', code.indexOf('`'))],
    ['template: text after }', sub(code, 'uv', 'template')],
    ['regex: pattern', sub(code, 're', 'regex', code.indexOf('/re'))],
    ['empty insertion anywhere', { name: 'v', position: 'string', start: 3, end: 3 }],
  ])('accepts %s', (_label, substitution) => {
    expect(findMisplacedSubstitution([substitution], tokens)).toBeUndefined();
  });

  it.each<[string, JsSubstitution]>([
    ['code: part of a token', sub(code, 'cons', 'code')],
    ['code: cuts into a token', sub(code, '1, "', 'code')],
    ['code: inside a comment', sub(code, 'c', 'code', code.indexOf('//'))],
    ['string: includes the quote', sub(code, 'xy"', 'string')],
    ['string: spans tokens', sub(code, '"xy" +', 'string')],
    ['string: in a template', sub(code, 'uv', 'string')],
    ['template: in a string', sub(code, 'xy', 'template')],
    ['regex: covers the slash', sub(code, '/re', 'regex')],
    ['regex: in code', sub(code, 'source', 'regex')],
  ])('rejects %s', (_label, substitution) => {
    expect(findMisplacedSubstitution([substitution], tokens)).toBe(substitution);
  });
});
