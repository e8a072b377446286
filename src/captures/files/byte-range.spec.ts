import { describe, expect, it } from '@jest/globals';
import { decideRange } from './byte-range.js';

describe('decideRange', () => {
  const size = 1000;

  it('serves the whole file without a Range header', () => {
    expect(decideRange(undefined, size)).toEqual({ kind: 'full' });
  });

  it.each([
    ['bytes=0-99', 0, 99],
    ['bytes=100-', 100, 999],
    ['bytes=-100', 900, 999],
    ['bytes=-5000', 0, 999],
    ['bytes=990-5000', 990, 999],
    ['bytes=999-999', 999, 999],
    ['BYTES = 5 - 9', 5, 9],
  ])('%s → %i-%i', (header, start, end) => {
    expect(decideRange(header, size)).toEqual({ kind: 'partial', range: { start, end } });
  });

  it.each(['bytes=1000-', 'bytes=1000-2000', 'bytes=5000-5001', 'bytes=-0'])('%s is unsatisfiable', (header) => {
    expect(decideRange(header, size)).toEqual({ kind: 'unsatisfiable' });
  });

  it('cannot satisfy any range of an empty file', () => {
    expect(decideRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' });
    expect(decideRange('bytes=-10', 0)).toEqual({ kind: 'unsatisfiable' });
  });

  it.each(['items=0-5', 'bytes=0-5,10-20', 'bytes=5-1', 'bytes=-', 'bytes=a-b', 'bytes 0-5', 'bytes=0-5x', 'bytes=99999999999999999999-'])(
    'ignores %s (whole file)',
    (header) => {
      expect(decideRange(header, size)).toEqual({ kind: 'full' });
    },
  );
});
