import { describe, expect, it } from '@jest/globals';
import { ValidationFailedError } from '../../common/errors.js';
import { canonicalJson, parseIdempotencyKey, requestFingerprint } from './idempotency.js';

describe('parseIdempotencyKey', () => {
  it('accepts 1-255 printable ASCII characters and null when absent', () => {
    expect(parseIdempotencyKey(undefined)).toBeNull();
    expect(parseIdempotencyKey('abc-123 ~!')).toBe('abc-123 ~!');
    expect(parseIdempotencyKey('k'.repeat(255))).toBe('k'.repeat(255));
  });

  it.each([[''], ['k'.repeat(256)], ['tab\there'], ['é']])('rejects %j', (key) => {
    expect(() => parseIdempotencyKey(key)).toThrow(ValidationFailedError);
  });
});

describe('canonicalJson / requestFingerprint', () => {
  it('sorts keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}');
  });

  it('is equal for equal bodies and differs by path or content', () => {
    const f = requestFingerprint('/tasks/t/api', { a: 1, b: 2 });
    expect(f).toMatch(/^[0-9a-f]{64}$/);
    expect(requestFingerprint('/tasks/t/api', { b: 2, a: 1 })).toBe(f);
    expect(requestFingerprint('/api/tasks/t/api', { a: 1, b: 2 })).not.toBe(f);
    expect(requestFingerprint('/tasks/t/api', { a: 1, b: 3 })).not.toBe(f);
  });

  it('refuses a body too deeply nested to serialise with a 400', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(() => requestFingerprint('/x', deep)).toThrow(ValidationFailedError);
  });
});
