import { describe, expect, it } from '@jest/globals';
import { SecretMasker, SECRET_MASK } from '../redaction/secret-masker.js';
import type { RunEvent } from '../runner.types.js';
import { LogCollector, omittedLine } from './log-collector.js';

function collector(max?: number, secrets: string[] = []) {
  const seen: RunEvent[] = [];
  const masker = new SecretMasker(secrets);
  return { seen, masker, logs: new LogCollector({ emit: (e) => seen.push(e) }, masker, max) };
}

describe('LogCollector (RUNNER §10.6, §16)', () => {
  it('keeps the messages of log events in order, not those of other events', () => {
    const { logs } = collector();
    logs.emit({ event: 'log', level: 'info', actionId: null, message: 'one' });
    logs.emit({ event: 'action', actionId: 'a', actionIndex: 0, type: 'click', status: 'running', message: 'not a log' });
    logs.emit({ event: 'capture', capture: { name: 'n', url: '/captures/n', type: 'screenshot', size: 1 }, message: 'capture' });
    logs.emit({ event: 'log', level: 'warn', actionId: 'a', message: 'two' });
    expect(logs.logs()).toEqual(['one', 'two']);
  });

  it('masks every event message before passing it on, and the collected lines', () => {
    const { logs, seen } = collector(undefined, ['s3cr3t-value']);
    logs.emit({ event: 'log', level: 'info', actionId: null, message: 'token=s3cr3t-value' });
    logs.emit({ event: 'action', actionId: 'a', actionIndex: 0, type: 'type', status: 'success', message: 'typed s3cr3t-value' });
    expect(seen.map((e) => e.message)).toEqual([`token=${SECRET_MASK}`, `typed ${SECRET_MASK}`]);
    expect(logs.logs()).toEqual([`token=${SECRET_MASK}`]);
  });

  it('masks lines again with secrets added later in the run', () => {
    const { logs, masker } = collector();
    logs.emit({ event: 'log', level: 'info', actionId: null, message: 'typed pass-word-1' });
    masker.add('pass-word-1');
    expect(logs.logs()).toEqual([`typed ${SECRET_MASK}`]);
  });

  it('keeps the last N lines with a leading omission line', () => {
    const { logs } = collector(5);
    for (let i = 1; i <= 23; i++) logs.emit({ event: 'log', level: 'info', actionId: null, message: `line ${i}` });
    expect(logs.logs()).toEqual([omittedLine(18), 'line 19', 'line 20', 'line 21', 'line 22', 'line 23']);
    expect(omittedLine(18)).toBe('… 18 earlier lines omitted');
  });

  it('has no omission line at exactly the cap (2000 by default)', () => {
    const { logs } = collector();
    for (let i = 0; i < 2000; i++) logs.emit({ event: 'log', level: 'info', actionId: null, message: `l${i}` });
    const out = logs.logs();
    expect(out).toHaveLength(2000);
    expect(out[0]).toBe('l0');
    logs.emit({ event: 'log', level: 'info', actionId: null, message: 'l2000' });
    const after = logs.logs();
    expect(after).toHaveLength(2001);
    expect(after[0]).toBe(omittedLine(1));
    expect(after[1]).toBe('l1');
  });
});
