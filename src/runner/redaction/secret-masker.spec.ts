import { SECRET_MASK, SecretMasker } from './secret-masker.js';

const M = SECRET_MASK;

describe('SecretMasker (§16)', () => {
  it('uses the documented mask', () => {
    expect(SECRET_MASK).toBe('••••••••');
  });

  it.each<[string[], string, string]>([
    [['s3cret'], 'pw=s3cret', `pw=${M}`],
    [['s3cret'], 's3cret s3cret', `${M} ${M}`],
    [['s3cret'], 's3crets3cret', `${M}${M}`],
    [['s3cret'], 'S3CRET is case-sensitive', 'S3CRET is case-sensitive'],
    [['abc'], 'abc is too short to be a secret', 'abc is too short to be a secret'],
    [['abcd'], 'abcd', M],
    [['', 'x'], 'x', 'x'],
    [['token', 'token-long'], 'a token-long b token c', `a ${M} b ${M} c`],
    [['abcdef', 'defghi'], 'xxabcdefghixx', `xx${M}xx`],
    [['aaaa'], 'aaaaaa', M],
    [['a.b*c'], 'a.b*c axbbc', `${M} axbbc`],
    [['(?:x)|y+', '[a-z]', '^$\\d'], '(?:x)|y+ [a-z] ^$\\d', `${M} ${M} ${M}`],
    [['p@ss'], 'no secret here', 'no secret here'],
    [['pässwörd😀'], 'x pässwörd😀 y', `x ${M} y`],
    [['line\nbreak'], 'a line\nbreak b', `a ${M} b`],
    [['$&$1'], 'v=$&$1', `v=${M}`],
  ])('%p masks %p → %p', (secrets, text, expected) => {
    expect(new SecretMasker(secrets).mask(text)).toBe(expected);
  });

  it('returns text unchanged when there are no secrets', () => {
    const masker = new SecretMasker();
    expect(masker.size).toBe(0);
    expect(masker.mask('anything')).toBe('anything');
  });

  it('accepts secrets added during a run', () => {
    const masker = new SecretMasker(['first-secret']);
    expect(masker.mask('first-secret second-secret')).toBe(`${M} second-secret`);
    masker.add('second-secret', 'abc');
    expect(masker.size).toBe(2);
    expect(masker.mask('first-secret second-secret')).toBe(`${M} ${M}`);
    masker.add('second-secret');
    expect(masker.size).toBe(2);
  });

  it('masks every string leaf of a JSON value and keeps the rest', () => {
    const masker = new SecretMasker(['hunter2']);
    const value = {
      user: 'bob',
      password: 'hunter2',
      notes: ['typed hunter2 twice: hunter2', 5, null, true, { deep: ['x-hunter2-x'] }],
      hunter2: 'key stays',
    };
    const masked = masker.maskDeep(value);
    expect(masked).toEqual({
      user: 'bob',
      password: M,
      notes: [`typed ${M} twice: ${M}`, 5, null, true, { deep: [`x-${M}-x`] }],
      hunter2: 'key stays',
    });
    expect(value.password).toBe('hunter2'); // input not modified
    expect(masker.maskDeep('hunter2!')).toBe(`${M}!`);
    expect(masker.maskDeep(42)).toBe(42);
    expect(masker.maskDeep(null)).toBeNull();
  });

  it('keeps __proto__ keys as data in deep copies', () => {
    const value = JSON.parse('{"__proto__": {"x": "hunter2"}}') as Record<string, unknown>;
    const masked = new SecretMasker(['hunter2']).maskDeep(value);
    expect(Object.hasOwn(masked, '__proto__')).toBe(true);
    expect(JSON.stringify(masked)).toBe(`{"__proto__":{"x":"${M}"}}`);
  });

  it('handles many secrets and large text quickly', () => {
    const secrets = Array.from({ length: 300 }, (_v, i) => `secret-value-${i}-${'z'.repeat(i % 17)}`);
    const masker = new SecretMasker(secrets);
    const text = 'lorem ipsum <div>dolor</div> '.repeat(40_000) + secrets[299] + ' end';
    const started = Date.now();
    const masked = masker.mask(text);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(masked.endsWith(`${M} end`)).toBe(true);
    expect(masked).not.toContain('secret-value-');
  });
});
