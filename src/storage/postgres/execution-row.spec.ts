import { buildListQuery } from './execution-list-query.js';
import { patchToSet, recordToInsert } from './execution-row.js';
import type { ExecutionRecord } from '../ports/index.js';

describe('execution rows', () => {
  it('sets columns directly and merges other fields into record; undefined clears only error fields', () => {
    const { sets, values } = patchToSet(
      { phase: 'finished', outcome: 'success', error: undefined, errorCode: undefined, startedAt: undefined, result: { a: 1 }, attempt: 2 },
      2,
    );
    expect(sets).toEqual(['phase = $2', 'outcome = $3', 'error = $4', 'error_code = $5', 'record = record || $6::jsonb']);
    expect(values).toEqual(['finished', 'success', null, null, JSON.stringify({ result: { a: 1 }, attempt: 2 })]);
  });

  it('keeps webhook_state in step with the webhook', () => {
    const webhook = { url: 'https://h', deliveryId: 'd', state: 'pending' as const, attempts: [] };
    expect(patchToSet({ webhook }, 1).sets).toEqual(['record = record || $1::jsonb', 'webhook_state = $2']);
    expect(patchToSet({ webhook: null }, 1).values).toEqual([JSON.stringify({ webhook: null }), null]);
    const insert = recordToInsert({ id: 'e', runId: 'r', webhook } as unknown as ExecutionRecord);
    expect(insert.values[insert.columns.indexOf('webhook_state')]).toBe('pending');
    expect(insert.values[insert.columns.indexOf('run_id')]).toBe('r');
    expect(JSON.parse(insert.values[insert.columns.indexOf('record')] as string)).toEqual({ webhook });
  });

  it('stores U+0000 (which jsonb refuses) as U+FFFD', () => {
    const { values } = patchToSet({ result: { text: 'a\u0000b' } }, 1);
    expect(JSON.parse(values[0] as string)).toEqual({ result: { text: 'a\uFFFDb' } });
  });

  it('builds one keyset-paginated list query', () => {
    const q = buildListQuery({ taskId: 't', outcome: ['error', 'crashed'], after: { timestamp: 5, id: 'exec_9' } }, 20);
    expect(q.sql).toMatch(/WHERE outcome = ANY\(\$1::text\[\]\) AND task_id = \$2 AND \(timestamp, id\) < \(\$3, \$4\) ORDER BY timestamp DESC, id DESC LIMIT \$5$/);
    expect(q.params).toEqual([['error', 'crashed'], 't', 5, 'exec_9', 20]);
    expect(buildListQuery({ outcome: ['error'] }, 1).sql).toContain('WHERE outcome = $1 ORDER BY');
    expect(buildListQuery({}, 3).sql).not.toContain('WHERE');
  });
});
