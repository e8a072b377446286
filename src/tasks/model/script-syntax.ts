import { isRunError } from '../../runner/run-error.js';
import { prepareScript } from '../../runner/script/prepare-script.js';
import { EMPTY_VALUE_LOOKUP } from '../../runner/templating/lookup.js';

/**
 * Save-time syntax check of an extraction script (RUNNER §2.1): it must parse as the body of an
 * async function after template substitution with empty values. Parsing only; nothing is
 * evaluated. Returns null when the code parses, else a one-line message.
 */
export function checkScriptSyntax(code: string): string | null {
  try {
    prepareScript(code, EMPTY_VALUE_LOOKUP);
    return null;
  } catch (e) {
    if (isRunError(e)) return e.message.split('\n')[0];
    if (e instanceof RangeError) return 'is nested too deeply to parse';
    return 'could not be parsed';
  }
}
