import type { Browser, BrowserContext, CDPSession, Frame, Page, Request } from 'playwright';
import type { HostVerdict, UrlGuard } from '../../network/url-guard.service.js';
import type { RefusalKind } from '../../network/url-refused.error.js';
import { redactUrl } from '../../network/url-redaction.js';

export type RequestVerdict = { allowed: true } | { allowed: false; kind: RefusalKind; address: string | null; reason: string };

/** Schemes that never touch the network; allowed for any request (RUNNER §11.8 lists them for main frames). */
const LOCAL_SCHEMES = new Set(['about:', 'data:', 'blob:']);
const NETWORK_SCHEMES = new Set(['http:', 'https:', 'ws:', 'wss:']);
const BLOCKED_ERROR = 'ERR_BLOCKED_BY_CLIENT';

type HostChecker = Pick<UrlGuard, 'checkHostCached'>;

const UNCHECKABLE: RequestVerdict = { allowed: false, kind: 'unresolvable', address: null, reason: 'the host could not be checked' };

/** The §11.8 check of one request URL: scheme first, then the cached host verdict (API §1.9). */
export async function checkRequestUrl(raw: string, guard: HostChecker): Promise<RequestVerdict> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { allowed: false, kind: 'unparsable', address: null, reason: 'the URL cannot be parsed' };
  }
  if (LOCAL_SCHEMES.has(url.protocol)) return { allowed: true };
  if (!NETWORK_SCHEMES.has(url.protocol)) {
    return { allowed: false, kind: 'unsupported_scheme', address: null, reason: `scheme ${url.protocol} is not allowed (only http and https)` };
  }
  const verdict = await guard.checkHostCached(url.hostname);
  return verdict.allowed ? { allowed: true } : { allowed: false, kind: verdict.kind, address: verdict.address, reason: describeRefusal(verdict) };
}

function describeRefusal(v: Extract<HostVerdict, { allowed: false }>): string {
  switch (v.kind) {
    case 'docker_host':
      return 'host.docker.internal is always refused';
    case 'localhost':
      return `${v.address ?? 'the host'} is a loopback name and private networks are not allowed`;
    case 'private_address':
      return `the host resolves to blocked address ${v.address ?? ''}${v.range ? ` (${v.range})` : ''}`;
    case 'unresolvable':
      return 'the host does not resolve';
    case 'unsupported_scheme':
      return 'the scheme is not allowed';
    case 'unparsable':
      return 'the host cannot be parsed';
  }
}

function safeCheck(raw: string, guard: HostChecker): Promise<RequestVerdict> {
  return checkRequestUrl(raw, guard).catch(() => UNCHECKABLE);
}

/**
 * Browser-wide request interception over CDP (`Fetch` on the browser target): every request of
 * every context, including each redirect hop, sub-frames in other processes and browser-initiated
 * fetches, is paused, checked and continued or failed with `BlockedByClient`. Playwright's own
 * routes cannot do this: they never see redirect hops. Returns false when CDP is not available.
 */
export async function installBrowserNetworkGuard(browser: Browser, guard: HostChecker): Promise<boolean> {
  let cdp: CDPSession;
  try {
    cdp = await browser.newBrowserCDPSession();
  } catch {
    return false;
  }
  cdp.on('Fetch.requestPaused', (event) => {
    void safeCheck(event.request.url + (event.request.urlFragment ?? ''), guard).then(async (verdict) => {
      try {
        if (verdict.allowed) await cdp.send('Fetch.continueRequest', { requestId: event.requestId });
        else await cdp.send('Fetch.failRequest', { requestId: event.requestId, errorReason: 'BlockedByClient' });
      } catch {
        // The request is gone (page closed, context closed, browser gone).
      }
    });
  });
  try {
    await cdp.send('Fetch.enable', { patterns: [{ urlPattern: '*', requestStage: 'Request' }] });
    return true;
  } catch {
    await cdp.detach().catch(() => undefined);
    return false;
  }
}

/** Fallback when the browser-wide guard is unavailable: first hops only (routes never see redirects). */
export async function installContextRouteGuard(context: BrowserContext, guard: HostChecker): Promise<void> {
  await context.route(
    () => true,
    async (route) => {
      const verdict = await safeCheck(route.request().url(), guard);
      if (verdict.allowed) await route.continue().catch(() => undefined);
      else await route.abort('blockedbyclient').catch(() => undefined);
    },
  );
}

export interface BlockedRequest {
  /** Redacted URL (no credentials, no query). */
  url: string;
  kind: RefusalKind;
  address: string | null;
  reason: string;
  /** A top-level navigation of some page of the context. */
  mainFrameNavigation: boolean;
  /** The page it belongs to, when known. */
  page: Page | null;
  websocket: boolean;
}

function frameOf(request: Request): Frame | null {
  try {
    return request.frame();
  } catch {
    return null; // service-worker requests have no frame
  }
}

/** True for a navigation error caused by the guard (the only source of BLOCKED_BY_CLIENT here). */
export function isBlockedByGuard(error: unknown): boolean {
  return error instanceof Error && error.message.includes(BLOCKED_ERROR);
}

/**
 * Reports the context's blocked requests (they fail with `ERR_BLOCKED_BY_CLIENT`), with the
 * guard's reason, and guards WebSockets (`routeWebSocket`; CDP `Fetch` does not see them).
 */
export async function watchBlockedRequests(context: BrowserContext, guard: HostChecker, onBlocked: (blocked: BlockedRequest) => void): Promise<void> {
  context.on('requestfailed', (request) => {
    if (!(request.failure()?.errorText ?? '').includes(BLOCKED_ERROR)) return;
    const frame = frameOf(request);
    const base = {
      url: redactUrl(request.url()),
      mainFrameNavigation: request.isNavigationRequest() && frame !== null && frame.parentFrame() === null,
      page: frame?.page() ?? null,
      websocket: false,
    };
    void safeCheck(request.url(), guard).then((verdict) => {
      if (!verdict.allowed) onBlocked({ ...base, kind: verdict.kind, address: verdict.address, reason: verdict.reason });
    });
  });
  await context.routeWebSocket(
    () => true,
    async (ws) => {
      const verdict = await safeCheck(ws.url(), guard);
      if (verdict.allowed) {
        ws.connectToServer();
        return;
      }
      await ws.close({ code: 1008, reason: 'Blocked by the network guard' });
      onBlocked({ url: redactUrl(ws.url()), kind: verdict.kind, address: verdict.address, reason: verdict.reason, mainFrameNavigation: false, page: null, websocket: true });
    },
  );
}
