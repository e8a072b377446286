import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { DnsResolver, type ResolvedAddress } from '../../src/network/dns-resolver.js';
import { GuardedHttpClient, type GuardedRequest } from '../../src/network/guarded-http.service.js';
import { classifyAddress, type AddressVerdict } from '../../src/network/ip-ranges.js';
import { OutboundRequestError } from '../../src/network/outbound-request.error.js';
import { UrlGuard } from '../../src/network/url-guard.service.js';

interface Seen {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

/** A local server on 127.0.0.1 that records every request and answers through `handler`. */
class TestServer {
  readonly seen: Seen[] = [];
  handler: Handler = (_req, res) => res.end('ok');
  private server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      this.seen.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      this.handler(req, res, body);
    });
  });
  port = 0;

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  reset(): void {
    this.seen.length = 0;
    this.handler = (_req, res) => res.end('ok');
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Fake DNS: entries are a list, or a function of the call number (1-based) for rebinding tests. */
class FakeResolver extends DnsResolver {
  readonly calls: string[] = [];
  constructor(readonly table: Record<string, string[] | ((call: number) => string[])>) {
    super();
  }
  async lookupAll(host: string): Promise<ResolvedAddress[]> {
    this.calls.push(host);
    const entry = this.table[host];
    if (!entry) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    const list = typeof entry === 'function' ? entry(this.calls.filter((h) => h === host).length) : entry;
    return list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  }
  count(host: string): number {
    return this.calls.filter((h) => h === host).length;
  }
}

/**
 * Production rules except that 127.0.0.1 (where the test servers live) passes, so the
 * ALLOW_PRIVATE_NETWORKS=false path can be exercised end to end without real network access.
 */
class LoopbackTestGuard extends UrlGuard {
  protected override classify(address: string): AddressVerdict {
    return address === '127.0.0.1' ? { blocked: false, range: null } : super.classify(address);
  }
}

async function failure(promise: Promise<unknown>): Promise<OutboundRequestError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof OutboundRequestError) return err;
    throw err;
  }
  throw new Error('expected the request to fail');
}

describe('GuardedHttpClient', () => {
  let a: TestServer;
  let b: TestServer;
  let resolver: FakeResolver;
  let client: GuardedHttpClient;
  let A: string;
  let B: string;

  const get = (url: string, extra: Partial<GuardedRequest> = {}) => client.request({ url, timeoutMs: 5000, maxResponseBytes: 1024 * 1024, ...extra });

  beforeAll(async () => {
    a = await new TestServer().start();
    b = await new TestServer().start();
    A = `http://a.test:${a.port}`;
    B = `http://b.test:${b.port}`;
  });

  afterAll(async () => {
    await a.stop();
    await b.stop();
  });

  beforeEach(() => {
    a.reset();
    b.reset();
    resolver = new FakeResolver({ 'a.test': ['127.0.0.1'], 'b.test': ['127.0.0.1'], 'evil.test': ['127.0.0.1', '10.0.0.1'] });
    client = new GuardedHttpClient(new UrlGuard({ allowPrivateNetworks: true }, resolver));
  });

  it('sends the request to the checked address and returns status, headers, body and final URL', async () => {
    a.handler = (_req, res) => {
      res.setHeader('x-answer', '42');
      res.statusCode = 201;
      res.end('hello');
    };
    const res = await get(`${A}/hello?x=1`, { headers: { 'X-Custom': 'yes', Host: 'spoofed.example' } });
    expect(res).toMatchObject({ status: 201, url: `${A}/hello?x=1`, redirects: 0 });
    expect(res.headers['x-answer']).toBe('42');
    expect(res.body.toString()).toBe('hello');
    expect(a.seen).toHaveLength(1);
    expect(a.seen[0]).toMatchObject({ method: 'GET', path: '/hello?x=1' });
    expect(a.seen[0].headers['x-custom']).toBe('yes');
    expect(a.seen[0].headers.host).toBe(`a.test:${a.port}`);
  });

  it('returns non-2xx responses as responses', async () => {
    a.handler = (_req, res) => {
      res.statusCode = 503;
      res.end('down');
    };
    const res = await get(`${A}/`);
    expect(res.status).toBe(503);
    expect(res.body.toString()).toBe('down');
  });

  it('follows same-origin redirects, counts them and keeps Authorization and Cookie', async () => {
    a.handler = (req, res) => {
      const n = Number(/\/r(\d)/.exec(req.url ?? '')?.[1] ?? 0);
      if (n < 3) {
        res.writeHead(n === 0 ? 301 : n === 1 ? 302 : 307, { location: `/r${n + 1}` });
        return res.end();
      }
      res.end('done');
    };
    const res = await get(`${A}/r0`, { headers: { authorization: 'Bearer s3cret', cookie: 'sid=1' } });
    expect(res).toMatchObject({ status: 200, url: `${A}/r3`, redirects: 3 });
    expect(a.seen.map((s) => s.path)).toEqual(['/r0', '/r1', '/r2', '/r3']);
    for (const s of a.seen) {
      expect(s.headers.authorization).toBe('Bearer s3cret');
      expect(s.headers.cookie).toBe('sid=1');
    }
  });

  it('drops Authorization and Cookie when a redirect changes origin, and does not restore them', async () => {
    a.handler = (req, res) => {
      if (req.url === '/start') {
        res.writeHead(302, { location: `${B}/other` });
        return res.end();
      }
      res.end('back on a');
    };
    b.handler = (_req, res) => {
      res.writeHead(302, { location: `${A}/again` });
      res.end();
    };
    const res = await get(`${A}/start`, { headers: { Authorization: 'Token t', Cookie: 'c=1', 'X-Keep': 'k' } });
    expect(res.redirects).toBe(2);
    expect(a.seen[0].headers.authorization).toBe('Token t');
    expect(b.seen[0].headers.authorization).toBeUndefined();
    expect(b.seen[0].headers.cookie).toBeUndefined();
    expect(b.seen[0].headers['x-keep']).toBe('k');
    expect(b.seen[0].headers.host).toBe(`b.test:${b.port}`);
    expect(a.seen[1].headers.authorization).toBeUndefined();
  });

  it('treats a different port on the same host as a different origin', async () => {
    a.handler = (_req, res) => {
      res.writeHead(307, { location: `http://a.test:${b.port}/` });
      res.end();
    };
    await get(`${A}/`, { headers: { authorization: 'x' } });
    expect(b.seen[0].headers.authorization).toBeUndefined();
  });

  describe('method on redirect (follow-get)', () => {
    beforeEach(() => {
      b.handler = (_req, res) => res.end('target');
    });

    it.each([
      [303, 'POST', 'GET', ''],
      [303, 'PUT', 'GET', ''],
      [302, 'POST', 'GET', ''],
      [301, 'POST', 'GET', ''],
      [302, 'PUT', 'PUT', 'payload'],
      [307, 'POST', 'POST', 'payload'],
      [308, 'POST', 'POST', 'payload'],
    ])('%i after %s → %s', async (status, method, expectedMethod, expectedBody) => {
      a.handler = (_req, res) => {
        res.writeHead(status, { location: `${B}/next` });
        res.end();
      };
      await get(`${A}/`, { method, body: 'payload', headers: { 'content-type': 'text/plain' } });
      expect(a.seen[0]).toMatchObject({ method, body: 'payload' });
      expect(b.seen[0]).toMatchObject({ method: expectedMethod, body: expectedBody });
      expect(b.seen[0].headers['content-type']).toBe(expectedBody ? 'text/plain' : undefined);
    });
  });

  it('resend mode re-sends the same POST and body on every redirect kind', async () => {
    let n = 0;
    a.handler = (_req, res) => {
      const status = [301, 302, 303][n++];
      if (status) {
        res.writeHead(status, { location: `/hop${n}` });
        return res.end();
      }
      res.end('received');
    };
    const res = await get(`${A}/hook`, { method: 'POST', body: '{"event":"x"}', headers: { 'content-type': 'application/json' }, redirectMode: 'resend', maxRedirects: 3 });
    expect(res.redirects).toBe(3);
    expect(a.seen.map((s) => [s.method, s.body, s.headers['content-type']])).toEqual(Array(4).fill(['POST', '{"event":"x"}', 'application/json']));
  });

  it('stops after maxRedirects hops', async () => {
    a.handler = (_req, res) => {
      res.writeHead(302, { location: '/loop' });
      res.end();
    };
    const err = await failure(get(`${A}/loop`));
    expect(err.kind).toBe('too_many_redirects');
    expect(err.code).toBe('TOO_MANY_REDIRECTS');
    expect(a.seen).toHaveLength(6); // the first request + 5 hops

    a.seen.length = 0;
    const webhook = await failure(get(`${A}/loop`, { maxRedirects: 3, redirectMode: 'resend', method: 'POST', body: '{}' }));
    expect(webhook.kind).toBe('too_many_redirects');
    expect(a.seen).toHaveLength(4);
  });

  it('returns a 3xx without Location as a response', async () => {
    a.handler = (_req, res) => {
      res.statusCode = 302;
      res.end('no location');
    };
    await expect(get(`${A}/`)).resolves.toMatchObject({ status: 302, redirects: 0 });
  });

  it('times out when the server does not answer', async () => {
    a.handler = () => undefined; // never answers
    const started = Date.now();
    const err = await failure(get(`${A}/slow`, { timeoutMs: 300 }));
    expect(err.kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('counts the body download in the timeout', async () => {
    a.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('partial');
    };
    const err = await failure(get(`${A}/stall`, { timeoutMs: 300 }));
    expect(err.kind).toBe('timeout');
  });

  it('counts the whole redirect chain in one timeout', async () => {
    a.handler = (_req, res) => {
      setTimeout(() => {
        res.writeHead(302, { location: '/again' });
        res.end();
      }, 150);
    };
    const err = await failure(get(`${A}/`, { timeoutMs: 400 }));
    expect(err.kind).toBe('timeout');
    expect(a.seen.length).toBeGreaterThanOrEqual(2);
    expect(a.seen.length).toBeLessThanOrEqual(4);
  });

  it('honours the caller abort signal', async () => {
    a.handler = () => undefined;
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const err = await failure(get(`${A}/`, { signal: controller.signal }));
    expect(err.kind).toBe('aborted');
  });

  describe('response size limit', () => {
    it('accepts a body of exactly the limit', async () => {
      a.handler = (_req, res) => res.end('x'.repeat(100));
      const res = await get(`${A}/`, { maxResponseBytes: 100 });
      expect(res.body.length).toBe(100);
    });

    it('rejects a declared Content-Length over the limit', async () => {
      a.handler = (_req, res) => res.end('x'.repeat(101));
      const err = await failure(get(`${A}/`, { maxResponseBytes: 100 }));
      expect(err.kind).toBe('too_large');
      expect(err.code).toBe('RESULT_TOO_LARGE');
    });

    it('aborts a chunked body once it passes the limit', async () => {
      a.handler = (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        const timer = setInterval(() => {
          if (!res.write(Buffer.alloc(16 * 1024))) return;
        }, 1);
        res.on('close', () => clearInterval(timer));
      };
      const err = await failure(get(`${A}/`, { maxResponseBytes: 64 * 1024 }));
      expect(err.kind).toBe('too_large');
    });

    it('decodes gzip and applies the limit to the decoded size', async () => {
      const small = gzipSync('y'.repeat(50));
      const bomb = gzipSync(Buffer.alloc(5 * 1024 * 1024));
      a.handler = (req, res) => {
        res.writeHead(200, { 'content-encoding': 'gzip' });
        res.end(req.url === '/bomb' ? bomb : small);
      };
      const ok = await get(`${A}/small`, { headers: { 'accept-encoding': 'gzip' }, maxResponseBytes: 1000 });
      expect(ok.body.toString()).toBe('y'.repeat(50));
      expect(bomb.length).toBeLessThan(1024 * 1024);
      const err = await failure(get(`${A}/bomb`, { headers: { 'accept-encoding': 'gzip' }, maxResponseBytes: 1024 * 1024 }));
      expect(err.kind).toBe('too_large');
    });
  });

  it('reports a refused connection as unreachable', async () => {
    const closed = await new TestServer().start();
    const port = closed.port;
    await closed.stop();
    const err = await failure(get(`http://a.test:${port}/`));
    expect(err.kind).toBe('unreachable');
    expect(err.code).toBe('UNREACHABLE');
  });

  it('reports a name that does not resolve as unreachable', async () => {
    const err = await failure(get('http://nowhere.test/'));
    expect(err.kind).toBe('unreachable');
  });

  it('pins the connection to the checked address: one lookup per hop, never re-resolved', async () => {
    // A rebinding name: first answer is the test server, any later answer is a closed address.
    resolver.table['rebind.test'] = (call) => (call === 1 ? ['127.0.0.1'] : ['127.0.0.2']);
    const res = await get(`http://rebind.test:${a.port}/pinned`);
    expect(res.status).toBe(200);
    expect(resolver.count('rebind.test')).toBe(1);
    expect(a.seen[0].headers.host).toBe(`rebind.test:${a.port}`);

    a.handler = (req, res) => {
      if (req.url !== '/c') {
        res.writeHead(302, { location: req.url === '/a' ? '/b' : '/c' });
        return res.end();
      }
      res.end();
    };
    resolver.calls.length = 0;
    await get(`${A}/a`);
    expect(resolver.calls).toEqual(['a.test', 'a.test', 'a.test']);
  });

  it('refuses host.docker.internal on a redirect even with private networks allowed', async () => {
    a.handler = (_req, res) => {
      res.writeHead(302, { location: 'http://host.docker.internal/' });
      res.end();
    };
    const err = await failure(get(`${A}/`));
    expect(err.kind).toBe('blocked');
    expect(err.code).toBe('PRIVATE_NETWORK_BLOCKED');
  });

  it.each(['ftp://a.test/file', 'file:///etc/passwd', 'javascript:alert(1)', 'http://[zz'])('refuses a redirect to %s', async (location) => {
    a.handler = (_req, res) => {
      res.writeHead(302, { location });
      res.end();
    };
    const err = await failure(get(`${A}/`));
    expect(err.kind).toBe('blocked');
    expect(err.code).toBe('INVALID_URL');
    expect(err.refusal?.status).toBe(400);
  });

  describe('with ALLOW_PRIVATE_NETWORKS=false', () => {
    beforeEach(() => {
      client = new GuardedHttpClient(new LoopbackTestGuard({ allowPrivateNetworks: false }, resolver));
    });

    it('reaches an allowed host', async () => {
      await expect(get(`${A}/`)).resolves.toMatchObject({ status: 200 });
    });

    it('refuses a blocked first URL without connecting', async () => {
      const err = await failure(get(`http://10.0.0.1:${a.port}/`));
      expect(err.kind).toBe('blocked');
      expect(err.code).toBe('PRIVATE_NETWORK_BLOCKED');
      expect(err.refusal?.details).toEqual({ url: `http://10.0.0.1:${a.port}/`, address: '10.0.0.1' });
    });

    it.each([
      ['a name with one private address', () => `http://evil.test:${b.port}/`, '10.0.0.1'],
      ['a private IP literal', () => 'http://10.0.0.1/', '10.0.0.1'],
      ['localhost', () => `http://localhost:${b.port}/`, 'localhost'],
      ['a mapped loopback literal', () => `http://[::ffff:7f00:2]:${b.port}/`, '::ffff:7f00:2'],
    ])('refuses a redirect hop to %s without connecting to it', async (_label, location, address) => {
      a.handler = (_req, res) => {
        res.writeHead(302, { location: location() });
        res.end();
      };
      const err = await failure(get(`${A}/start?token=abc`, { headers: { authorization: 'x' } }));
      expect(err.kind).toBe('blocked');
      expect(err.code).toBe('PRIVATE_NETWORK_BLOCKED');
      expect(err.refusal?.details).toMatchObject({ address });
      expect(err.message).not.toContain('token=abc');
      expect(a.seen).toHaveLength(1);
      expect(b.seen).toHaveLength(0);
    });

    it('webhook flavour refuses a blocked hop with INVALID_WEBHOOK_URL', async () => {
      a.handler = (_req, res) => {
        res.writeHead(307, { location: `http://evil.test:${b.port}/` });
        res.end();
      };
      const err = await failure(get(`${A}/hook`, { method: 'POST', body: '{}', redirectMode: 'resend', maxRedirects: 3, flavour: 'webhook' }));
      expect(err.kind).toBe('blocked');
      expect(err.code).toBe('INVALID_WEBHOOK_URL');
      expect(err.refusal?.details).toEqual({ reason: 'private_network' });
      expect(b.seen).toHaveLength(0);
    });

    it('reports an unresolvable name as unreachable and keeps the refusal', async () => {
      const err = await failure(get('http://nowhere.test/'));
      expect(err.kind).toBe('unreachable');
      expect(err.refusal?.code).toBe('INVALID_URL');
      expect(err.refusal?.details).toMatchObject({ reason: 'unresolvable' });
    });
  });

  it('production rules block the loopback test servers (hence LoopbackTestGuard)', () => {
    expect(classifyAddress('127.0.0.1').blocked).toBe(true);
  });
});

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

(hasOpenssl ? describe : describe.skip)('GuardedHttpClient over https', () => {
  let dir: string;
  let server: https.Server;
  let port: number;
  const sniSeen: string[] = [];
  let requests = 0;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'guarded-tls-'));
    const gen = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem', '-days', '1', '-subj', '/CN=a.test'], { cwd: dir });
    if (gen.status !== 0) throw new Error(`openssl failed: ${gen.stderr.toString()}`);
    const key = readFileSync(path.join(dir, 'key.pem'));
    const cert = readFileSync(path.join(dir, 'cert.pem'));
    server = https.createServer(
      {
        key,
        cert,
        SNICallback: (name, cb) => {
          sniSeen.push(name);
          cb(null, tls.createSecureContext({ key, cert }));
        },
      },
      (_req, res) => {
        requests++;
        res.end('secret');
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends the original host name as SNI and treats an untrusted certificate as unreachable', async () => {
    const client = new GuardedHttpClient(new UrlGuard({ allowPrivateNetworks: true }, new FakeResolver({ 'a.test': ['127.0.0.1'] })));
    const err = await failure(client.request({ url: `https://a.test:${port}/`, timeoutMs: 5000, maxResponseBytes: 1024 }));
    expect(err.kind).toBe('unreachable');
    expect(sniSeen).toEqual(['a.test']);
    expect(requests).toBe(0);
  });
});
