import { describe, expect, it } from '@jest/globals';
import { applyFormat, hasExtractionScript, htmlIncluded, secretVariableNames } from './run-data.js';

describe('html presence rule (API §4.7)', () => {
  it.each([
    ['', false, 'success', true],
    ['   ', false, 'error', true],
    ['return 1', false, 'success', false],
    ['return 1', true, 'success', true],
    ['return 1', true, 'anti_bot', true],
    ['', false, 'stopped', false],
    ['', false, 'crashed', false],
    ['return 1', true, 'crashed', false],
  ])('script %j, includeHtml %s, outcome %s → %s', (extractionScript, includeHtml, outcome, expected) => {
    expect(htmlIncluded({ extractionScript, includeHtml }, outcome)).toBe(expected);
  });
});

describe('run data helpers', () => {
  it('treats a blank script as none', () => {
    expect(hasExtractionScript({ extractionScript: ' \n ' })).toBe(false);
    expect(hasExtractionScript({ extractionScript: 'return 1' })).toBe(true);
  });

  it('lists secret variable names', () => {
    expect([...secretVariableNames({ variables: { a: { type: 'string', value: 'x', secret: true }, b: { type: 'string', value: 'y' } } })]).toEqual(['a']);
  });

  it('converts to CSV after a successful extraction step, null included (§10.5)', () => {
    expect(applyFormat({ extractionFormat: 'csv' }, [{ a: 1, b: 'x,y' }], true)).toBe('a,b\r\n1,"x,y"\r\n');
    expect(applyFormat({ extractionFormat: 'csv' }, null, true)).toBe('');
  });

  it('keeps null data null on failed runs, converts other data', () => {
    expect(applyFormat({ extractionFormat: 'csv' }, null, false)).toBeNull();
    expect(applyFormat({ extractionFormat: 'csv' }, { a: 1 }, false)).toBe('a\r\n1\r\n');
  });

  it('leaves json data as it is (undefined → null)', () => {
    expect(applyFormat({ extractionFormat: 'json' }, { a: 1 }, true)).toEqual({ a: 1 });
    expect(applyFormat({ extractionFormat: 'json' }, undefined, true)).toBeNull();
  });
});
