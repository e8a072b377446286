import { redactUrl } from './url-redaction.js';

describe('redactUrl', () => {
  it.each([
    ['https://user:pass@hooks.example.com/a/b?token=abc&x=1#frag', 'https://hooks.example.com/a/b?…#frag'],
    ['https://hooks.example.com/a', 'https://hooks.example.com/a'],
    ['http://only-user@example.com:8080/', 'http://example.com:8080/'],
    ['http://example.com/?', 'http://example.com/'],
    ['http://[::1]:3000/x?y', 'http://[::1]:3000/x?…'],
    ['file:///etc/passwd', 'file:///etc/passwd'],
    ['not a url ?secret=1', 'not a url ?…'],
    ['http://user:pw@[bad/x?k=v', 'http://[bad/x?…'],
  ])('%s → %s', (input, expected) => {
    expect(redactUrl(input)).toBe(expected);
  });

  it('accepts URL objects and caps very long input', () => {
    expect(redactUrl(new URL('https://a:b@x.test/p?q=1'))).toBe('https://x.test/p?…');
    const long = redactUrl(`https://x.test/${'a'.repeat(5000)}`);
    expect(long.length).toBe(2049);
    expect(long.endsWith('…')).toBe(true);
  });
});
