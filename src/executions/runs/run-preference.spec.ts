import { describe, expect, it } from '@jest/globals';
import { runPreference } from './run-preference.js';

describe('runPreference', () => {
  it.each([
    [undefined, undefined, { async: false, viaPrefer: false }],
    ['true', undefined, { async: true, viaPrefer: false }],
    ['1', undefined, { async: true, viaPrefer: false }],
    ['TRUE', undefined, { async: true, viaPrefer: false }],
    ['false', undefined, { async: false, viaPrefer: false }],
    ['yes', undefined, { async: false, viaPrefer: false }],
    [['true', 'false'], undefined, { async: true, viaPrefer: false }],
    [undefined, 'respond-async', { async: true, viaPrefer: true }],
    [undefined, 'wait=10, Respond-Async', { async: true, viaPrefer: true }],
    [undefined, 'return=minimal; respond-async', { async: false, viaPrefer: false }],
    [undefined, 'respond-asynchronously', { async: false, viaPrefer: false }],
    [undefined, ['handling=lenient', 'respond-async; x=1'], { async: true, viaPrefer: true }],
  ])('async=%j Prefer=%j', (query, prefer, expected) => {
    expect(runPreference(query, prefer)).toEqual(expected);
  });
});
