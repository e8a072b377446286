import { randomInt } from 'node:crypto';
import type { BrowserContextOptions } from 'playwright';
import type { SelectedProxy } from '../../settings/proxies/proxy-selector.service.js';
import type { StorageStateShape } from './browser-session.js';

export interface Viewport {
  width: number;
  height: number;
}

export const DEFAULT_VIEWPORT: Readonly<Viewport> = { width: 1366, height: 768 };

/** RUNNER §11.3: 1366×768, or with `rotateViewport` width in [1280, 1919] and height in [720, 1079]. */
export function pickViewport(rotate: boolean, random: (min: number, maxExclusive: number) => number = randomInt): Viewport {
  if (!rotate) return { ...DEFAULT_VIEWPORT };
  return { width: random(1280, 1920), height: random(720, 1080) };
}

export interface ContextOptionsInput {
  viewport: Viewport;
  userAgent: string;
  locale: string;
  timezoneId: string;
  storageState: StorageStateShape | null;
  proxy: SelectedProxy | null;
  /** Directory for the video, or null when recording is disabled. */
  videoDir: string | null;
}

/** Playwright context options of RUNNER §11.3. */
export function buildContextOptions(input: ContextOptionsInput): BrowserContextOptions {
  const options: BrowserContextOptions = {
    viewport: { ...input.viewport },
    deviceScaleFactor: 1,
    isMobile: false,
    hasTouch: false,
    userAgent: input.userAgent,
    locale: input.locale,
    timezoneId: input.timezoneId,
    colorScheme: 'light',
    permissions: [],
    acceptDownloads: true,
    serviceWorkers: 'block',
  };
  if (input.storageState) options.storageState = { cookies: input.storageState.cookies, origins: input.storageState.origins };
  if (input.videoDir) options.recordVideo = { dir: input.videoDir, size: { ...input.viewport } };
  if (input.proxy) {
    options.proxy = { server: input.proxy.server };
    if (input.proxy.username !== undefined) options.proxy.username = input.proxy.username;
    if (input.proxy.password !== undefined) options.proxy.password = input.proxy.password;
  }
  return options;
}

/** How a proxy is named in logs: label or id, never credentials. */
export function proxyLogName(proxy: SelectedProxy | null): string {
  if (!proxy) return 'none (host)';
  return proxy.label ? `${proxy.label} (${proxy.id})` : proxy.id;
}
