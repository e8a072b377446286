import { parse } from 'acorn';
import { replaceTemplateTokens } from './template-tokens.js';

/**
 * Save-time syntax check of an extraction script (RUNNER §2.1): it must parse as the body of an
 * async function once every `{$name}` is substituted with an empty value. Parsing only; nothing
 * is evaluated.
 *
 * Interim implementation until the shared page-script module (src/runner/script/) exists.
 * Each token becomes ` undefined `: in code that is what an empty value renders to (§4.5),
 * and inside string, template and regex literals it is inert text like the empty rendering
 * (no quotes, backslashes or line breaks), so the verdict is the same. The spaces keep a token
 * from merging with a neighbouring identifier.
 *
 * Returns null when the code parses, else a one-line message with line and column.
 */
export function checkScriptSyntax(code: string): string | null {
  const substituted = replaceTemplateTokens(code, ' undefined ');
  try {
    parse(substituted, {
      ecmaVersion: 'latest',
      sourceType: 'script',
      allowReturnOutsideFunction: true,
      allowAwaitOutsideFunction: true,
    });
    return null;
  } catch (e) {
    if (e instanceof SyntaxError) return `syntax error: ${e.message}`;
    if (e instanceof RangeError) return 'is nested too deeply to parse';
    return 'could not be parsed';
  }
}
