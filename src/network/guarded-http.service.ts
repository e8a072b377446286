import { Injectable } from '@nestjs/common';
import { raceSignal } from '../common/promise-race.js';
import * as http from 'node:http';
import * as https from 'node:https';
import type { LookupFunction, Socket } from 'node:net';
import type { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import type { ResolvedAddress } from './dns-resolver.js';
import { ipFamily } from './ip-ranges.js';
import { OutboundRequestError } from './outbound-request.error.js';
import { UrlGuard, type CheckedUrl } from './url-guard.service.js';
import { redactUrl } from './url-redaction.js';
import { UrlRefusedError, type GuardFlavour } from './url-refused.error.js';

/**
 * `follow-get`: fetch-like (303 → GET; 301/302 turn POST into GET; 307/308 keep method and body).
 * `resend`: every redirect re-sends the same method and body (webhooks, API §4.8).
 */
export type RedirectMode = 'follow-get' | 'resend';

export interface GuardedRequest {
  /** Default GET. */
  method?: string;
  url: string | URL;
  headers?: Record<string, string | string[] | undefined>;
  body?: string | Uint8Array;
  /** Total budget: DNS checks, connects, redirects and the full final response. */
  timeoutMs: number;
  /** Default 5 (API §1.9). */
  maxRedirects?: number;
  /** Decoded body size limit of the final response. */
  maxResponseBytes: number;
  signal?: AbortSignal;
  /** Default `follow-get`. */
  redirectMode?: RedirectMode;
  /** Which error codes refusals use; default `standard`. */
  flavour?: GuardFlavour;
  /** Decode gzip/deflate/br bodies (only sent when the caller asked via Accept-Encoding). Default true. */
  decompress?: boolean;
}

export interface GuardedResponse {
  status: number;
  statusText: string;
  /** Response headers as received (lower-case names). */
  headers: Record<string, string | string[]>;
  body: Buffer;
  /** Final URL after redirects (not redacted). */
  url: string;
  redirects: number;
}

/** setTimeout fires at once for delays beyond 2^31-1 ms. */
const MAX_TIMER_MS = 2_147_483_647;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Headers the client owns; callers cannot set them. */
const RESERVED_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer', 'proxy-connection']);
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];
const BODY_HEADERS = ['content-type', 'content-encoding', 'content-language', 'content-location'];

type HeaderMap = Record<string, string | string[]>;

/**
 * Server-side HTTP with the SSRF guard on every hop (API §1.9): each hop is checked, the
 * connection goes only to the addresses that were checked, redirects are followed by hand.
 */
@Injectable()
export class GuardedHttpClient {
  constructor(private readonly guard: UrlGuard) {}

  async request(req: GuardedRequest): Promise<GuardedResponse> {
    const maxRedirects = req.maxRedirects ?? 5;
    const flavour = req.flavour ?? 'standard';
    const mode = req.redirectMode ?? 'follow-get';
    const control = new AbortController();
    let currentUrl = redactUrl(String(req.url));
    const timer = setTimeout(() => control.abort(new OutboundRequestError('timeout', `Request timed out after ${req.timeoutMs} ms`, currentUrl)), Math.min(req.timeoutMs, MAX_TIMER_MS));
    const onCallerAbort = () => control.abort(new OutboundRequestError('aborted', 'Request aborted', currentUrl, undefined, { cause: req.signal?.reason }));
    if (req.signal?.aborted) onCallerAbort();
    else req.signal?.addEventListener('abort', onCallerAbort, { once: true });

    try {
      let target: string | URL = req.url;
      let method = (req.method ?? 'GET').toUpperCase();
      let body = req.body === undefined ? undefined : Buffer.from(req.body);
      const headers = sanitiseHeaders(req.headers);
      let previousOrigin: string | null = null;
      for (let redirects = 0; ; redirects++) {
        const hop = await this.checkHop(target, flavour, control.signal);
        currentUrl = redactUrl(hop.url);
        if (previousOrigin !== null && hop.url.origin !== previousOrigin) for (const h of CREDENTIAL_HEADERS) delete headers[h];
        previousOrigin = hop.url.origin;

        const res = await send(hop, method, headers, body, control.signal);
        const location = res.headers.location;
        if (!REDIRECT_STATUSES.has(res.statusCode ?? 0) || location === undefined) {
          const data = await readBody(res, req.maxResponseBytes, req.decompress ?? true, control.signal, currentUrl);
          return { status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: copyHeaders(res.headers), body: data, url: hop.url.href, redirects };
        }
        res.destroy();
        if (redirects >= maxRedirects) {
          throw new OutboundRequestError('too_many_redirects', `More than ${maxRedirects} redirects`, currentUrl);
        }
        target = resolveLocation(location, hop.url, flavour);
        if (mode === 'follow-get' && switchesToGet(res.statusCode ?? 0, method)) {
          method = method === 'HEAD' ? 'HEAD' : 'GET';
          body = undefined;
          for (const h of BODY_HEADERS) delete headers[h];
        }
      }
    } catch (err) {
      if (err instanceof OutboundRequestError) throw err;
      // A rejection raced by the abort signal carries the signal's reason.
      if (control.signal.aborted && control.signal.reason instanceof OutboundRequestError) throw control.signal.reason;
      throw new OutboundRequestError('network', `Request failed: ${errorText(err)}`, currentUrl, undefined, { cause: err });
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onCallerAbort);
    }
  }

  private async checkHop(target: string | URL, flavour: GuardFlavour, signal: AbortSignal): Promise<CheckedUrl> {
    let hop: CheckedUrl;
    try {
      hop = await raceSignal(this.guard.check(target, flavour), signal);
    } catch (err) {
      if (!(err instanceof UrlRefusedError)) throw err;
      const kind = err.kind === 'unresolvable' ? 'unreachable' : 'blocked';
      throw new OutboundRequestError(kind, err.message, err.refusal.url, err, { cause: err });
    }
    if (hop.addresses.length === 0) {
      throw new OutboundRequestError('unreachable', `Host ${hop.hostname} does not resolve`, redactUrl(hop.url));
    }
    return hop;
  }
}

function sanitiseHeaders(input: GuardedRequest['headers']): HeaderMap {
  const out: HeaderMap = {};
  for (const [name, value] of Object.entries(input ?? {})) {
    const key = name.toLowerCase();
    if (value === undefined || RESERVED_HEADERS.has(key)) continue;
    out[key] = value;
  }
  return out;
}

function copyHeaders(src: http.IncomingHttpHeaders): HeaderMap {
  const out: HeaderMap = {};
  for (const [name, value] of Object.entries(src)) if (value !== undefined) out[name] = value;
  return out;
}

function switchesToGet(status: number, method: string): boolean {
  if (status === 303) return method !== 'GET' && method !== 'HEAD';
  return (status === 301 || status === 302) && method === 'POST';
}

function resolveLocation(location: string, base: URL, flavour: GuardFlavour): URL {
  try {
    return new URL(location, base);
  } catch {
    const refusal = new UrlRefusedError({ kind: 'unparsable', url: redactUrl(location), address: null }, flavour);
    throw new OutboundRequestError('blocked', `Redirect to an invalid URL: ${refusal.refusal.url}`, redactUrl(base), refusal);
  }
}

/** Answers lookups with the checked addresses only, so the connection cannot be re-resolved. */
function pinnedLookup(addresses: ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) {
      callback(null, addresses.map((a) => ({ address: a.address, family: a.family })));
      return;
    }
    const wanted = options.family === 6 || options.family === 'IPv6' ? 6 : options.family === 4 || options.family === 'IPv4' ? 4 : 0;
    const pick = addresses.find((a) => wanted === 0 || a.family === wanted) ?? addresses[0];
    callback(null, pick.address, pick.family);
  };
}

function send(hop: CheckedUrl, method: string, headers: HeaderMap, body: Buffer | undefined, signal: AbortSignal): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const isHttps = hop.url.protocol === 'https:';
    const outgoing: http.OutgoingHttpHeaders = { ...headers, host: hop.url.host };
    if (body !== undefined || ['POST', 'PUT', 'PATCH'].includes(method)) outgoing['content-length'] = body?.length ?? 0;
    const options: https.RequestOptions = {
      method,
      host: hop.hostname,
      port: hop.url.port === '' ? (isHttps ? 443 : 80) : Number(hop.url.port),
      path: `${hop.url.pathname}${hop.url.search}`,
      headers: outgoing,
      agent: false,
      lookup: pinnedLookup(hop.addresses),
    };
    if (isHttps && ipFamily(hop.hostname) === 0) options.servername = hop.hostname;
    const request = (isHttps ? https : http).request(options);
    let connected = false;
    const onAbort = () => request.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    request.on('socket', (socket: Socket) => {
      if (!socket.connecting) connected = true;
      else socket.once(isHttps ? 'secureConnect' : 'connect', () => (connected = true));
    });
    request.on('response', (res) => {
      signal.removeEventListener('abort', onAbort);
      resolve(res);
    });
    request.on('error', (err) => {
      signal.removeEventListener('abort', onAbort);
      if (err instanceof OutboundRequestError) return reject(err);
      const url = redactUrl(hop.url);
      if (connected) reject(new OutboundRequestError('network', `Connection to ${url} failed: ${errorText(err)}`, url, undefined, { cause: err }));
      else reject(new OutboundRequestError('unreachable', `Could not connect to ${url}: ${errorText(err)}`, url, undefined, { cause: err }));
    });
    request.end(body);
  });
}

function decoderFor(encoding: string | undefined): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | undefined {
  switch (encoding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      return undefined;
  }
}

function readBody(res: http.IncomingMessage, maxBytes: number, decompress: boolean, signal: AbortSignal, url: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const decoder = decompress ? decoderFor(res.headers['content-encoding']) : undefined;
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    const tooLarge = () => new OutboundRequestError('too_large', `Response body exceeds ${maxBytes} bytes`, url);
    const finish = (err: Error | null) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (err === null) return resolve(Buffer.concat(chunks, total));
      res.destroy();
      decoder?.destroy();
      reject(err);
    };
    const onAbort = () => finish(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    const broken = (err: unknown) => finish(new OutboundRequestError('network', `Response from ${url} failed: ${errorText(err)}`, url, undefined, { cause: err }));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });

    const declared = Number(res.headers['content-length']);
    if (!decoder && Number.isFinite(declared) && declared > maxBytes) return finish(tooLarge());

    const stream: Readable = decoder ?? res;
    stream.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > maxBytes) return finish(tooLarge());
      chunks.push(chunk);
    });
    stream.on('end', () => finish(null));
    stream.on('error', broken);
    res.on('close', () => {
      if (!res.complete) broken(new Error('connection closed before the response was complete'));
    });
    if (decoder) {
      res.on('error', broken);
      res.pipe(decoder);
    }
  });
}

function errorText(err: unknown): string {
  // Node reports a multi-address connect failure as an AggregateError with an empty message.
  if (err instanceof Error) return err.message || (err as NodeJS.ErrnoException).code || err.name;
  return String(err);
}
