// Downloads (RUNNER §11.6) and recordings (§11.7) of browser sessions, against real Chromium.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { isValidCaptureName } from '../../src/captures/capture-name.js';
import type { CaptureInfo } from '../../src/runner/runner.types.js';
import { REPORT_CSV } from '../fixtures/routes/download-routes.js';
import { startFixtureServer, type FixtureServer } from '../fixtures/fixture-server.js';
import { startTestApp, type TestApp } from '../support/app-harness.js';
import { browserEnv, NAV, openSession, signal, within, type OpenedSession } from './browser-session-kit.js';

const MAX_DOWNLOAD_BYTES = 1_000_000;

describe('browser session files', () => {
  let t: TestApp;
  let site: FixtureServer;
  let capturesDir: string;

  beforeAll(async () => {
    site = await startFixtureServer();
    t = await startTestApp({ env: browserEnv({ ALLOW_PRIVATE_NETWORKS: 'true', MAX_DOWNLOAD_BYTES: String(MAX_DOWNLOAD_BYTES) }) });
    capturesDir = t.config.capturesDir;
  });
  afterAll(async () => {
    await t?.close();
    await site?.close();
  });

  const filesOf = (runId: string) => (existsSync(capturesDir) ? readdirSync(capturesDir).filter((f) => f.startsWith(`${runId}_`)) : []);
  const captureEvents = (o: OpenedSession) => o.events.flatMap((e) => (e.event === 'capture' ? [e.capture] : []));

  async function downloadAll(o: OpenedSession, selectors: string[]): Promise<void> {
    const { session } = o;
    for (const sel of selectors) {
      const started = session.downloads.waitForStart(5000, signal());
      await session.page.click(sel);
      expect(await started).toBe(true);
    }
    expect(await session.downloads.waitIdle(15_000, signal())).toBe(true);
  }

  describe('downloads (RUNNER §11.6)', () => {
    it('saves every download into captures under a sanitised name and emits capture events', async () => {
      const o = await openSession(t);
      await o.session.navigate(`${site.url}/download.html`, { ...NAV, signal: signal() });
      expect(o.session.downloads.inProgress()).toBe(0);
      await downloadAll(o, ['#dl-report', '#dl-unsafe', '#dl-named', '#dl-blob']);

      const done = o.session.downloads.completed();
      // `name` is the browser's suggested name (Chromium already neutralises the path in `../../etc/passwd`).
      expect(done.map((d) => d.name).sort()).toEqual(['_.._etc_passwd', 'blob file.txt', 'report 2024.csv', 'résumé final.txt'].sort());
      const saved = filesOf(o.runId);
      expect(saved).toHaveLength(4);
      for (const d of done) {
        const file = d.path.replace(/^\/captures\//, '');
        expect(d.path).toBe(`/captures/${file}`);
        expect(file).toMatch(new RegExp(`^${o.runId}_dl_\\d{13}_[A-Za-z0-9._-]+$`));
        expect(isValidCaptureName(file)).toBe(true);
        expect(saved).toContain(file);
      }
      const byName = Object.fromEntries(done.map((d) => [d.name, d]));
      expect(byName['report 2024.csv'].path).toMatch(/_dl_\d{13}_report_2024\.csv$/);
      expect(byName['report 2024.csv'].url).toBe(`${site.url}/download/report`);
      expect(byName['résumé final.txt'].path).toMatch(/_dl_\d{13}_r_sum_?_final\.txt$/);
      expect(byName['_.._etc_passwd'].path).toMatch(/_dl_\d{13}__\._etc_passwd$/);
      expect(byName['blob file.txt'].url).toMatch(/^blob:/);
      expect(readFileSync(path.join(capturesDir, byName['report 2024.csv'].path.slice('/captures/'.length)), 'utf8')).toBe(REPORT_CSV);

      const captures = captureEvents(o);
      expect(captures).toHaveLength(4);
      for (const c of captures) {
        expect(c.type).toBe('download');
        expect(c.url).toBe(`/captures/${c.name}`);
        expect(c.size).toBe(statSync(path.join(capturesDir, c.name)).size);
      }
      // The staging area holds nothing once the files are published.
      const staging = path.join(capturesDir, '.incoming');
      expect(existsSync(staging) ? readdirSync(staging) : []).toEqual([]);
      await o.session.close();
    });

    it('cancels a download over MAX_DOWNLOAD_BYTES while it streams, with a warning and no file', async () => {
      const o = await openSession(t);
      await o.session.navigate(`${site.url}/download.html`, { ...NAV, signal: signal() });
      // 20 MB without Content-Length at ~2 MB/s: only progress tracking can stop it early.
      const started = o.session.downloads.waitForStart(5000, signal());
      await o.session.page.evaluate((href) => {
        const a = document.createElement('a');
        a.href = href;
        document.body.append(a);
        a.click();
      }, `${site.url}/download/slow?size=20000000&chunk=100000&interval=50&length=0&name=huge.bin`);
      expect(await started).toBe(true);
      const t0 = Date.now();
      expect(await o.session.downloads.waitIdle(8000, signal())).toBe(true);
      expect(Date.now() - t0).toBeLessThan(8000);
      // With Content-Length the size is known at the first progress event.
      await downloadAll(o, ['#dl-slow']);

      expect(o.session.downloads.completed()).toEqual([]);
      expect(filesOf(o.runId)).toEqual([]);
      const warnings = o.logs('warn');
      expect(warnings).toEqual(
        expect.arrayContaining([
          `Download "huge.bin" cancelled: larger than MAX_DOWNLOAD_BYTES (${MAX_DOWNLOAD_BYTES} bytes)`,
          `Download "slow.bin" cancelled: larger than MAX_DOWNLOAD_BYTES (${MAX_DOWNLOAD_BYTES} bytes)`,
        ]),
      );
      expect(captureEvents(o)).toEqual([]);
      await o.session.close();
    });

    it('sends download requests through the network guard (a blocked redirect hop saves nothing)', async () => {
      const o = await openSession(t);
      await o.session.navigate(`${site.url}/download.html`, { ...NAV, signal: signal() });
      await o.session.page.evaluate((href) => {
        const a = document.createElement('a');
        a.href = href;
        a.download = 'internal.bin';
        document.body.append(a);
        a.click();
      }, `${site.url}/redirect?to=http://host.docker.internal/internal.bin`);
      expect(await o.session.downloads.waitForStart(1500, signal())).toBe(false);
      expect(o.logs('warn')).toContain('Blocked navigation to http://host.docker.internal/internal.bin: host.docker.internal is always refused');
      expect(o.session.downloads.completed()).toEqual([]);
      expect(filesOf(o.runId)).toEqual([]);
      await o.session.close();
    });

    it('waitForStart and waitIdle answer false on timeout and on abort', async () => {
      const o = await openSession(t);
      expect(await o.session.downloads.waitForStart(200, signal())).toBe(false);
      const controller = new AbortController();
      const pending = o.session.downloads.waitForStart(10_000, controller.signal);
      controller.abort();
      expect(await within(pending, 1000, 'abort')).toBe(false);
      expect(await o.session.downloads.waitIdle(100, signal())).toBe(true);
      await o.session.close();
    });
  });

  describe('recording (RUNNER §11.7)', () => {
    it('moves the main page video into captures only after close, as <runId>_rec_<startedAt>.webm', async () => {
      const o = await openSession(t, { task: { disableRecording: false } });
      await o.session.navigate(`${site.url}/popup.html`, { ...NAV, signal: signal() });
      await o.session.page.click('#open-popup');
      await o.session.page.waitForTimeout(500);
      expect(o.session.context.pages()).toHaveLength(2);
      expect(filesOf(o.runId)).toEqual([]);

      const { recording } = await o.session.close();
      const expectedName = `${o.runId}_rec_${o.startedAt}.webm`;
      const expected: Omit<CaptureInfo, 'size'> = { name: expectedName, url: `/captures/${expectedName}`, type: 'recording' };
      expect(recording).toEqual({ ...expected, size: expect.any(Number) });
      expect(filesOf(o.runId)).toEqual([expectedName]);
      const file = path.join(capturesDir, expectedName);
      expect(statSync(file).size).toBe(recording?.size);
      expect(readFileSync(file).subarray(0, 4)).toEqual(Buffer.from([0x1a, 0x45, 0xdf, 0xa3])); // EBML (WebM)
      expect(captureEvents(o)).toEqual([recording]);
      // close() is idempotent.
      expect(await o.session.close()).toEqual({ recording });
    });

    it('records nothing with disableRecording', async () => {
      const o = await openSession(t, { task: { disableRecording: true } });
      await o.session.navigate(`${site.url}/form.html`, { ...NAV, signal: signal() });
      expect(o.session.page.video()).toBeNull();
      expect(await o.session.close()).toEqual({ recording: null });
      expect(filesOf(o.runId)).toEqual([]);
      expect(captureEvents(o)).toEqual([]);
    });
  });
});
