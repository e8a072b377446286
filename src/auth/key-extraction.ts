import type { Request } from 'express';

/** The route whose body `apiKey` is the payload (the new key), not a credential (API §1.2 #4). */
export const API_KEY_ROUTE = '/api/settings/api-key';

function header(req: Request, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function bodyField(req: Request, name: string): string | undefined {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const v = (body as Record<string, unknown>)[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function isApiKeyRoute(req: Request): boolean {
  // Routing is case-insensitive, so this check must be too.
  return req.method === 'POST' && req.path.replace(/\/+$/, '').toLowerCase() === API_KEY_ROUTE;
}

/** API §1.2: the first present of x-api-key, key, Authorization: Bearer, body apiKey, body key. */
export function extractApiKey(req: Request): string | undefined {
  const fromHeader = header(req, 'x-api-key') ?? header(req, 'key');
  if (fromHeader !== undefined) return fromHeader;
  const auth = header(req, 'authorization');
  if (auth) {
    const m = /^bearer[ \t]+(\S+)\s*$/i.exec(auth);
    if (m) return m[1];
  }
  if (!isApiKeyRoute(req)) {
    const apiKey = bodyField(req, 'apiKey');
    if (apiKey !== undefined) return apiKey;
  }
  return bodyField(req, 'key');
}

/** Removes top-level credentials from the body so they are never stored or echoed. */
export function stripBodyCredentials(req: Request): void {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return;
  const record = body as Record<string, unknown>;
  delete record.key;
  if (!isApiKeyRoute(req)) delete record.apiKey;
}
