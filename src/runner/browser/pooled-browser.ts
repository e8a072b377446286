import type { Browser } from 'playwright';

/** `HeadlessChrome/<version>` UA built from the version when the browser cannot be asked. */
export function fallbackUserAgent(version: string): string {
  return `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/${version} Safari/537.36`;
}

/** Book-keeping for one browser of the pool. */
export class PooledBrowser {
  /** Contexts ever created on it (the recycle counter). */
  contexts = 0;
  /** Contexts open now. */
  active = 0;
  /** No new contexts; closed when the last one closes. */
  draining = false;
  /** We asked it to close (so its disconnect is not a crash). */
  closing = false;
  connected = true;
  /** The browser-wide network guard is installed. */
  networkGuarded = false;
  readonly disconnected: Promise<Error>;
  ageTimer: NodeJS.Timeout | null = null;
  private markDisconnected!: (reason: Error) => void;
  private ua: Promise<string> | null = null;

  constructor(
    readonly id: number,
    readonly browser: Browser,
    readonly createdAt: number,
  ) {
    this.disconnected = new Promise<Error>((resolve) => {
      this.markDisconnected = resolve;
    });
  }

  onDisconnected(reason: Error): void {
    this.connected = false;
    if (this.ageTimer) clearTimeout(this.ageTimer);
    this.ageTimer = null;
    this.markDisconnected(reason);
  }

  /** Browser.getVersion over CDP gives the exact default UA; cached per browser. */
  userAgent(): Promise<string> {
    this.ua ??= (async () => {
      try {
        const cdp = await this.browser.newBrowserCDPSession();
        try {
          const info = await cdp.send('Browser.getVersion');
          if (info.userAgent) return info.userAgent;
        } finally {
          await cdp.detach().catch(() => undefined);
        }
      } catch {
        // Not Chromium over CDP (or gone): fall through.
      }
      return fallbackUserAgent(this.browser.version());
    })();
    return this.ua;
  }
}
