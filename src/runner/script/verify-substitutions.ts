/**
 * Cross-check of the template scanner against the real parser: every inserted value must sit
 * where the scanner placed it (whole tokens in code, inside one literal otherwise). A mismatch
 * means the scanner misread ambiguous code, and the value could have changed the program.
 */
import type { Token } from 'acorn';
import type { JsSubstitution } from '../templating/js-template.js';

const LITERAL_TOKEN: Readonly<Record<Exclude<JsSubstitution['position'], 'code'>, readonly string[]>> = {
  string: ['string'],
  template: ['template', 'invalidTemplate'],
  regex: ['regexp'],
};

/** Index of the first token whose end is after `offset`. */
function firstTokenEndingAfter(tokens: readonly Token[], offset: number): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid].end > offset) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function isPlaced(sub: JsSubstitution, tokens: readonly Token[]): boolean {
  const overlapping: Token[] = [];
  for (let k = firstTokenEndingAfter(tokens, sub.start); k < tokens.length; k++) {
    const token = tokens[k];
    if (token.start >= sub.end) break;
    overlapping.push(token);
  }
  if (sub.position === 'code') {
    return (
      overlapping.length > 0 &&
      overlapping[0].start === sub.start &&
      overlapping[overlapping.length - 1].end === sub.end &&
      overlapping.every((t) => t.start >= sub.start && t.end <= sub.end)
    );
  }
  if (overlapping.length !== 1) return false;
  const [token] = overlapping;
  if (!LITERAL_TOKEN[sub.position].includes(token.type.label)) return false;
  // Strings and regexes have delimiters the value must stay strictly inside of.
  const strictStart = sub.position !== 'template';
  const strictEnd = sub.position !== 'template';
  return (
    (strictStart ? token.start < sub.start : token.start <= sub.start) &&
    (strictEnd ? sub.end < token.end : sub.end <= token.end)
  );
}

/** The first substitution not placed as intended, or `undefined` when all are. */
export function findMisplacedSubstitution(
  substitutions: readonly JsSubstitution[],
  tokens: readonly Token[],
): JsSubstitution | undefined {
  // An empty insertion adds no characters, so it cannot change the program.
  return substitutions.find((sub) => sub.end > sub.start && !isPlaced(sub, tokens));
}
