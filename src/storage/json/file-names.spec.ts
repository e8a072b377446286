import { decodeFileId, encodeFileId, parseDataFileName } from './file-names.js';

describe('file names for ids', () => {
  it('keeps safe characters and percent-encodes everything else, dots included', () => {
    expect(encodeFileId('exec_01ABC-x')).toBe('exec_01ABC-x');
    expect(encodeFileId('my.task:v1')).toBe('my%2Etask%3Av1');
    expect(encodeFileId('é/..')).toBe('%C3%A9%2F%2E%2E');
  });

  it('round-trips and keeps distinct ids distinct', () => {
    const ids = ['a.b', 'a_b', 'a-b', 'a:b', 'A.B', 'x'.repeat(80), 'ünïcødé', '%2E'];
    const names = ids.map(encodeFileId);
    expect(new Set(names).size).toBe(ids.length);
    for (const [i, name] of names.entries()) {
      expect(name).not.toContain('.');
      expect(name).not.toContain('/');
      expect(decodeFileId(name)).toBe(ids[i]);
    }
  });

  it('rejects names that are not canonical encodings', () => {
    expect(decodeFileId('a.b')).toBeNull();
    expect(decodeFileId('%41')).toBeNull(); // 'A' would be stored as 'A'
    expect(decodeFileId('%2e')).toBeNull(); // lower-case hex is never produced
    expect(decodeFileId('%ZZ')).toBeNull();
    expect(decodeFileId('')).toBeNull();
    expect(() => encodeFileId('')).toThrow('empty id');
  });

  it('splits data file names into id and suffix', () => {
    expect(parseDataFileName('my%2Etask%3Av1.json')).toEqual({ id: 'my.task:v1', suffix: 'json' });
    expect(parseDataFileName('exec_1.events.jsonl')).toEqual({ id: 'exec_1', suffix: 'events.jsonl' });
    expect(parseDataFileName('.exec_1.json.123.abc.tmp')).toBeNull();
    expect(parseDataFileName('README')).toBeNull();
  });
});
