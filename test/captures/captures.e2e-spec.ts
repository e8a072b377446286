import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CaptureStore } from '../../src/captures/store/capture-store.js';
import { ExecutionRepository, type ExecutionRecord } from '../../src/storage/ports/index.js';
import { startTestApp, type TestApp } from '../support/app-harness.js';
import { STORAGE_PROVIDERS } from '../support/storage-matrix.js';
import { rawRequest } from './raw-http.js';

interface ErrorBody {
  error: string;
  message: string;
  details?: unknown;
}
interface CaptureBody {
  name: string;
  url: string;
  type: string;
  size: number;
  modified: number;
  runId?: string;
}

const MS = 1733223995120;
const BASE_TIME = 1_733_000_000; // whole seconds, so mtimes are exact
const PNG_BYTES = Buffer.from(Array.from({ length: 100 }, (_, i) => i));

const FINAL = `runA_final_${MS}.png`;
const SHOT = `runA_shot_${MS + 1}_login.png`;
const REC = `runA_rec_${MS}.webm`;
const PDF = `runB_dl_${MS}_report.pdf`;
const ODD = `runB_dl_${MS + 2}_data.zzqq`;
const LEGACY = `run-x_agent_${MS}.jpg`;

function activeRecord(id: string, runId: string, phase: 'queued' | 'running'): ExecutionRecord {
  const now = Date.now();
  return {
    id,
    runId,
    taskId: null,
    taskName: null,
    mode: 'agent',
    source: 'adhoc',
    method: 'POST',
    path: '/agent',
    status: null,
    phase,
    outcome: null,
    timestamp: now,
    startedAt: phase === 'running' ? now : null,
    finishedAt: null,
    durationMs: null,
    url: 'https://example.com/',
    taskSnapshot: {},
    variables: {},
    result: null,
    webhook: null,
    parentExecutionId: null,
    attempt: 1,
    idempotencyKey: null,
    idempotencyFingerprint: null,
    stopRequestedAt: null,
    instanceId: null,
    heartbeatAt: now,
    eventsTruncated: false,
  };
}

describe.each(STORAGE_PROVIDERS)('captures (%s storage)', (storage) => {
  let t: TestApp;
  let dir: string;
  let outside: string;
  const auth = () => ({ 'x-api-key': t.apiKey });
  const get = (p: string, headers: Record<string, string> = {}) => fetch(`${t.url}${p}`, { headers: { ...auth(), ...headers } });
  const send = (method: string, p: string) => fetch(`${t.url}${p}`, { method, headers: auth() });

  function seed(name: string, content: Buffer | string, secondsOffset: number): void {
    const file = path.join(dir, name);
    writeFileSync(file, content);
    utimesSync(file, BASE_TIME + secondsOffset, BASE_TIME + secondsOffset);
  }

  beforeAll(async () => {
    t = await startTestApp({ storage });
    dir = t.config.capturesDir;
    outside = path.join(t.dataDir, 'outside-secret.txt');
    writeFileSync(outside, 'must survive');
    seed(FINAL, PNG_BYTES, 1);
    seed(SHOT, 'shot', 5);
    seed(REC, 'webm-bytes', 3);
    seed(PDF, '%PDF-1.4 body', 4);
    seed(ODD, 'odd', 2);
    seed(LEGACY, 'jpeg', 0);
    seed('notes.txt', 'not a capture', 9);
    seed(`runA_dl_${MS}`, 'download without suffix', 9);
    mkdirSync(path.join(dir, `runZ_final_${MS}.png`));
  });
  afterAll(async () => t?.close());

  it('creates the captures directory with its staging area at boot', () => {
    expect(existsSync(path.join(dir, '.incoming'))).toBe(true);
  });

  describe('GET /api/data/captures', () => {
    it('lists valid capture files, newest first, in the Capture shape, on both paths', async () => {
      const res = await get('/api/data/captures');
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const body = (await res.json()) as { captures: CaptureBody[] };
      expect(body.captures.map((c) => c.name)).toEqual([SHOT, PDF, REC, ODD, FINAL, LEGACY]);
      expect(body.captures[0]).toEqual({ name: SHOT, url: `/captures/${SHOT}`, type: 'screenshot', size: 4, modified: (BASE_TIME + 5) * 1000, runId: 'runA' });
      expect(body.captures.find((c) => c.name === PDF)).toMatchObject({ type: 'download', runId: 'runB', size: 13 });
      expect(body.captures.find((c) => c.name === REC)).toMatchObject({ type: 'recording' });
      expect(body.captures.find((c) => c.name === LEGACY)).toMatchObject({ type: 'screenshot', runId: 'run-x' });

      const alias = await get('/api/captures');
      expect(alias.status).toBe(200);
      expect(await alias.json()).toEqual(body);
    });

    it('filters by the sanitised run id, exactly', async () => {
      const names = async (q: string) => ((await (await get(`/api/data/captures?runId=${q}`)).json()) as { captures: CaptureBody[] }).captures.map((c) => c.name);
      expect(await names('runA')).toEqual([SHOT, REC, FINAL]);
      expect(await names('runB')).toEqual([PDF, ODD]);
      expect(await names('run.x')).toEqual([LEGACY]); // "." sanitises to "-"
      expect(await names('run')).toEqual([]);
      expect(await names('runA_final')).toEqual([]);
      expect(await names('')).toHaveLength(6);
      expect(((await (await get('/api/captures?runId=runB')).json()) as { captures: CaptureBody[] }).captures).toHaveLength(2);
    });

    it('rejects a repeated or overlong runId with VALIDATION_FAILED', async () => {
      const res = await get('/api/data/captures?runId=a&runId=b');
      expect(res.status).toBe(400);
      const body = (await res.json()) as ErrorBody;
      expect(body.error).toBe('VALIDATION_FAILED');
      const details = body.details as { field: string; message: string }[];
      expect(details).toContainEqual({ field: 'query.runId', message: 'runId must be a string' });
      expect(details.every((d) => d.field === 'query.runId')).toBe(true);
      const long = await get(`/api/data/captures?runId=${'x'.repeat(2000)}`);
      expect(long.status).toBe(400);
      expect(((await long.json()) as ErrorBody).details).toEqual([{ field: 'query.runId', message: expect.any(String) }]);
    });

    it('does not show a file that is still being written', async () => {
      const store = t.app.get(CaptureStore);
      const tmp = await store.createTempPath();
      writeFileSync(tmp, 'half');
      const before = ((await (await get('/api/data/captures')).json()) as { captures: CaptureBody[] }).captures;
      expect(before.map((c) => c.name)).not.toContain(`runW_shot_${MS}.png`);
      expect(before).toHaveLength(6);
      await store.saveFile(tmp, `runW_shot_${MS}.png`);
      const after = ((await (await get('/api/data/captures?runId=runW')).json()) as { captures: CaptureBody[] }).captures;
      expect(after.map((c) => c.name)).toEqual([`runW_shot_${MS}.png`]);
      expect((await send('DELETE', `/api/data/captures/runW_shot_${MS}.png`)).status).toBe(200);
    });

    it('requires the API key', async () => {
      expect((await fetch(`${t.url}/api/data/captures`)).status).toBe(401);
    });
  });

  describe('GET /api/data/screenshots', () => {
    it('lists screenshots only, on both paths', async () => {
      for (const p of ['/api/data/screenshots', '/api/screenshots']) {
        const res = await get(p);
        expect(res.status).toBe(200);
        const body = (await res.json()) as { screenshots: CaptureBody[] };
        expect(body.screenshots.map((c) => c.name)).toEqual([SHOT, FINAL, LEGACY]);
        expect(body.screenshots.every((c) => c.type === 'screenshot')).toBe(true);
      }
    });

    it('answers 401 without a key and 404 NOT_FOUND for a wrong method', async () => {
      expect((await fetch(`${t.url}/api/screenshots`)).status).toBe(401);
      const res = await send('PUT', '/api/data/screenshots');
      expect(res.status).toBe(404);
      expect(((await res.json()) as ErrorBody).error).toBe('NOT_FOUND');
    });
  });

  describe('GET /captures/:name', () => {
    it('serves a screenshot with content type, validators and range support', async () => {
      const res = await get(`/captures/${FINAL}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
      expect(res.headers.get('content-length')).toBe('100');
      expect(res.headers.get('accept-ranges')).toBe('bytes');
      expect(res.headers.get('etag')).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
      expect(res.headers.get('last-modified')).toBe(new Date((BASE_TIME + 1) * 1000).toUTCString());
      expect(res.headers.get('cache-control')).toBe('private, no-cache');
      expect(res.headers.get('content-disposition')).toBeNull();
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(Buffer.from(await res.arrayBuffer()).equals(PNG_BYTES)).toBe(true);
    });

    it('serves recordings and legacy captures with their media types', async () => {
      const rec = await get(`/captures/${REC}`);
      expect(rec.headers.get('content-type')).toBe('video/webm');
      expect(await rec.text()).toBe('webm-bytes');
      expect((await get(`/captures/${LEGACY}`)).headers.get('content-type')).toBe('image/jpeg');
    });

    it('serves downloads as attachments named after the sanitised original', async () => {
      const pdf = await get(`/captures/${PDF}`);
      expect(pdf.status).toBe(200);
      expect(pdf.headers.get('content-type')).toBe('application/pdf');
      expect(pdf.headers.get('content-disposition')).toBe('attachment; filename="report.pdf"');
      expect(pdf.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
      expect(await pdf.text()).toBe('%PDF-1.4 body');
      const odd = await get(`/captures/${ODD}`);
      expect(odd.headers.get('content-type')).toBe('application/octet-stream');
      expect(odd.headers.get('content-disposition')).toBe('attachment; filename="data.zzqq"');
    });

    it.each([
      ['bytes=0-9', 'bytes 0-9/100', 0, 10],
      ['bytes=90-', 'bytes 90-99/100', 90, 100],
      ['bytes=-5', 'bytes 95-99/100', 95, 100],
      ['bytes=95-1000', 'bytes 95-99/100', 95, 100],
    ])('answers Range %s with 206 %s', async (range, contentRange, from, to) => {
      const res = await get(`/captures/${FINAL}`, { Range: range });
      expect(res.status).toBe(206);
      expect(res.headers.get('content-range')).toBe(contentRange);
      expect(res.headers.get('content-length')).toBe(String(to - from));
      expect(res.headers.get('accept-ranges')).toBe('bytes');
      expect(Buffer.from(await res.arrayBuffer()).equals(PNG_BYTES.subarray(from, to))).toBe(true);
    });

    it.each(['bytes=100-', 'bytes=500-600', 'bytes=-0'])('answers an unsatisfiable Range %s with 416 RANGE_NOT_SATISFIABLE', async (range) => {
      const res = await get(`/captures/${FINAL}`, { Range: range });
      expect(res.status).toBe(416);
      expect(res.headers.get('content-range')).toBe('bytes */100');
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(await res.json()).toEqual({ error: 'RANGE_NOT_SATISFIABLE', message: expect.any(String), details: { size: 100 } });
    });

    it('ignores multi-range and malformed Range headers (whole file)', async () => {
      for (const range of ['bytes=0-1,5-6', 'bytes=9-2', 'lines=1-2']) {
        const res = await get(`/captures/${FINAL}`, { Range: range });
        expect(res.status).toBe(200);
        expect((await res.arrayBuffer()).byteLength).toBe(100);
      }
    });

    it('honours If-None-Match and If-Range', async () => {
      const etag = (await get(`/captures/${FINAL}`)).headers.get('etag')!;
      const notModified = await get(`/captures/${FINAL}`, { 'If-None-Match': etag });
      expect(notModified.status).toBe(304);
      expect(notModified.headers.get('etag')).toBe(etag);
      const stale = await get(`/captures/${FINAL}`, { Range: 'bytes=0-1', 'If-Range': '"other"' });
      expect(stale.status).toBe(200);
      const fresh = await get(`/captures/${FINAL}`, { Range: 'bytes=0-1', 'If-Range': etag });
      expect(fresh.status).toBe(206);
      await fresh.arrayBuffer();
    });

    it('answers HEAD with headers only', async () => {
      const res = await fetch(`${t.url}/captures/${FINAL}`, { method: 'HEAD', headers: auth() });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-length')).toBe('100');
      expect(res.headers.get('content-type')).toBe('image/png');
    });

    it('requires the API key (401, even for traversal names)', async () => {
      const res = await fetch(`${t.url}/captures/${FINAL}`);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="figranium"');
      expect(((await res.json()) as ErrorBody).error).toBe('UNAUTHORIZED');
      expect((await rawRequest(t.url, 'GET', '/captures/..%2Foutside-secret.txt')).status).toBe(401);
      const bearer = await fetch(`${t.url}/captures/${FINAL}`, { headers: { Authorization: `Bearer ${t.apiKey}` } });
      expect(bearer.status).toBe(200);
      await bearer.arrayBuffer();
    });

    it('answers 404 CAPTURE_NOT_FOUND for a valid name with no file (and for directories)', async () => {
      for (const name of [`runA_final_${MS + 9}.png`, `runZ_final_${MS}.png`]) {
        const res = await get(`/captures/${name}`);
        expect(res.status).toBe(404);
        expect(await res.json()).toEqual({ error: 'CAPTURE_NOT_FOUND', message: expect.any(String), details: { name } });
      }
    });
  });

  describe('invalid and traversal names', () => {
    const TRAVERSALS = [
      '/captures/..',
      '/captures/%2e%2e',
      '/captures/%2E%2E',
      '/captures/..%2Foutside-secret.txt',
      '/captures/%2e%2e%2foutside-secret.txt',
      '/captures/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '/captures/../outside-secret.txt',
      '/captures/..%5Coutside-secret.txt',
      '/captures/..\\outside-secret.txt',
      '/captures/a%00b',
      `/captures/${FINAL}%00.txt`,
      '/captures/%2Fetc%2Fpasswd',
      '/captures/%252e%252e%252foutside-secret.txt',
      `/captures/runA%2F${FINAL}`,
      `/captures/${encodeURIComponent('/tmp/outside-secret.txt')}`,
      '/captures/notes.txt',
      '/captures/.incoming',
      `/captures/runA_dl_${MS}`,
      `/captures/${'a'.repeat(300)}`,
    ];
    const label = (p: string) => (p.length > 80 ? `${p.slice(0, 40)}…(${p.length} chars)` : p);

    it.each(TRAVERSALS.map((p) => [label(p), p]))('GET %s → 400 INVALID_NAME, nothing outside touched', async (_label, rawPath) => {
      const res = await rawRequest(t.url, 'GET', rawPath, auth());
      expect(res.status).toBe(400);
      expect(res.json()).toEqual({ error: 'INVALID_NAME', message: expect.any(String) });
      expect(readFileSync(outside, 'utf8')).toBe('must survive');
    });

    it.each(TRAVERSALS.map((p) => p.replace('/captures/', '/api/data/captures/')).map((p) => [label(p), p]))(
      'DELETE %s → 400 INVALID_NAME, nothing deleted',
      async (_label, rawPath) => {
      const res = await rawRequest(t.url, 'DELETE', rawPath, auth());
      expect(res.status).toBe(400);
      expect(res.json()).toEqual({ error: 'INVALID_NAME', message: expect.any(String) });
      expect(readFileSync(outside, 'utf8')).toBe('must survive');
      expect(existsSync(path.join(dir, 'notes.txt'))).toBe(true);
      expect(existsSync(path.join(dir, '.incoming'))).toBe(true);
      },
    );
  });

  describe('DELETE /api/data/captures/:name', () => {
    it('deletes one capture, then answers 404 CAPTURE_NOT_FOUND', async () => {
      const name = `runD_shot_${MS}.png`;
      seed(name, 'x', 1);
      const res = await send('DELETE', `/api/data/captures/${name}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ success: true });
      expect(existsSync(path.join(dir, name))).toBe(false);
      const again = await send('DELETE', `/api/data/captures/${name}`);
      expect(again.status).toBe(404);
      expect(await again.json()).toEqual({ error: 'CAPTURE_NOT_FOUND', message: expect.any(String), details: { name } });
      expect((await get(`/captures/${name}`)).status).toBe(404);
    });
  });

  describe('POST /api/data/clear-screenshots', () => {
    it('deletes every capture except those of queued or running executions', async () => {
      const executions = t.app.get(ExecutionRepository);
      await executions.create(activeRecord('exec_clear_running', 'runActive', 'running'));
      await executions.create(activeRecord('exec_clear_queued', 'runQueued', 'queued'));
      seed(`runActive_shot_${MS}.png`, 'a', 1);
      seed(`runActive_dl_${MS}_keep.bin`, 'a', 1);
      seed(`runQueued_final_${MS}.png`, 'q', 1);
      const before = ((await (await get('/api/data/captures')).json()) as { captures: CaptureBody[] }).captures.length;

      const res = await send('POST', '/api/data/clear-screenshots');
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ success: true, deleted: before - 3 });
      const left = readdirSync(dir).sort();
      expect(left).toEqual(
        ['.incoming', 'notes.txt', `runA_dl_${MS}`, `runActive_dl_${MS}_keep.bin`, `runActive_shot_${MS}.png`, `runQueued_final_${MS}.png`, `runZ_final_${MS}.png`].sort(),
      );
      expect(readFileSync(outside, 'utf8')).toBe('must survive');

      const alias = await send('POST', '/api/clear-screenshots');
      expect(alias.status).toBe(200);
      expect(await alias.json()).toEqual({ success: true, deleted: 0 });
    });

    it('answers 401 without a key and 404 NOT_FOUND for GET', async () => {
      expect((await fetch(`${t.url}/api/data/clear-screenshots`, { method: 'POST' })).status).toBe(401);
      const res = await send('GET', '/api/clear-screenshots');
      expect(res.status).toBe(404);
      expect(((await res.json()) as ErrorBody).error).toBe('NOT_FOUND');
    });
  });
});

