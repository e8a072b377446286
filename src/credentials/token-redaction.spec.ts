import { isUsableToken, redactToken } from './token-redaction.js';

describe('redactToken (API §8)', () => {
  it.each([
    ['', '••••'],
    ['abc', '••••'],
    ['12345678901', '••••'],
    ['123456789012', '••••9012'],
    ['a-very-long-database-token-XyZ9', '••••XyZ9'],
  ])('%j → %j', (token, shown) => {
    expect(redactToken(token)).toBe(shown);
  });
});

describe('isUsableToken', () => {
  it('accepts printable ASCII without spaces only', () => {
    expect(isUsableToken('abcDEF123-_.~!')).toBe(true);
    expect(isUsableToken('eyJhbGciOi.eyJ1c2VyIjox.c2ln')).toBe(true);
    for (const bad of ['', 'with space', 'tab\there', 'line\nbreak', '••••abcd', 'naïve']) expect(isUsableToken(bad)).toBe(false);
  });
});
