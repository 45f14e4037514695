/**
 * The local server the browser test talks to, on 127.0.0.1 (random port). It serves the page
 * and its bundle, and endpoints that fail the way real services do:
 * - `/flaky?key=K&fail=N`      503 (with `Retry-After: 0`) for the first N requests of key K, then 200 JSON
 * - `/slow-once?key=K&ms=M`    the first request of key K hangs M ms, later ones answer at once
 * - `/hang`                    never answers (until the client gives up)
 * Requests per key, and requests the client aborted before an answer, are counted.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FlakyServer {
  readonly url: string;
  /** Requests seen per key. */
  readonly hits: Map<string, number>;
  /** Requests the client closed before an answer, per path. */
  readonly aborted: Map<string, number>;
  close(): Promise<void>;
}

export async function startFlakyServer(assets: Record<string, { type: string; body: string }>): Promise<FlakyServer> {
  const hits = new Map<string, number>();
  const aborted = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
    res
      .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers })
      .end(JSON.stringify(body));

  const server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://localhost');
    const asset = assets[u.pathname];
    if (asset !== undefined) {
      res.writeHead(200, { 'content-type': asset.type, 'cache-control': 'no-store' }).end(asset.body);
      return;
    }
    const key = u.searchParams.get('key') ?? '';
    const n = (hits.get(key) ?? 0) + 1;
    hits.set(key, n);
    let answered = false;
    res.on('finish', () => (answered = true));
    req.socket.once('close', () => {
      if (!answered) aborted.set(u.pathname, (aborted.get(u.pathname) ?? 0) + 1);
    });
    switch (u.pathname) {
      case '/flaky': {
        const fail = Number(u.searchParams.get('fail') ?? '0');
        if (n <= fail) json(res, 503, { error: 'unavailable', request: n }, { 'retry-after': '0' });
        else json(res, 200, { ok: true, request: n });
        return;
      }
      case '/slow-once': {
        const reply = () => json(res, 200, { ok: true, request: n });
        if (n === 1) {
          const t = setTimeout(reply, Number(u.searchParams.get('ms') ?? '5000'));
          timers.add(t);
          req.socket.once('close', () => clearTimeout(t));
        } else reply();
        return;
      }
      case '/hang':
        return;
      default:
        json(res, 404, { error: 'not found' });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    aborted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
