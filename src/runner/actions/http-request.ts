/**
 * `http_request`: RUNNER §7. Sent from the server through the SSRF-guarded client (no browser
 * cookies, no proxy), ≤ 5 redirects, ≤ 10 MiB.
 */
import { OutboundRequestError } from '../../network/outbound-request.error.js';
import { redactUrl } from '../../network/url-redaction.js';
import { HTTP_METHODS, type HttpMethod } from '../../tasks/model/task.types.js';
import { RunError } from '../run-error.js';
import { renderText } from '../templating/render.js';
import { isPlainObject } from '../values/plain-object.js';
import type { ActionContext, ActionHandler } from './action-handler.js';

export const HTTP_REQUEST_TIMEOUT_MS = 30_000;
export const MAX_HTTP_RESPONSE_BYTES = 10 * 1024 * 1024;

function methodOf(ctx: ActionContext): HttpMethod {
  const raw = String(ctx.action.method ?? '').trim().toUpperCase();
  if (raw === '') return 'GET';
  if ((HTTP_METHODS as readonly string[]).includes(raw)) return raw as HttpMethod;
  throw new RunError('ACTION_FAILED', `Unsupported HTTP method '${raw}'`);
}

/** Headers object, or a JSON string holding one; string values are templated. */
export function headersOf(ctx: Pick<ActionContext, 'action' | 'lookup'>): Record<string, string> {
  let source: unknown = ctx.action.headers;
  if (source === undefined || source === null || source === '') return {};
  if (typeof source === 'string') {
    try {
      source = JSON.parse(source) as unknown;
    } catch {
      throw new RunError('ACTION_FAILED', 'headers is not valid JSON');
    }
  }
  if (!isPlainObject(source)) throw new RunError('ACTION_FAILED', 'headers must be an object');
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(source)) {
    if (value === undefined || value === null) continue;
    out[name] = typeof value === 'string' ? renderText(value, ctx.lookup) : String(value);
  }
  return out;
}

function bodyOf(ctx: ActionContext, headers: Record<string, string>): string | undefined {
  const body = ctx.action.body;
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body === '' ? undefined : renderText(body, ctx.lookup);
  if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  return JSON.stringify(body);
}

/** JSON when the response is JSON or parses as JSON, else text. */
export function parseResponseBody(body: Buffer, contentType: string | undefined): unknown {
  const text = body.toString('utf8');
  const trimmed = text.trim();
  if (trimmed === '') return text;
  const looksJson = /\bjson\b/i.test(contentType ?? '') || /^[[{"]|^-?\d|^(true|false|null)$/.test(trimmed);
  if (looksJson) {
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      // not JSON after all
    }
  }
  return text;
}

function failure(error: unknown): RunError {
  if (error instanceof RunError) return error;
  if (error instanceof OutboundRequestError) {
    if (error.kind === 'blocked' && error.refusal) {
      const code = error.refusal.code === 'PRIVATE_NETWORK_BLOCKED' ? 'PRIVATE_NETWORK_BLOCKED' : 'INVALID_URL';
      return new RunError(code, error.message, { cause: error });
    }
    if (error.kind === 'too_large') return new RunError('RESULT_TOO_LARGE', `Response from ${error.url} is larger than 10 MiB`, { cause: error });
    return new RunError('HTTP_REQUEST_FAILED', error.message, { cause: error });
  }
  return new RunError('HTTP_REQUEST_FAILED', error instanceof Error ? error.message : String(error), { cause: error });
}

export const httpRequestAction: ActionHandler = {
  type: 'http_request',
  defaultTimeoutMs: HTTP_REQUEST_TIMEOUT_MS,
  storesResult: true,
  describe: (ctx) => `${methodOf(ctx)} ${redactUrl(ctx.text('value').trim())}`,
  async run(ctx) {
    const method = methodOf(ctx);
    const url = ctx.text('value').trim();
    if (url === '') throw new RunError('INVALID_URL', 'URL is empty');
    const headers = headersOf(ctx);
    const body = bodyOf(ctx, headers);
    let response;
    try {
      response = await ctx.services.http.request({
        method,
        url,
        headers,
        body,
        timeoutMs: ctx.remainingMs(),
        maxRedirects: 5,
        maxResponseBytes: MAX_HTTP_RESPONSE_BYTES,
        signal: ctx.signal,
      });
    } catch (error) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      throw failure(error);
    }
    const shown = redactUrl(response.url);
    if (response.status < 200 || response.status > 299) {
      throw new RunError('HTTP_REQUEST_FAILED', `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''} from ${method} ${shown}`);
    }
    const contentType = response.headers['content-type'];
    const output = method === 'HEAD' ? null : parseResponseBody(response.body, Array.isArray(contentType) ? contentType[0] : contentType);
    const message = `${method} ${shown} → ${response.status}`;
    ctx.info(message);
    return { output, message };
  },
};
