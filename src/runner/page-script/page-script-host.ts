/**
 * The CDP session a run uses to execute user code on a page (RUNNER §7.1): `Runtime.evaluate`
 * in the main world, console capture through `Runtime.consoleAPICalled` (so no page function
 * is patched), and `Runtime.terminateExecution` for time limits. One session per page.
 */
import type { CDPSession, Page } from 'playwright';
import { formatConsoleArgs, type RemoteObjectLike } from './console-format.js';

export type ConsoleLevel = 'info' | 'warn' | 'error';

interface ConsoleEvent {
  type: string;
  args: RemoteObjectLike[];
  stackTrace?: { callFrames: Array<{ url: string }>; parent?: ConsoleEvent['stackTrace'] };
}

type ConsoleListener = (level: ConsoleLevel, text: string) => void;

/** The console methods that are captured, and their log levels. */
const CAPTURED: Readonly<Record<string, ConsoleLevel>> = { log: 'info', info: 'info', warning: 'warn', error: 'error' };

const hosts = new WeakMap<Page, Promise<PageScriptHost>>();

function stackUrls(trace: ConsoleEvent['stackTrace']): string[] {
  const urls: string[] = [];
  for (let t = trace; t; t = t.parent) for (const frame of t.callFrames) urls.push(frame.url);
  return urls;
}

export class PageScriptHost {
  private readonly listeners = new Map<string, ConsoleListener>();
  private closed = false;

  private constructor(readonly session: CDPSession) {
    session.on('Runtime.consoleAPICalled', (event) => this.onConsole(event as ConsoleEvent));
    session.on('close', () => {
      this.closed = true;
    });
  }

  /** The page's host, created on first use. */
  static for(page: Page): Promise<PageScriptHost> {
    let host = hosts.get(page);
    if (!host) {
      host = PageScriptHost.create(page);
      hosts.set(page, host);
      host.catch(() => hosts.delete(page));
    }
    return host.then((h) => {
      if (!h.closed) return h;
      hosts.delete(page);
      return PageScriptHost.for(page);
    });
  }

  private static async create(page: Page): Promise<PageScriptHost> {
    const session = await page.context().newCDPSession(page);
    const host = new PageScriptHost(session);
    await session.send('Runtime.enable');
    return host;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Console calls whose stack contains `sourceUrl` go to `listener` until the returned function is called. */
  listen(sourceUrl: string, listener: ConsoleListener): () => void {
    this.listeners.set(sourceUrl, listener);
    return () => this.listeners.delete(sourceUrl);
  }

  evaluate(expression: string, signal?: AbortSignal): Promise<{ value?: unknown; exception?: string }> {
    return this.session
      .send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }, signal ? { signal } : undefined)
      .then((response) => {
        if (response.exceptionDetails) {
          const details = response.exceptionDetails;
          const description = details.exception?.description ?? details.text;
          return { exception: description.split('\n')[0] };
        }
        return { value: response.result.value };
      });
  }

  /** Interrupts the JavaScript the page is running now (a busy loop); harmless when idle. */
  async terminate(): Promise<void> {
    await this.session.send('Runtime.terminateExecution').catch(() => undefined);
  }

  /** True when the page answers a trivial evaluation within `ms`. */
  async responsive(ms: number): Promise<boolean> {
    try {
      await this.session.send('Runtime.evaluate', { expression: '0', returnByValue: true }, { timeout: ms });
      return true;
    } catch {
      return false;
    }
  }

  private onConsole(event: ConsoleEvent): void {
    const level = CAPTURED[event.type];
    if (level === undefined || this.listeners.size === 0) return;
    for (const url of stackUrls(event.stackTrace)) {
      const listener = this.listeners.get(url);
      if (listener) {
        listener(level, formatConsoleArgs(event.args));
        return;
      }
    }
  }
}
