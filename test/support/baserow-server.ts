// Baserow-compatible test server (API §8 "Baserow calls"). Only node:http; binds 127.0.0.1 on an
// ephemeral port. Checks the Authorization header form, serves the list endpoints and the row
// endpoints, records every request and every stored row, and can be told to misbehave per path.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type BaserowRow = Record<string, unknown>;

export interface BaserowTestTable {
  id: number;
  name: string;
  databaseId: number;
}

export interface BaserowTestApplication {
  id: number;
  name: string;
  /** `database` for databases; anything else (e.g. `builder`) is an application list noise item. */
  type: string;
  /** Current Baserow shape. */
  workspace?: { id: number; name: string };
  /** Legacy Baserow shape (before workspaces were renamed). */
  group?: { id: number; name: string };
}

export interface BaserowServerOptions {
  /** Accepted as `Authorization: Token <t>`. */
  databaseTokens?: string[];
  /** Accepted as `Authorization: JWT <t>`. */
  jwtTokens?: string[];
  applications?: BaserowTestApplication[];
  tables?: BaserowTestTable[];
}

export interface RecordedBaserowRequest {
  method: string;
  /** Path without the query, e.g. `/api/applications/`. */
  path: string;
  /** Query string including `?`, or ''. */
  search: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** How a faulty path answers. */
export type BaserowFault =
  | { kind: 'status'; status: number; error?: string; detail?: unknown }
  /** Accepts the request and never answers (until the server closes). */
  | { kind: 'hang' }
  /** Destroys the connection after reading the request, without an answer. */
  | { kind: 'reset' }
  | { kind: 'redirect'; location: string; status?: 301 | 302 | 303 | 307 | 308 }
  /** Any status and body as given (e.g. a non-JSON 200). */
  | { kind: 'raw'; status: number; body: string; contentType?: string };

export interface FaultOptions {
  /** Only this method (default: any). */
  method?: string;
  /** Answer with the fault this many times, then serve normally (default: forever). */
  times?: number;
  /** Serve this many matching requests normally before the fault starts (default 0). */
  after?: number;
}

export interface BaserowTestServer {
  /** Origin without trailing slash, e.g. `http://127.0.0.1:41234`. */
  url: string;
  port: number;
  /** Every request received, in order. */
  requests: RecordedBaserowRequest[];
  /** Rows stored per table id, in arrival order. */
  rows: Map<number, BaserowRow[]>;
  rowsFor(tableId: number): BaserowRow[];
  /** Makes requests whose path equals `path` (or matches the RegExp) answer with `fault`. */
  fault(path: string | RegExp, fault: BaserowFault, options?: FaultOptions): void;
  /** Shorthand for a Baserow-style error answer. */
  failWith(path: string | RegExp, status: number, error?: string, options?: FaultOptions): void;
  clearFaults(): void;
  /** Forgets recorded requests and rows (faults stay). */
  reset(): void;
  close(): Promise<void>;
}

/** Baserow's batch limit. */
export const BASEROW_BATCH_LIMIT = 200;

export const DEFAULT_APPLICATIONS: BaserowTestApplication[] = [
  { id: 11, name: 'Sales', type: 'database', workspace: { id: 1, name: 'Acme' } },
  { id: 12, name: 'Landing site', type: 'builder', workspace: { id: 1, name: 'Acme' } },
  { id: 13, name: 'Old CRM', type: 'database', group: { id: 2, name: 'Legacy group' } },
  { id: 14, name: 'Orphan', type: 'database' },
];

export const DEFAULT_TABLES: BaserowTestTable[] = [
  { id: 101, name: 'Leads', databaseId: 11 },
  { id: 102, name: 'Deals', databaseId: 11 },
  { id: 201, name: 'Contacts', databaseId: 13 },
];

interface ActiveFault {
  path: string | RegExp;
  fault: BaserowFault;
  method?: string;
  skip: number;
  remaining: number;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly detail: unknown,
  ) {
    super(error);
  }
}

const MAX_BODY = 32 * 1024 * 1024;

export async function startBaserowServer(options: BaserowServerOptions = {}): Promise<BaserowTestServer> {
  const databaseTokens = new Set(options.databaseTokens ?? []);
  const jwtTokens = new Set(options.jwtTokens ?? []);
  const applications = options.applications ?? DEFAULT_APPLICATIONS;
  const tables = options.tables ?? DEFAULT_TABLES;
  const requests: RecordedBaserowRequest[] = [];
  const rows = new Map<number, BaserowRow[]>();
  let faults: ActiveFault[] = [];
  let nextRowId = 1;

  const rowsFor = (tableId: number): BaserowRow[] => {
    let list = rows.get(tableId);
    if (!list) rows.set(tableId, (list = []));
    return list;
  };

  const takeFault = (method: string, path: string): BaserowFault | undefined => {
    const hit = faults.find((f) => (f.method === undefined || f.method.toUpperCase() === method) && (typeof f.path === 'string' ? f.path === path : f.path.test(path)));
    if (!hit) return undefined;
    if (hit.skip > 0) {
      hit.skip -= 1;
      return undefined;
    }
    hit.remaining -= 1;
    if (hit.remaining <= 0) faults = faults.filter((f) => f !== hit);
    return hit.fault;
  };

  /** `Token` / `JWT` check; returns the scheme that was accepted. */
  const authenticate = (headers: IncomingHttpHeaders): 'Token' | 'JWT' => {
    const header = headers.authorization;
    if (header === undefined) throw new HttpError(401, 'ERROR_NOT_AUTHENTICATED', 'Authentication credentials were not provided.');
    const m = /^(Token|JWT) (.+)$/.exec(header);
    if (!m) throw new HttpError(401, 'ERROR_INVALID_AUTHORIZATION_HEADER', 'The Authorization header must be "Token <token>" or "JWT <token>".');
    if (m[1] === 'Token') {
      if (!databaseTokens.has(m[2])) throw new HttpError(401, 'ERROR_TOKEN_DOES_NOT_EXIST', 'The provided token does not exist.');
      return 'Token';
    }
    if (!jwtTokens.has(m[2])) throw new HttpError(401, 'ERROR_INVALID_ACCESS_TOKEN', 'Access token is expired or invalid.');
    return 'JWT';
  };

  const requireScheme = (actual: 'Token' | 'JWT', wanted: 'Token' | 'JWT') => {
    if (actual !== wanted) throw new HttpError(401, 'ERROR_INVALID_ACCESS_TOKEN', `This endpoint requires a ${wanted} authorization.`);
  };

  const tableJson = (t: BaserowTestTable, i: number) => ({ id: t.id, name: t.name, order: i + 1, database_id: t.databaseId });

  const requireUserFieldNames = (search: string) => {
    if (new URLSearchParams(search).get('user_field_names') !== 'true') {
      throw new HttpError(400, 'ERROR_REQUEST_BODY_VALIDATION', 'The test server expects ?user_field_names=true on row endpoints.');
    }
  };

  const requireTable = (id: number) => {
    if (!tables.some((t) => t.id === id)) throw new HttpError(404, 'ERROR_TABLE_DOES_NOT_EXIST', `The table ${id} does not exist.`);
  };

  const parseJson = (body: string): unknown => {
    try {
      return JSON.parse(body) as unknown;
    } catch {
      throw new HttpError(400, 'ERROR_REQUEST_BODY_VALIDATION', 'The request body is not valid JSON.');
    }
  };

  const isRow = (v: unknown): v is BaserowRow => typeof v === 'object' && v !== null && !Array.isArray(v);

  const storeRow = (tableId: number, row: BaserowRow) => {
    rowsFor(tableId).push(row);
    return { id: nextRowId++, order: '1.00000000000000000000', ...row };
  };

  const route = (method: string, path: string, search: string, headers: IncomingHttpHeaders, body: string): unknown => {
    let m: RegExpExecArray | null;
    if (method === 'GET' && path === '/api/applications/') {
      requireScheme(authenticate(headers), 'JWT');
      return applications;
    }
    if (method === 'GET' && path === '/api/database/tables/all-tables/') {
      requireScheme(authenticate(headers), 'Token');
      return tables.map(tableJson);
    }
    if (method === 'GET' && (m = /^\/api\/database\/tables\/database\/(\d+)\/$/.exec(path))) {
      requireScheme(authenticate(headers), 'JWT');
      const databaseId = Number(m[1]);
      if (!applications.some((a) => a.id === databaseId && a.type === 'database')) {
        throw new HttpError(404, 'ERROR_APPLICATION_DOES_NOT_EXIST', `The database ${databaseId} does not exist.`);
      }
      return tables.filter((t) => t.databaseId === databaseId).map(tableJson);
    }
    if (method === 'POST' && (m = /^\/api\/database\/rows\/table\/(\d+)\/$/.exec(path))) {
      authenticate(headers);
      requireUserFieldNames(search);
      const tableId = Number(m[1]);
      requireTable(tableId);
      const row = parseJson(body);
      if (!isRow(row)) throw new HttpError(400, 'ERROR_REQUEST_BODY_VALIDATION', 'The row must be a JSON object.');
      return storeRow(tableId, row);
    }
    if (method === 'POST' && (m = /^\/api\/database\/rows\/table\/(\d+)\/batch\/$/.exec(path))) {
      authenticate(headers);
      requireUserFieldNames(search);
      const tableId = Number(m[1]);
      requireTable(tableId);
      const payload = parseJson(body);
      const items = isRow(payload) ? payload.items : undefined;
      if (!Array.isArray(items) || !items.every(isRow)) {
        throw new HttpError(400, 'ERROR_REQUEST_BODY_VALIDATION', { items: [{ error: 'Expected a list of row objects.', code: 'invalid' }] });
      }
      if (items.length > BASEROW_BATCH_LIMIT) {
        throw new HttpError(400, 'ERROR_REQUEST_BODY_VALIDATION', { items: [{ error: `Ensure this field has no more than ${BASEROW_BATCH_LIMIT} elements.`, code: 'max_length' }] });
      }
      return { items: items.map((row) => storeRow(tableId, row)) };
    }
    throw new HttpError(404, 'URL_NOT_FOUND', `No test-server route for ${method} ${path}.`);
  };

  const send = (res: ServerResponse, status: number, payload: unknown) => {
    const text = JSON.stringify(payload);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };

  const handle = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const method = (req.method ?? 'GET').toUpperCase();
    const full = new URL(req.url ?? '/', 'http://test.invalid');
    const path = full.pathname;
    requests.push({ method, path, search: full.search, headers: req.headers, body, at: Date.now() });

    const fault = takeFault(method, path);
    if (fault) {
      switch (fault.kind) {
        case 'hang':
          return;
        case 'reset':
          req.socket.destroy();
          return;
        case 'redirect':
          res.writeHead(fault.status ?? 302, { location: fault.location, 'content-length': 0 });
          res.end();
          return;
        case 'raw':
          res.writeHead(fault.status, { 'content-type': fault.contentType ?? 'text/html', 'content-length': Buffer.byteLength(fault.body) });
          res.end(fault.body);
          return;
        case 'status': {
          const payload: Record<string, unknown> = {};
          if (fault.error !== undefined) payload.error = fault.error;
          if (fault.detail !== undefined) payload.detail = fault.detail;
          send(res, fault.status, payload);
          return;
        }
      }
    }
    try {
      send(res, 200, route(method, path, full.search, req.headers, body));
    } catch (err) {
      if (err instanceof HttpError) send(res, err.status, { error: err.error, detail: err.detail });
      else send(res, 500, { error: 'ERROR_TEST_SERVER', detail: String(err) });
    }
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        send(res, 413, { error: 'ERROR_REQUEST_BODY_TOO_LARGE', detail: 'Request body too large.' });
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  const addFault = (path: string | RegExp, fault: BaserowFault, opts: FaultOptions = {}) => {
    faults.push({ path, fault, method: opts.method, skip: opts.after ?? 0, remaining: opts.times ?? Number.POSITIVE_INFINITY });
  };

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    rows,
    rowsFor,
    fault: addFault,
    failWith(path, status, error, opts) {
      addFault(path, { kind: 'status', status, error, detail: error === undefined ? undefined : `Test failure ${status}` }, opts);
    },
    clearFaults() {
      faults = [];
    },
    reset() {
      requests.length = 0;
      rows.clear();
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
