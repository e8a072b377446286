import { describe, expect, it } from '@jest/globals';
import {
  CAPTURE_NAME_PATTERN,
  downloadName,
  finalScreenshotName,
  isValidCaptureName,
  parseCaptureName,
  recordingName,
  sanitizeDownloadName,
  sanitizeRunId,
  sanitizeShotLabel,
  screenshotName,
} from './capture-name.js';

const MS = 1733223995120;
const RUN = 'run_01JD9A3K6Q8Z0XW7V5T4S3R2P1';

describe('isValidCaptureName', () => {
  it.each([
    `${RUN}_final_${MS}.png`,
    `${RUN}_shot_${MS}.png`,
    `${RUN}_shot_${MS}_login-page.png`,
    `${RUN}_rec_${MS}.webm`,
    `${RUN}_dl_${MS}_report.pdf`,
    `${RUN}_dl_${MS}_download`,
    `${RUN}_agent_${MS}.jpg`,
    `${RUN}_scrape_${MS}.jpeg`,
    `a_final_${MS}`,
    `-_final_${MS}.png`,
    `${'r'.repeat(64)}_final_${MS}.png`,
    `${'r'.repeat(64)}_dl_${MS}_${'n'.repeat(150)}`,
    `run_shot_${MS}_a.b.png`,
  ])('accepts %s', (name) => {
    expect(isValidCaptureName(name)).toBe(true);
    expect(CAPTURE_NAME_PATTERN.test(name)).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['parent directory', '..'],
    ['current directory', '.'],
    ['traversal prefix', `../${RUN}_final_${MS}.png`],
    ['traversal inside', `${RUN}_dl_${MS}_..%2Fetc`],
    ['double dot in suffix', `${RUN}_dl_${MS}_a..b`],
    ['url-encoded traversal (not decoded here)', `..%2F..%2Fetc%2Fpasswd`],
    ['encoded slash', `${RUN}_dl_${MS}_a%2Fb`],
    ['slash', `${RUN}_dl_${MS}_a/b`],
    ['absolute path', `/etc/passwd`],
    ['absolute path to a capture', `/tmp/${RUN}_final_${MS}.png`],
    ['backslash', `${RUN}_dl_${MS}_a\\b`],
    ['windows traversal', `..\\..\\${RUN}_final_${MS}.png`],
    ['NUL', `${RUN}_final_${MS}.png\0.txt`],
    ['encoded NUL', `${RUN}_dl_${MS}_a%00b`],
    ['overlong (300)', `${'r'.repeat(64)}_dl_${MS}_${'n'.repeat(300)}`],
    ['run id too long', `${'r'.repeat(65)}_final_${MS}.png`],
    ['suffix too long', `${RUN}_dl_${MS}_${'n'.repeat(151)}`],
    ['unknown kind', `${RUN}_video_${MS}.webm`],
    ['12-digit ms', `${RUN}_final_${String(MS).slice(1)}.png`],
    ['14-digit ms', `${RUN}_final_${MS}0.png`],
    ['download without suffix', `${RUN}_dl_${MS}`],
    ['download with only an extension', `${RUN}_dl_${MS}.png`],
    ['suffix starting with a dot', `${RUN}_dl_${MS}_.bashrc`],
    ['shot label starting with a dot', `${RUN}_shot_${MS}_.png`],
    ['unknown extension after a plain name', `${RUN}_final_${MS}.gif`],
    ['upper-case extension without suffix', `${RUN}_final_${MS}.PNG`],
    ['space', `${RUN}_dl_${MS}_my file.pdf`],
    ['unicode', `${RUN}_dl_${MS}_résumé.pdf`],
    ['percent', `${RUN}_dl_${MS}_100%.txt`],
    ['hidden file', '.incoming'],
    ['trailing newline', `${RUN}_final_${MS}.png\n`],
    ['missing run id', `_final_${MS}.png`],
  ])('rejects %s', (_label, name) => {
    expect(isValidCaptureName(name)).toBe(false);
    expect(parseCaptureName(name)).toBeNull();
  });

  it('rejects non-strings', () => {
    for (const v of [undefined, null, 42, {}, ['a']]) expect(isValidCaptureName(v)).toBe(false);
  });

  it('accepts the longest possible name and nothing longer than 255', () => {
    const longest = `${'r'.repeat(64)}_scrape_${MS}_${'n'.repeat(150)}.jpeg`;
    expect(longest.length).toBeLessThanOrEqual(255);
    expect(isValidCaptureName(longest)).toBe(true);
    expect(isValidCaptureName(`${longest}${'x'.repeat(300)}`)).toBe(false);
  });
});

describe('parseCaptureName', () => {
  it('parses a final screenshot', () => {
    expect(parseCaptureName(`${RUN}_final_${MS}.png`)).toEqual({
      name: `${RUN}_final_${MS}.png`,
      runId: RUN,
      kind: 'final',
      ms: MS,
      suffix: undefined,
      ext: 'png',
      type: 'screenshot',
    });
  });

  it('splits a shot label from its extension', () => {
    expect(parseCaptureName(`${RUN}_shot_${MS}_after-login.png`)).toMatchObject({ kind: 'shot', suffix: 'after-login', ext: 'png', type: 'screenshot' });
    expect(parseCaptureName(`${RUN}_shot_${MS}_v1.2.jpeg`)).toMatchObject({ suffix: 'v1.2', ext: 'jpeg' });
  });

  it('keeps a download suffix whole and takes its extension for the content type', () => {
    expect(parseCaptureName(`${RUN}_dl_${MS}_report.final.PDF`)).toMatchObject({
      runId: RUN,
      kind: 'dl',
      suffix: 'report.final.PDF',
      ext: 'pdf',
      type: 'download',
    });
    expect(parseCaptureName(`${RUN}_dl_${MS}_photo.png`)).toMatchObject({ suffix: 'photo.png', ext: 'png', type: 'download' });
    expect(parseCaptureName(`${RUN}_dl_${MS}_README`)).toMatchObject({ suffix: 'README', ext: undefined });
  });

  it('classifies recordings by kind or by .webm', () => {
    expect(parseCaptureName(`${RUN}_rec_${MS}.webm`)?.type).toBe('recording');
    expect(parseCaptureName(`${RUN}_rec_${MS}`)?.type).toBe('recording');
    expect(parseCaptureName(`${RUN}_agent_${MS}.webm`)?.type).toBe('recording');
    expect(parseCaptureName(`${RUN}_scrape_${MS}.png`)?.type).toBe('screenshot');
  });

  it('takes the leftmost kind marker when a download name contains another one', () => {
    const parsed = parseCaptureName(`abc_dl_${MS}_export_final_${MS + 1}.csv`);
    expect(parsed).toMatchObject({ runId: 'abc', kind: 'dl', ms: MS, suffix: `export_final_${MS + 1}.csv` });
  });

  it('parses run ids with underscores and dashes', () => {
    expect(parseCaptureName(`my_run-1_shot_${MS}.png`)?.runId).toBe('my_run-1');
    expect(parseCaptureName(`0000000000000_final_${MS}.png`)?.runId).toBe('0000000000000');
  });
});

describe('sanitizeRunId', () => {
  it('replaces characters outside [A-Za-z0-9_-] with - and cuts to 64', () => {
    expect(sanitizeRunId('run_01ABC-x')).toBe('run_01ABC-x');
    expect(sanitizeRunId('a.b/c\\d e')).toBe('a-b-c-d-e');
    expect(sanitizeRunId('../../etc')).toBe('------etc');
    expect(sanitizeRunId('日本😀')).toBe('---');
    expect(sanitizeRunId('x'.repeat(100))).toHaveLength(64);
  });
});

describe('sanitizeDownloadName', () => {
  it.each([
    ['report.pdf', 'report.pdf'],
    ['my report (1).pdf', 'my_report__1_.pdf'],
    ['../../etc/passwd', '_._etc_passwd'],
    ['..hidden', 'hidden'],
    ['...', 'download'],
    ['', 'download'],
    ['a....b', 'a.b'],
    ['résumé.docx', 'r_sum_.docx'],
    ['C:\\Users\\x.txt', 'C__Users_x.txt'],
    ['nul\0byte', 'nul_byte'],
  ])('%j → %j', (input, expected) => {
    expect(sanitizeDownloadName(input)).toBe(expected);
  });

  it('cuts to 120 characters keeping a short extension', () => {
    const out = sanitizeDownloadName(`${'a'.repeat(300)}.tar.gz`);
    expect(out).toHaveLength(120);
    expect(out.endsWith('.gz')).toBe(true);
    expect(sanitizeDownloadName('b'.repeat(500))).toBe('b'.repeat(120));
  });

  it('never produces ".." when cutting next to the extension', () => {
    // The cut lands right after a dot, which then meets the kept ".pdf".
    const out = sanitizeDownloadName(`${'a'.repeat(115)}.${'b'.repeat(100)}.pdf`);
    expect(out).toBe(`${'a'.repeat(115)}.pdf`);
  });
});

describe('sanitizeShotLabel', () => {
  it('keeps [A-Za-z0-9_-], replaces the rest, cuts to 24, drops empty labels', () => {
    expect(sanitizeShotLabel('after login')).toBe('after_login');
    expect(sanitizeShotLabel('../x')).toBe('___x');
    expect(sanitizeShotLabel('x'.repeat(40))).toBe('x'.repeat(24));
    expect(sanitizeShotLabel('')).toBeUndefined();
    expect(sanitizeShotLabel(null)).toBeUndefined();
  });
});

describe('name builders', () => {
  it('build valid names that parse back to the same run id', () => {
    const names = [
      finalScreenshotName(RUN, MS),
      screenshotName(RUN, MS),
      screenshotName(RUN, MS, 'step 3: done'),
      recordingName(RUN, MS),
      downloadName(RUN, MS, '../../secret report.pdf'),
      downloadName(RUN, MS, ''),
      downloadName('client/run id', MS, 'x'.repeat(400)),
    ];
    for (const name of names) {
      expect(isValidCaptureName(name)).toBe(true);
      expect(name.length).toBeLessThanOrEqual(255);
    }
    expect(finalScreenshotName(RUN, MS)).toBe(`${RUN}_final_${MS}.png`);
    expect(screenshotName(RUN, MS, 'step 3: done')).toBe(`${RUN}_shot_${MS}_step_3__done.png`);
    expect(recordingName(RUN, MS)).toBe(`${RUN}_rec_${MS}.webm`);
    expect(downloadName(RUN, MS, '../../secret report.pdf')).toBe(`${RUN}_dl_${MS}__._secret_report.pdf`);
    expect(downloadName(RUN, MS, '')).toBe(`${RUN}_dl_${MS}_download`);
    expect(parseCaptureName(downloadName('client/run id', MS, 'a.txt'))?.runId).toBe('client-run-id');
  });

  it('pads small timestamps to 13 digits and refuses impossible ones', () => {
    expect(finalScreenshotName(RUN, 5)).toBe(`${RUN}_final_0000000000005.png`);
    expect(() => finalScreenshotName(RUN, 1e13)).toThrow(RangeError);
    expect(() => finalScreenshotName(RUN, -1)).toThrow(RangeError);
    expect(() => finalScreenshotName(RUN, 1.5)).toThrow(RangeError);
    expect(() => finalScreenshotName('', MS)).toThrow(RangeError);
  });
});
