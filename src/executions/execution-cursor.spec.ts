import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../common/errors.js';
import { decodeCursor, encodeCursor } from './execution-cursor.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof DomainError ? err.code : 'not a DomainError';
  }
  return undefined;
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

describe('execution list cursor', () => {
  it('round-trips a position and is URL-safe', () => {
    const position = { timestamp: 1_733_223_989_000, id: 'exec_01JD9A4K2M7R8S1T3V5W6X7Y8Z' };
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual(position);
  });

  it('keeps only timestamp and id', () => {
    const withExtras = { timestamp: 5, id: 'exec_a', phase: 'finished' } as { timestamp: number; id: string };
    expect(JSON.parse(Buffer.from(encodeCursor(withExtras), 'base64url').toString('utf8'))).toEqual({ timestamp: 5, id: 'exec_a' });
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'abc$def'],
    ['padding / standard alphabet', `${b64('{"timestamp":1,"id":"x"}')}==`],
    ['not JSON', b64('hello')],
    ['JSON array', b64('[1,"x"]')],
    ['JSON null', b64('null')],
    ['missing id', b64('{"timestamp":1}')],
    ['empty id', b64('{"timestamp":1,"id":""}')],
    ['numeric id', b64('{"timestamp":1,"id":5}')],
    ['string timestamp', b64('{"timestamp":"1","id":"x"}')],
    ['fractional timestamp', b64('{"timestamp":1.5,"id":"x"}')],
    ['unsafe timestamp', b64('{"timestamp":1e300,"id":"x"}')],
    ['too long', 'A'.repeat(2000)],
    ['U+0000 in the id (no storage provider can hold it)', b64('{"timestamp":1,"id":"exec_\\u0000"}')],
    ['non-ASCII id (ids we issue are printable ASCII)', b64('{"timestamp":1,"id":"exec_é"}')],
  ])('rejects %s with INVALID_CURSOR', (_name, cursor) => {
    expect(codeOf(() => decodeCursor(cursor))).toBe('INVALID_CURSOR');
  });
});
