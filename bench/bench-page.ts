import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The page both sides drive: an input, a button, and a result element that appears after the
 * click (on the next task, so `wait_selector` has something to wait for).
 */
const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>bench</title></head>
<body>
<form id="f" onsubmit="return false">
  <input id="q" name="q" autocomplete="off">
  <button id="go" type="button">Go</button>
</form>
<ul id="list"><li>one</li><li>two</li><li>three</li></ul>
<script>
document.getElementById('go').addEventListener('click', () => {
  const value = document.getElementById('q').value;
  setTimeout(() => {
    const div = document.createElement('div');
    div.id = 'result';
    div.textContent = 'Hello, ' + value;
    document.body.appendChild(div);
  }, 0);
});
</script>
</body></html>`;

export interface BenchPageServer {
  url: string;
  requests(): number;
  close(): Promise<void>;
}

/** Serves the bench page on 127.0.0.1 (ephemeral port); every other path is 404. */
export async function startBenchPage(): Promise<BenchPageServer> {
  let count = 0;
  const server: Server = createServer((req, res) => {
    count++;
    if (req.method === 'GET' && (req.url === '/' || req.url?.startsWith('/?'))) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(PAGE);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
