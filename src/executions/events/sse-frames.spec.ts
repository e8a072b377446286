import { describe, expect, it } from '@jest/globals';
import { envelopeData } from './event-envelope.js';
import { eventFrame, parseLastEventId, retryFrame, SSE_KEEP_ALIVE_FRAME } from './sse-frames.js';

describe('SSE frames (API §5.3)', () => {
  it('formats retry, keep-alive and events with one-line JSON data', () => {
    expect(retryFrame()).toBe('retry: 3000\n\n');
    expect(SSE_KEEP_ALIVE_FRAME).toBe(': keep-alive\n\n');
    expect(eventFrame('ready', {})).toBe('event: ready\ndata: {}\n\n');
    expect(eventFrame('log', { message: 'a\nb\r\nc' }, '7')).toBe('id: 7\nevent: log\ndata: {"message":"a\\nb\\r\\nc"}\n\n');
  });

  it('never lets an id or event name start a new field', () => {
    expect(eventFrame('lo\ng', {}, '1\r\n2')).toBe('id: 1 2\nevent: lo g\ndata: {}\n\n');
  });

  it('reads Last-Event-ID as a seq: digits, or <executionId>:<seq> of the same execution', () => {
    expect(parseLastEventId(undefined, 'exec_a')).toBe(0);
    expect(parseLastEventId('12', 'exec_a')).toBe(12);
    expect(parseLastEventId(' 3 ', 'exec_a')).toBe(3);
    expect(parseLastEventId('exec_a:9', 'exec_a')).toBe(9);
    expect(parseLastEventId('exec_b:9', 'exec_a')).toBe(0);
    expect(parseLastEventId('-1', 'exec_a')).toBe(0);
    expect(parseLastEventId('abc', 'exec_a')).toBe(0);
    expect(parseLastEventId('9'.repeat(40), 'exec_a')).toBe(0);
  });

  it('puts the ids, seq, ts and event first and keeps the event fields', () => {
    const data = envelopeData(
      { executionId: 'exec_1', runId: 'run_1', taskId: null },
      { message: 'Clicked', status: 'success', event: 'action', ts: 5, seq: 2, executionId: 'exec_other', runId: 'x', taskId: 'y' },
    );
    expect(JSON.stringify(data)).toBe(
      '{"executionId":"exec_1","runId":"run_1","taskId":null,"seq":2,"ts":5,"event":"action","message":"Clicked","status":"success"}',
    );
  });
});
