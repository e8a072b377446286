/**
 * Ids become file names: every character outside [A-Za-z0-9_-] is percent-encoded (UTF-8 bytes),
 * including '.', so an encoded id never contains a dot and `<encoded>.<suffix>` splits
 * unambiguously ("task.v1:x" -> "task%2Ev1%3Ax").
 */
const SAFE_CHAR = /^[A-Za-z0-9_-]$/;
const ENCODED_NAME = /^(?:[A-Za-z0-9_-]|%[0-9A-F]{2})+$/;

export function encodeFileId(id: string): string {
  if (id.length === 0) throw new Error('An empty id cannot be stored');
  let out = '';
  for (const ch of id) {
    if (SAFE_CHAR.test(ch)) {
      out += ch;
      continue;
    }
    for (const byte of Buffer.from(ch, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Inverse of encodeFileId; null when `name` is not an encoded id. */
export function decodeFileId(name: string): string | null {
  if (!ENCODED_NAME.test(name)) return null;
  try {
    const id = decodeURIComponent(name);
    return encodeFileId(id) === name ? id : null;
  } catch {
    return null;
  }
}

/** Splits `<encoded id>.<suffix>` into the decoded id and the suffix (e.g. "json", "events.jsonl"). */
export function parseDataFileName(name: string): { id: string; suffix: string } | null {
  const dot = name.indexOf('.');
  if (dot <= 0) return null;
  const id = decodeFileId(name.slice(0, dot));
  return id === null ? null : { id, suffix: name.slice(dot + 1) };
}
