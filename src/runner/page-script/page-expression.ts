/**
 * Builds the expression sent to the page for one script call (RUNNER §7.1): the bindings, the
 * user code as the body of an async function, and in-page JSON encoding of the result.
 *
 * The user code is embedded as source text (not passed to `new Function`), so the page's CSP
 * does not apply. It was parsed as a whole program by `prepareScript`, so its braces are
 * balanced and it cannot close the wrapper. It runs in an inner function of its own, so it may
 * declare names such as `vars` without clashing with the bindings.
 */
import { cleanedHtmlInPage } from '../page/cleaned-html.js';
import type { PreparedScript } from '../script/prepare-script.js';
import { createPageEnv } from './page-env.js';

export const MAX_RESULT_BYTES = 10 * 1024 * 1024;

export interface PageExpressionInput {
  script: PreparedScript;
  /** The `vars` binding (already a plain JSON-able copy). */
  vars: Record<string, unknown>;
  includeShadowDom: boolean;
  /** Marks the script's stack frames, so its console calls can be told apart. */
  sourceUrl: string;
  maxResultBytes?: number;
}

/** JSON of `value`, with anything JSON cannot hold dropped instead of throwing. */
function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? String(v) : v)) ?? 'null';
  }
}

export function buildPageExpression(input: PageExpressionInput): string {
  const options = { includeShadowDom: input.includeShadowDom, maxResultBytes: input.maxResultBytes ?? MAX_RESULT_BYTES };
  // JSON.parse of a string literal: fast for large maps, and the text is inert.
  const varsLiteral = `JSON.parse(${JSON.stringify(safeJson(input.vars))})`;
  const htmlBinding = input.script.usesHtml
    ? 'const html = document.documentElement ? document.documentElement.outerHTML : "";\n'
    : '';
  return (
    '(async () => {\n' +
    `const __fg = (${createPageEnv.toString()})(${JSON.stringify(options)}, ${varsLiteral}, ${cleanedHtmlInPage.toString()});\n` +
    'const vars = __fg.vars, block = __fg.block, loop = __fg.loop, exists = __fg.exists, text = __fg.text, url = __fg.url, $$data = __fg.$$data;\n' +
    htmlBinding +
    'let __fgValue;\n' +
    'try {\n' +
    '__fgValue = await (async function () {\n' +
    input.script.body +
    '\n}).call(globalThis);\n' +
    '} catch (__fgError) {\n' +
    'return __fg.failure(__fgError);\n' +
    '}\n' +
    'return __fg.encode(__fgValue);\n' +
    '})()\n' +
    `//# sourceURL=${input.sourceUrl}\n`
  );
}
