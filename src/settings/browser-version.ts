import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.service.js';
import { APP_LOGGER, type AppLogger } from '../logging/app-logger.js';

/**
 * Major version of the pooled Chromium (the `<M>` of the built-in user agents, RUNNER §11.2).
 * The browser pool is expected to provide the real value; DefaultBrowserVersion guesses it.
 */
export abstract class BrowserVersion {
  abstract majorVersion(): Promise<number>;
}

const SYSTEM_CHROMIUMS = ['/usr/bin/chromium', 'chromium', 'chromium-browser', 'google-chrome-stable'];
/** Last resort when no Chromium answers and Playwright's browsers.json is unreadable. */
export const FALLBACK_MAJOR_VERSION = 140;
const VERSION_TIMEOUT_MS = 5000;

/** `Chromium 156.0.8078.114 built on Debian` → 156. */
export function parseMajorVersion(text: string): number | null {
  const m = /(\d+)\.\d+\.\d+(?:\.\d+)?/.exec(text);
  return m ? Number(m[1]) : null;
}

/** `browserVersion` of `chromium` in playwright-core's browsers.json. */
export function bundledChromiumMajor(): number | null {
  try {
    const req = createRequire(import.meta.url);
    const file = path.join(path.dirname(req.resolve('playwright-core/package.json')), 'browsers.json');
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { browsers?: { name?: string; browserVersion?: string }[] };
    const chromium = parsed.browsers?.find((b) => b.name === 'chromium');
    return chromium?.browserVersion ? parseMajorVersion(chromium.browserVersion) : null;
  } catch {
    return null;
  }
}

export function executableMajor(executable: string): Promise<number | null> {
  return new Promise((resolve) => {
    execFile(executable, ['--version'], { timeout: VERSION_TIMEOUT_MS }, (err, stdout) => {
      resolve(err ? null : parseMajorVersion(String(stdout)));
    });
  });
}

async function playwrightChromiumInstalled(): Promise<boolean> {
  try {
    const { chromium } = await import('playwright');
    return existsSync(chromium.executablePath());
  } catch {
    return false;
  }
}

/**
 * Follows the pool's executable order (RUNNER §11.1): the configured executable, else
 * Playwright's installed Chromium (its version is in browsers.json), else a system Chromium.
 * Runs `--version` at most once per candidate and caches the answer for the process.
 */
@Injectable()
export class DefaultBrowserVersion extends BrowserVersion {
  private cached: Promise<number> | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: AppLogger,
  ) {
    super();
  }

  majorVersion(): Promise<number> {
    this.cached ??= this.detect();
    return this.cached;
  }

  private async detect(): Promise<number> {
    const configured = this.config.browser.executablePath;
    if (configured) {
      const major = await executableMajor(configured);
      if (major !== null) return major;
    } else {
      const bundled = (await playwrightChromiumInstalled()) ? bundledChromiumMajor() : null;
      if (bundled !== null) return bundled;
      for (const candidate of SYSTEM_CHROMIUMS) {
        const major = await executableMajor(candidate);
        if (major !== null) return major;
      }
    }
    const bundled = bundledChromiumMajor();
    if (bundled !== null) return bundled;
    this.logger.warn({ fallback: FALLBACK_MAJOR_VERSION }, 'could not determine the Chromium version for the built-in user agents');
    return FALLBACK_MAJOR_VERSION;
  }
}
