import { DomainError } from '../common/errors.js';

/** Position of the last item of a page in the (timestamp desc, id desc) order. */
export interface ListPosition {
  timestamp: number;
  id: string;
}

const MAX_CURSOR_LENGTH = 1024;
const MAX_ID_LENGTH = 256;

/** Opaque `nextCursor`: base64url of `{"timestamp", "id"}` (API §5.2). */
export function encodeCursor(position: ListPosition): string {
  return Buffer.from(JSON.stringify({ timestamp: position.timestamp, id: position.id }), 'utf8').toString('base64url');
}

export function invalidCursor(): DomainError {
  return new DomainError('INVALID_CURSOR', 'The cursor is not a nextCursor issued by this server');
}

/** Throws 400 INVALID_CURSOR for anything `encodeCursor` could not have produced. */
export function decodeCursor(cursor: string): ListPosition {
  // Buffer's base64url decoder silently skips foreign characters, so check the alphabet first.
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalidCursor();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalidCursor();
  const { timestamp, id } = parsed as Record<string, unknown>;
  if (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp)) throw invalidCursor();
  // Ids we issue are printable ASCII; anything else (U+0000 above all) could not be queried safely.
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH || !/^[\x21-\x7e]+$/.test(id)) throw invalidCursor();
  return { timestamp, id };
}
