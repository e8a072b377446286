import { describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { OutboundRequestError } from '../../network/outbound-request.error.js';
import { DEFAULT_WEBHOOK_DELIVERY_OPTIONS } from './webhook-delivery.options.js';
import { parseRetryAfter, verdictForError, verdictForStatus, waitBeforeAttempt } from './webhook-retry.js';
import { signatureHeader } from './webhook-signature.js';

const withRandom = (value: number) => ({ ...DEFAULT_WEBHOOK_DELIVERY_OPTIONS, random: () => value });

describe('webhook retry rules (API §4.8)', () => {
  it('2xx delivers; 408, 429, 5xx retry; other statuses are final', () => {
    expect([200, 201, 204, 299].map(verdictForStatus)).toEqual(['delivered', 'delivered', 'delivered', 'delivered']);
    expect([408, 429, 500, 502, 503, 599].map(verdictForStatus)).toEqual(['retry', 'retry', 'retry', 'retry', 'retry', 'retry']);
    expect([100, 301, 304, 400, 401, 404, 410, 422].map(verdictForStatus)).toEqual(Array(8).fill('final'));
  });

  it('retries network errors and timeouts; a blocked hop ends the delivery', () => {
    const err = (kind: ConstructorParameters<typeof OutboundRequestError>[0]) => new OutboundRequestError(kind, 'x', 'http://h/');
    expect(verdictForError(err('timeout'))).toBe('retry');
    expect(verdictForError(err('unreachable'))).toBe('retry');
    expect(verdictForError(err('network'))).toBe('retry');
    expect(verdictForError(err('blocked'))).toBe('final');
    expect(verdictForError(err('too_many_redirects'))).toBe('final');
    expect(verdictForError(err('too_large'))).toBe('final');
    expect(verdictForError(err('aborted'))).toBe('aborted');
  });

  it('waits 2, 4, 8, 16 s before attempts 2-5, within ±20 %', () => {
    expect([2, 3, 4, 5].map((n) => waitBeforeAttempt(n, withRandom(0.5), null))).toEqual([2000, 4000, 8000, 16000]);
    expect([2, 3, 4, 5].map((n) => waitBeforeAttempt(n, withRandom(0), null))).toEqual([1600, 3200, 6400, 12800]);
    expect(waitBeforeAttempt(5, withRandom(0.999999), null)).toBe(19200);
  });

  it('a Retry-After up to 60 s replaces the wait; a longer one is ignored', () => {
    expect(waitBeforeAttempt(2, withRandom(0.5), 30_000)).toBe(30_000);
    expect(waitBeforeAttempt(2, withRandom(0.5), 60_000)).toBe(60_000);
    expect(waitBeforeAttempt(2, withRandom(0.5), 0)).toBe(0);
    expect(waitBeforeAttempt(3, withRandom(0.5), 61_000)).toBe(4000);
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2024-12-03T10:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter(['3', '9'], now)).toBe(3000);
    expect(parseRetryAfter('Tue, 03 Dec 2024 10:00:20 GMT', now)).toBe(20_000);
    expect(parseRetryAfter('Tue, 03 Dec 2024 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(undefined, now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter('-5', now)).toBeNull();
  });
});

describe('webhook signature', () => {
  it('is t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">', () => {
    const body = '{"event":"execution.finished","x":"é"}';
    const expected = createHmac('sha256', 'secret').update(`1733224000.${body}`).digest('hex');
    expect(signatureHeader('secret', body, 1733224000)).toBe(`t=1733224000,v1=${expected}`);
    expect(signatureHeader('secret', body, 1733224001)).not.toBe(`t=1733224001,v1=${expected}`);
    expect(signatureHeader('other', body, 1733224000)).not.toBe(`t=1733224000,v1=${expected}`);
  });
});
