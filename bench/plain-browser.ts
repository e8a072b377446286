import { chromium, type Browser, type BrowserContextOptions } from 'playwright';
import type { AppConfig } from '../src/config/config.schema.js';
import { chromiumLaunchArgs, resolveChromiumExecutable, systemExecutableProbe } from '../src/runner/browser/chromium-launch.js';
import { buildContextOptions, DEFAULT_VIEWPORT } from '../src/runner/browser/context-options.js';

export interface PlainBrowser {
  browser: Browser;
  executable: string;
  args: string[];
  /** Options for each iteration's context: the runner's defaults (RUNNER §11.3). */
  contextOptions(videoDir: string | null): BrowserContextOptions;
}

/**
 * A warm Chromium for the plain-Playwright side, started the way the runner's pool starts one:
 * same executable resolution, same arguments, same sandbox rule (root → --no-sandbox).
 */
export async function launchPlainBrowser(config: AppConfig): Promise<PlainBrowser> {
  const resolved = await resolveChromiumExecutable(config.browser.executablePath, systemExecutableProbe(() => chromium.executablePath()));
  if (!resolved) throw new Error('No Chromium found (set PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH or install chromium)');
  const noSandbox = process.getuid?.() === 0 || config.browser.noSandbox;
  const args = chromiumLaunchArgs(noSandbox);
  const browser = await chromium.launch({ headless: true, executablePath: resolved.executablePath, args, chromiumSandbox: !noSandbox });
  const userAgent = await systemUserAgent(browser);
  return {
    browser,
    executable: resolved.executablePath ?? chromium.executablePath(),
    args,
    contextOptions: (videoDir) =>
      buildContextOptions({
        viewport: { ...DEFAULT_VIEWPORT },
        userAgent,
        locale: config.browser.locale,
        timezoneId: config.browser.timezone,
        storageState: null,
        proxy: null,
        videoDir,
      }),
  };
}

/** The runner's default `system` user agent: the browser's own, without "Headless". */
async function systemUserAgent(browser: Browser): Promise<string> {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const info = await cdp.send('Browser.getVersion');
    return info.userAgent.replaceAll('HeadlessChrome/', 'Chrome/');
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}
