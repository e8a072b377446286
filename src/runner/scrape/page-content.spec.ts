import { describe, expect, it } from '@jest/globals';
import { innerOf } from './page-content.js';

describe('innerOf (scrape body HTML)', () => {
  it('cuts the body tags using the body shell', () => {
    expect(innerOf('<body class="a>b"><p>x</p>\n</body>', '<body class="a>b"></body>')).toBe('<p>x</p>\n');
  });

  it('falls back to the first tag when the shell does not match', () => {
    expect(innerOf('<body id="x"> text </body>', '')).toBe(' text ');
  });

  it('returns an empty string for an empty body', () => {
    expect(innerOf('<body></body>', '<body></body>')).toBe('');
  });
});
