import { describe, expect, it } from '@jest/globals';
import { parseCaptureName } from '../capture-name.js';
import { captureEtag, contentDisposition, etagMatches, ifRangeAllows, mediaContentType } from './capture-headers.js';

const MS = 1733223995120;
const parse = (name: string) => {
  const parsed = parseCaptureName(name);
  if (!parsed) throw new Error(`invalid test name ${name}`);
  return parsed;
};

describe('capture headers', () => {
  it('maps media extensions and falls back to octet-stream', () => {
    expect(mediaContentType(parse(`r_final_${MS}.png`))).toBe('image/png');
    expect(mediaContentType(parse(`r_shot_${MS}_x.jpg`))).toBe('image/jpeg');
    expect(mediaContentType(parse(`r_agent_${MS}.jpeg`))).toBe('image/jpeg');
    expect(mediaContentType(parse(`r_rec_${MS}.webm`))).toBe('video/webm');
    expect(mediaContentType(parse(`r_final_${MS}`))).toBe('application/octet-stream');
  });

  it('sets an attachment disposition with the sanitised original name for downloads only', () => {
    expect(contentDisposition(parse(`r_dl_${MS}_report.pdf`))).toBe('attachment; filename="report.pdf"');
    expect(contentDisposition(parse(`r_shot_${MS}_label.png`))).toBeUndefined();
  });

  it('derives a strong ETag from size and time', () => {
    expect(captureEtag(255, 4096)).toBe('"ff-1000"');
    expect(captureEtag(255, 4097)).not.toBe(captureEtag(255, 4096));
  });

  it('compares If-None-Match weakly, with lists and *', () => {
    const etag = '"ff-1000"';
    expect(etagMatches(undefined, etag)).toBe(false);
    expect(etagMatches('"ff-1000"', etag)).toBe(true);
    expect(etagMatches('W/"ff-1000"', etag)).toBe(true);
    expect(etagMatches('"a", "ff-1000"', etag)).toBe(true);
    expect(etagMatches('*', etag)).toBe(true);
    expect(etagMatches('"ff-1001"', etag)).toBe(false);
  });

  it('applies a range under If-Range only when the validator matches strongly', () => {
    const etag = '"ff-1000"';
    const date = new Date(MS).toUTCString();
    expect(ifRangeAllows(undefined, etag, date)).toBe(true);
    expect(ifRangeAllows(etag, etag, date)).toBe(true);
    expect(ifRangeAllows(`W/${etag}`, etag, date)).toBe(false);
    expect(ifRangeAllows('"other"', etag, date)).toBe(false);
    expect(ifRangeAllows(date, etag, date)).toBe(true);
    expect(ifRangeAllows('Thu, 01 Jan 1970 00:00:00 GMT', etag, date)).toBe(false);
  });
});
