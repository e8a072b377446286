import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import pino from 'pino';
import type { AppConfig } from '../config/config.schema.js';
import { makeTempDir } from '../../test/support/temp-dir.js';
import { bundledChromiumMajor, DefaultBrowserVersion, executableMajor, parseMajorVersion } from './browser-version.js';

const temp = makeTempDir();
afterAll(() => temp.cleanup());

function fakeChromium(name: string, output: string): { exe: string; calls: () => number } {
  const exe = path.join(temp.dir, name);
  const counter = `${exe}.calls`;
  writeFileSync(counter, '');
  writeFileSync(exe, `#!/bin/sh\necho x >> '${counter}'\necho '${output}'\n`);
  chmodSync(exe, 0o755);
  return { exe, calls: () => readFileSync(counter, 'utf8').split('\n').filter(Boolean).length };
}

const withExecutable = (executablePath?: string) =>
  new DefaultBrowserVersion({ browser: { executablePath } } as AppConfig, pino({ level: 'silent' }));

describe('BrowserVersion', () => {
  it('parses version banners', () => {
    expect(parseMajorVersion('Chromium 156.0.8078.114 built on Debian GNU/Linux 12')).toBe(156);
    expect(parseMajorVersion('Google Chrome 131.0.6778.85')).toBe(131);
    expect(parseMajorVersion('159.0.8154.6')).toBe(159);
    expect(parseMajorVersion('no version here')).toBeNull();
  });

  it('reads the chromium browserVersion from playwright-core/browsers.json', () => {
    const major = bundledChromiumMajor();
    expect(Number.isInteger(major)).toBe(true);
    expect(major).toBeGreaterThan(100);
  });

  it('runs the configured executable with --version once and caches the answer', async () => {
    const fake = fakeChromium('chromium-fake', 'Chromium 123.0.6312.58 built on Test');
    const version = withExecutable(fake.exe);
    expect(await version.majorVersion()).toBe(123);
    expect(await version.majorVersion()).toBe(123);
    expect(fake.calls()).toBe(1);
  });

  it('falls back to browsers.json when the configured executable fails', async () => {
    expect(await executableMajor(path.join(temp.dir, 'missing'))).toBeNull();
    const garbage = fakeChromium('not-chromium', 'hello');
    expect(await withExecutable(garbage.exe).majorVersion()).toBe(bundledChromiumMajor());
    expect(await withExecutable(path.join(temp.dir, 'missing')).majorVersion()).toBe(bundledChromiumMajor());
  });
});
