import { describe, expect, it } from '@jest/globals';
import { SecretMasker, SECRET_MASK } from '../redaction/secret-masker.js';
import { failure, SUCCESS } from '../run/verdict.js';
import { assembleResult, type ResultParts } from './result.js';

const SECRET = 'hunter2-secret';

function parts(overrides: Partial<ResultParts> = {}): ResultParts {
  return { verdict: SUCCESS, finalUrl: '', data: null, logs: [], screenshotUrl: null, recordingUrl: null, downloads: [], ...overrides };
}

describe('assembleResult (API §4.7)', () => {
  const masker = new SecretMasker([SECRET]);

  it('has success fields and no error fields on success', () => {
    const r = assembleResult(parts({ finalUrl: 'https://x.test/', screenshotUrl: '/captures/a', recordingUrl: '/captures/b' }), masker);
    expect(r).toEqual({ outcome: 'success', success: true, final_url: 'https://x.test/', data: null, logs: [], screenshot_url: '/captures/a', recording_url: '/captures/b', downloads: [] });
    expect('error' in r).toBe(false);
    expect('errorCode' in r).toBe(false);
    expect('html' in r).toBe(false);
  });

  it('carries error and errorCode when not successful', () => {
    const r = assembleResult(parts({ verdict: failure('SELECTOR_NOT_FOUND', `click action 'a' (#0) failed: ${SECRET}`) }), masker);
    expect(r.success).toBe(false);
    expect(r.outcome).toBe('error');
    expect(r.errorCode).toBe('SELECTOR_NOT_FOUND');
    expect(r.error).toBe(`click action 'a' (#0) failed: ${SECRET_MASK}`);
  });

  it('masks logs, final_url, every string leaf of data, html, download names and outputError', () => {
    const r = assembleResult(
      parts({
        finalUrl: `https://x.test/?t=${SECRET}`,
        data: { a: [SECRET, 1, { deep: `x${SECRET}y` }], [SECRET]: true, n: null },
        logs: [`typed ${SECRET}`],
        html: `<p>${SECRET}</p>`,
        downloads: [{ name: `${SECRET}.csv`, url: `https://x.test/${SECRET}`, path: '/captures/r_dl_1_x.csv' }],
        outputError: { code: 'UPSTREAM_ERROR', message: `bad ${SECRET}`, upstreamStatus: 400, rowsWritten: 0 },
        scrape: { title: `t ${SECRET}`, is_partial: false, selector_used: 'body (default)', links: [`https://x.test/${SECRET}`] },
      }),
      masker,
    );
    expect(JSON.stringify({ ...r, data: Object.values(r.data as object) })).not.toContain(SECRET);
    expect(r.final_url).toBe(`https://x.test/?t=${SECRET_MASK}`);
    expect(r.url).toBe(r.final_url);
    expect(r.data).toEqual({ a: [SECRET_MASK, 1, { deep: `x${SECRET_MASK}y` }], [SECRET]: true, n: null });
    expect(r.html).toBe(`<p>${SECRET_MASK}</p>`);
    expect(r.logs).toEqual([`typed ${SECRET_MASK}`]);
    expect(r.outputError).toEqual({ code: 'UPSTREAM_ERROR', message: `bad ${SECRET_MASK}`, upstreamStatus: 400, rowsWritten: 0 });
    expect(r.links).toEqual([`https://x.test/${SECRET_MASK}`]);
  });

  it('turns undefined data into null and keeps html only when given', () => {
    const r = assembleResult(parts({ data: undefined, html: '' }), masker);
    expect(r.data).toBeNull();
    expect(r.html).toBe('');
  });
});
