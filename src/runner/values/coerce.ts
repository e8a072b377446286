/** Value coercion for `set` and `merge` literals (RUNNER.md §7.3). */

const NUMBER = /^-?\d+(\.\d+)?$/;

export function coerceText(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return '';
  if (trimmed === 'true') return true;
  if (trimmed === 'false') return false;
  if (NUMBER.test(trimmed)) return Number(trimmed);
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      // not JSON: falls through to the original string
    }
  }
  return text;
}
