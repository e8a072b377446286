// GET /api/executions (and /list): filters, keyset paging, clamping and query validation (API §5.2).
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { newId } from '../../src/common/ids.js';
import type { ExecutionRecord, ExecutionSummary } from '../../src/storage/ports/index.js';
import { startTestApp, type TestApp } from '../support/app-harness.js';
import { STORAGE_PROVIDERS } from '../support/storage-matrix.js';
import { activeRecord, api, expectError, listOrder, repo, seedAll, seedRecord, T0 } from './executions-kit.js';

interface Page {
  executions: ExecutionSummary[];
  nextCursor?: string;
}

const SUMMARY_KEYS = [
  'id',
  'runId',
  'taskId',
  'taskName',
  'mode',
  'source',
  'method',
  'path',
  'status',
  'phase',
  'outcome',
  'timestamp',
  'startedAt',
  'finishedAt',
  'durationMs',
  'url',
].sort();

const failed = (errorCode: string) => ({ error: `Run failed: ${errorCode}`, errorCode });

// Distinct timestamps, every filterable field varied.
const FILTER_SET: ExecutionRecord[] = [
  seedRecord('exec_f01', { timestamp: T0 + 1 }),
  seedRecord('exec_f02', { timestamp: T0 + 2, outcome: 'error', ...failed('ACTION_FAILED') }),
  seedRecord('exec_f03', { timestamp: T0 + 3, taskId: 'task_b', source: 'schedule', outcome: 'crashed', ...failed('BROWSER_CRASHED') }),
  seedRecord('exec_f04', { timestamp: T0 + 4, taskId: 'task_b', status: 202 }),
  seedRecord('exec_f05', { timestamp: T0 + 5, taskId: null, taskName: null, source: 'adhoc', path: '/agent', outcome: 'anti_bot', ...failed('ANTI_BOT_DETECTED') }),
  seedRecord('exec_f06', { timestamp: T0 + 6, source: 'agent_block', outcome: 'stopped', ...failed('STOPPED') }),
  activeRecord('exec_f07', 'queued', { timestamp: T0 + 7, status: 202 }),
  activeRecord('exec_f08', 'running', { timestamp: T0 + 8, taskId: 'task_b', status: 202 }),
  seedRecord('exec_f09', { timestamp: T0 + 9, status: 202, outcome: 'error', ...failed('RUN_TIMEOUT') }),
  seedRecord('exec_f10', { timestamp: T0 + 10, taskId: null, taskName: null, source: 'adhoc', mode: 'scrape', path: '/scrape' }),
  activeRecord('exec_f11', 'queued', { timestamp: T0 + 11, taskId: 'task_b', source: 'schedule' }),
  seedRecord('exec_f12', { timestamp: T0 + 12, runId: 'client-run-1' }),
];

function expected(filter: (r: ExecutionRecord) => boolean): string[] {
  return FILTER_SET.filter(filter)
    .sort(listOrder)
    .map((r) => r.id);
}

async function page(t: TestApp, query: string, route = '/api/executions'): Promise<Page> {
  const res = await api(t, `${route}${query === '' ? '' : `?${query}`}`);
  expect(res.status).toBe(200);
  return res.body as Page;
}

/** Follows nextCursor to the end; the query must not end with `&`. */
async function walk(t: TestApp, query: string): Promise<{ ids: string[]; pages: Page[] }> {
  const pages: Page[] = [];
  let cursor: string | undefined;
  do {
    const p = await page(t, `${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    pages.push(p);
    cursor = p.nextCursor;
    if (pages.length > 1000) throw new Error('paging does not end');
  } while (cursor !== undefined);
  return { ids: pages.flatMap((p) => p.executions.map((e) => e.id)), pages };
}

describe.each(STORAGE_PROVIDERS)('%s storage', (storage) => {
  describe('executions list: filters and validation', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp({ storage });
      await seedAll(t, FILTER_SET);
    });
    afterAll(async () => t.close());

    it.each<[string, (r: ExecutionRecord) => boolean]>([
      ['', () => true],
      ['status=202', (r) => r.status === 202],
      ['status=200', (r) => r.status === 200],
      ['outcome=error', (r) => r.outcome === 'error'],
      ['outcome=anti_bot', (r) => r.outcome === 'anti_bot'],
      ['outcome=error,crashed', (r) => r.outcome === 'error' || r.outcome === 'crashed'],
      ['outcome=error&outcome=stopped', (r) => r.outcome === 'error' || r.outcome === 'stopped'],
      ['outcome=success,%20success', (r) => r.outcome === 'success'],
      ['phase=queued', (r) => r.phase === 'queued'],
      ['phase=running', (r) => r.phase === 'running'],
      ['phase=finished', (r) => r.phase === 'finished'],
      ['taskId=task_b', (r) => r.taskId === 'task_b'],
      ['runId=client-run-1', (r) => r.runId === 'client-run-1'],
      ['runId=run_exec_f03', (r) => r.id === 'exec_f03'],
      ['source=adhoc', (r) => r.source === 'adhoc'],
      ['source=schedule', (r) => r.source === 'schedule'],
      ['source=agent_block', (r) => r.source === 'agent_block'],
      [`before=${T0 + 6}`, (r) => r.timestamp < T0 + 6],
      ['taskId=task_a&outcome=error', (r) => r.taskId === 'task_a' && r.outcome === 'error'],
      ['phase=finished&status=202', (r) => r.phase === 'finished' && r.status === 202],
      ['phase=queued&source=schedule', (r) => r.phase === 'queued' && r.source === 'schedule'],
      [`source=api&taskId=task_a&before=${T0 + 9}`, (r) => r.source === 'api' && r.taskId === 'task_a' && r.timestamp < T0 + 9],
      [
        `outcome=success,error&taskId=task_a&status=200&before=${T0 + 12}`,
        (r) => (r.outcome === 'success' || r.outcome === 'error') && r.taskId === 'task_a' && r.status === 200 && r.timestamp < T0 + 12,
      ],
      ['runId=client-run-1&taskId=task_b', () => false],
      ['taskId=nope', () => false],
      ['outcome=stopped&phase=queued', () => false],
      // Blank values count as absent; legacy `page` and unknown parameters are ignored.
      ['taskId=&phase=&outcome=&cursor=', () => true],
      ['page=3&foo=bar', () => true],
      ['page=abc', () => true],
    ])('?%s', async (query, filter) => {
      const want = expected(filter);
      for (const route of ['/api/executions', '/api/executions/list']) {
        const body = await page(t, query, route);
        expect(Object.keys(body)).toEqual(['executions']);
        expect(body.executions.map((e) => e.id)).toEqual(want);
      }
    });

    it('returns Summary objects: exact fields, error/errorCode only for non-success outcomes', async () => {
      const { executions } = await page(t, '');
      const byId = new Map(executions.map((e) => [e.id, e]));
      expect(Object.keys(byId.get('exec_f01')!).sort()).toEqual(SUMMARY_KEYS);
      expect(Object.keys(byId.get('exec_f07')!).sort()).toEqual(SUMMARY_KEYS);
      expect(Object.keys(byId.get('exec_f02')!).sort()).toEqual([...SUMMARY_KEYS, 'error', 'errorCode'].sort());
      const source = FILTER_SET.find((r) => r.id === 'exec_f03')!;
      expect(byId.get('exec_f03')).toEqual({
        id: 'exec_f03',
        runId: 'run_exec_f03',
        taskId: 'task_b',
        taskName: 'Task A',
        mode: 'agent',
        source: 'schedule',
        method: 'POST',
        path: '/tasks/task_a/api',
        status: 200,
        phase: 'finished',
        outcome: 'crashed',
        timestamp: source.timestamp,
        startedAt: source.startedAt,
        finishedAt: source.finishedAt,
        durationMs: 100,
        url: 'https://example.com/',
        error: 'Run failed: BROWSER_CRASHED',
        errorCode: 'BROWSER_CRASHED',
      });
      expect(byId.get('exec_f07')).toMatchObject({ phase: 'queued', outcome: null, status: 202, finishedAt: null, durationMs: null });
    });

    it('pages through a filtered list with the cursor (filters and before apply on every page)', async () => {
      const { ids, pages } = await walk(t, 'outcome=success,error&limit=2');
      expect(ids).toEqual(expected((r) => r.outcome === 'success' || r.outcome === 'error'));
      expect(pages.slice(0, -1).every((p) => p.executions.length === 2 && typeof p.nextCursor === 'string')).toBe(true);
      expect(pages.at(-1)!.nextCursor).toBeUndefined();
      const before = await walk(t, `before=${T0 + 10}&taskId=task_a&limit=3`);
      expect(before.ids).toEqual(expected((r) => r.taskId === 'task_a' && r.timestamp < T0 + 10));
    });

    it.each<[string, string]>([
      ['limit=abc', 'query.limit'],
      ['limit=0', 'query.limit'],
      ['limit=-5', 'query.limit'],
      ['limit=2.5', 'query.limit'],
      ['limit=1e3', 'query.limit'],
      ['limit=1&limit=2', 'query.limit'],
      ['status=ok', 'query.status'],
      ['status=99999999999', 'query.status'],
      ['outcome=bogus', 'query.outcome'],
      ['outcome=success,bogus', 'query.outcome'],
      ['outcome=,', 'query.outcome'],
      ['phase=done', 'query.phase'],
      ['phase=queued&phase=running', 'query.phase'],
      ['before=yesterday', 'query.before'],
      ['before=-1', 'query.before'],
      [`taskId=${'x'.repeat(300)}`, 'query.taskId'],
      ['runId=a&runId=b', 'query.runId'],
      ['source=api&source=adhoc', 'query.source'],
      ['cursor=a&cursor=b', 'query.cursor'],
    ])('?%s → 400 VALIDATION_FAILED on %s', async (query, field) => {
      for (const route of ['/api/executions', '/api/executions/list']) {
        const body = await expectError(t, `${route}?${query}`, 400, 'VALIDATION_FAILED');
        expect(Array.isArray(body.details)).toBe(true);
        const details = body.details as { field: string; message: string }[];
        expect(details.length).toBeGreaterThan(0);
        for (const d of details) {
          expect(d.field).toBe(field);
          expect(typeof d.message).toBe('string');
        }
      }
    });

    it('treats a blank limit as no limit', async () => {
      expect((await page(t, 'limit=')).executions).toHaveLength(FILTER_SET.length);
    });

    it('reports every bad parameter at once', async () => {
      const body = await expectError(t, '/api/executions?limit=x&phase=done&status=y', 400, 'VALIDATION_FAILED');
      const fields = new Set((body.details as { field: string }[]).map((d) => d.field));
      expect(fields).toEqual(new Set(['query.limit', 'query.phase', 'query.status']));
    });

    it.each<[string, string]>([
      ['garbage characters', '!!!'],
      ['base64 of non-JSON', Buffer.from('hello world').toString('base64url')],
      ['JSON without id', Buffer.from('{"timestamp":1}').toString('base64url')],
      ['JSON with a string timestamp', Buffer.from('{"timestamp":"1","id":"exec_f01"}').toString('base64url')],
      ['a JSON array', Buffer.from('[1,"exec_f01"]').toString('base64url')],
    ])('an undecodable cursor (%s) → 400 INVALID_CURSOR', async (_name, cursor) => {
      for (const route of ['/api/executions', '/api/executions/list']) {
        const body = await expectError(t, `${route}?cursor=${encodeURIComponent(cursor)}`, 400, 'INVALID_CURSOR');
        expect(body.details).toBeUndefined();
      }
    });

    it('needs the API key', async () => {
      const res = await fetch(`${t.url}/api/executions`);
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: string }).error).toBe('UNAUTHORIZED');
    });
  });

  describe('executions list: paging and limits', () => {
    let t: TestApp;
    let all: ExecutionRecord[];
    const EQUAL_TS = T0 + 10_000_000;

    beforeAll(async () => {
      t = await startTestApp({ storage });
      // 120 runs created in the same millisecond (random ULIDs: only the id orders them) and
      // 390 older ones, two per millisecond.
      const equal = Array.from({ length: 120 }, () => seedRecord(newId('exec'), { timestamp: EQUAL_TS, taskId: 'task_eq' }));
      const older = Array.from({ length: 390 }, (_, i) => seedRecord(newId('exec'), { timestamp: T0 + Math.floor(i / 2) * 1000, taskId: 'task_old' }));
      all = [...equal, ...older];
      await seedAll(t, all);
    }, 300_000);
    afterAll(async () => t.close());

    it('defaults to 50 items with a nextCursor', async () => {
      const body = await page(t, '');
      expect(body.executions.map((e) => e.id)).toEqual([...all].sort(listOrder).slice(0, 50).map((r) => r.id));
      expect(typeof body.nextCursor).toBe('string');
    });

    it.each(['501', '1000', '99999999999999999999'])('clamps limit=%s to 500', async (limit) => {
      const body = await page(t, `limit=${limit}`);
      expect(body.executions).toHaveLength(500);
      expect(typeof body.nextCursor).toBe('string');
      const rest = await page(t, `limit=${limit}&cursor=${encodeURIComponent(body.nextCursor!)}`);
      expect(rest.executions.map((e) => e.id)).toEqual([...all].sort(listOrder).slice(500).map((r) => r.id));
      expect(rest.nextCursor).toBeUndefined();
    });

    it('pages through 120 executions with equal timestamps by id, without duplicates or gaps', async () => {
      const { ids, pages } = await walk(t, 'taskId=task_eq&limit=13');
      const want = all
        .filter((r) => r.taskId === 'task_eq')
        .map((r) => r.id)
        .sort()
        .reverse();
      expect(ids).toEqual(want);
      expect(new Set(ids).size).toBe(120);
      expect(pages).toHaveLength(10);
      expect(pages[9].executions).toHaveLength(3);
      expect(pages[9].nextCursor).toBeUndefined();
    });

    it('gives no nextCursor when the last page is exactly full', async () => {
      const { ids, pages } = await walk(t, 'taskId=task_eq&limit=40');
      expect(pages.map((p) => p.executions.length)).toEqual([40, 40, 40]);
      expect(new Set(ids).size).toBe(120);
    });

    it('pages through everything (equal and distinct timestamps) in order', async () => {
      const { ids } = await walk(t, 'limit=37');
      expect(ids).toEqual([...all].sort(listOrder).map((r) => r.id));
    });

    it('asks the repository once per page, for limit + 1 items', async () => {
      const executions = repo(t);
      const spy = jest.spyOn(executions, 'list');
      try {
        const cursor = (await page(t, 'limit=20')).nextCursor!;
        await page(t, `limit=20&phase=finished&cursor=${encodeURIComponent(cursor)}`);
        await page(t, 'limit=900');
        expect(spy.mock.calls.map(([, limit]) => limit)).toEqual([21, 21, 501]);
        expect(spy.mock.calls[1][0]).toMatchObject({ phase: 'finished', after: { timestamp: expect.any(Number), id: expect.any(String) } });
      } finally {
        spy.mockRestore();
      }
    });

    it('the /list alias pages the same way', async () => {
      const first = await page(t, 'limit=5', '/api/executions/list');
      const second = await page(t, `limit=5&cursor=${encodeURIComponent(first.nextCursor!)}`, '/api/executions/list');
      expect([...first.executions, ...second.executions].map((e) => e.id)).toEqual([...all].sort(listOrder).slice(0, 10).map((r) => r.id));
    });

    it('a cursor stays valid after the executions before it are deleted', async () => {
      const first = await page(t, 'taskId=task_eq&limit=3');
      const cursor = first.nextCursor!;
      await api(t, `/api/executions/${first.executions[2].id}`, { method: 'DELETE' });
      const next = await page(t, `taskId=task_eq&limit=3&cursor=${encodeURIComponent(cursor)}`);
      const want = all
        .filter((r) => r.taskId === 'task_eq')
        .map((r) => r.id)
        .sort()
        .reverse();
      expect(next.executions.map((e) => e.id)).toEqual(want.slice(3, 6));
      all = all.filter((r) => r.id !== first.executions[2].id);
    });
  });
});

// The PostgreSQL list query's index use (EXPLAIN, no Seq Scan, no Sort) is proven in
// test/storage/postgres-list-plan.e2e-spec.ts; this route issues exactly that query, once per page.
