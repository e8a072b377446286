import type { BrowserContext, Frame, Page, Request } from 'playwright';
import type { HostVerdict, UrlGuard } from '../../network/url-guard.service.js';
import type { RefusalKind } from '../../network/url-refused.error.js';
import { redactUrl } from '../../network/url-redaction.js';

export type RequestVerdict = { allowed: true } | { allowed: false; kind: RefusalKind; address: string | null; reason: string };

/** Schemes that never touch the network; allowed for any request (RUNNER §11.8 lists them for main frames). */
const LOCAL_SCHEMES = new Set(['about:', 'data:', 'blob:']);
const NETWORK_SCHEMES = new Set(['http:', 'https:', 'ws:', 'wss:']);

type HostChecker = Pick<UrlGuard, 'checkHostCached'>;

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

/**
 * Routes every request and WebSocket of the context through the guard (RUNNER §11.8). Blocked
 * requests are aborted with `blockedbyclient`; each block is reported through `onBlocked`.
 */
export async function installNetworkGuard(context: BrowserContext, guard: HostChecker, onBlocked: (blocked: BlockedRequest) => void): Promise<void> {
  await context.route(
    () => true,
    async (route) => {
      const request = route.request();
      let verdict: RequestVerdict;
      try {
        verdict = await checkRequestUrl(request.url(), guard);
      } catch {
        verdict = { allowed: false, kind: 'unresolvable', address: null, reason: 'the host could not be checked' };
      }
      if (verdict.allowed) {
        await route.continue().catch(() => undefined);
        return;
      }
      await route.abort('blockedbyclient').catch(() => undefined);
      const frame = frameOf(request);
      onBlocked({
        url: redactUrl(request.url()),
        kind: verdict.kind,
        address: verdict.address,
        reason: verdict.reason,
        mainFrameNavigation: request.isNavigationRequest() && frame !== null && frame.parentFrame() === null,
        page: frame?.page() ?? null,
        websocket: false,
      });
    },
  );
  await context.routeWebSocket(
    () => true,
    async (ws) => {
      const verdict = await checkRequestUrl(ws.url(), guard).catch(
        (): RequestVerdict => ({ allowed: false, kind: 'unresolvable', address: null, reason: 'the host could not be checked' }),
      );
      if (verdict.allowed) {
        ws.connectToServer();
        return;
      }
      await ws.close({ code: 1008, reason: 'Blocked by the network guard' });
      onBlocked({ url: redactUrl(ws.url()), kind: verdict.kind, address: verdict.address, reason: verdict.reason, mainFrameNavigation: false, page: null, websocket: true });
    },
  );
}
