import { unsafeTextFields } from './text-safety.js';

describe('unsafeTextFields', () => {
  it('accepts ordinary text, emoji and paired surrogates', () => {
    expect(unsafeTextFields({ name: 'Prix 😀', actions: [{ value: '\uD83D\uDE00 ok' }], n: 1, b: true, z: null })).toEqual([]);
  });

  it('reports NUL and unpaired surrogates in values and keys, with their paths', () => {
    const input = JSON.parse('{"name":"a\\u0000b","actions":[{"selector":"ok"},{"value":"\\ud800"}],"custom":{"x\\u0000":1,"lone":"\\udc00x"}}') as unknown;
    expect(unsafeTextFields(input).map((e) => e.field)).toEqual(['name', 'actions[1].value', 'custom.x\u0000', 'custom.lone']);
  });

  it('reports a bad top-level string as task and caps the list', () => {
    expect(unsafeTextFields('\u0000')).toEqual([{ field: 'task', message: expect.any(String) }]);
    expect(unsafeTextFields(Array.from({ length: 50 }, () => '\u0000'), 5)).toHaveLength(5);
  });

  it('walks deep input without recursion', () => {
    let deep: unknown = '\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(() => unsafeTextFields(deep)).not.toThrow();
  });
});
