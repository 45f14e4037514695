/**
 * Interim `npm start` demo: a real flaky HTTP server on 127.0.0.1 and retryAsync with
 * NetworkRetryPolicy, printing every attempt. (The `zenoo-retry demo` command replaces it.)
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HTTPError, NetworkRetryPolicy, retryAsync } from '../src/index.js';

let served = 0;
const server = createServer((req, res) => {
  served++;
  const roll = served % 4;
  if (roll === 1) return req.socket.destroy(); // connection reset
  if (roll === 2) {
    res.writeHead(503, { 'Retry-After': '0' });
    return res.end('busy');
  }
  res.end(JSON.stringify({ ok: true, served }));
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
console.log(`flaky server on ${url} (resets, 503s, then success)\n`);

const policy = new NetworkRetryPolicy();
for (let i = 1; i <= 5; i++) {
  const started = performance.now();
  const body = await retryAsync(
    async ({ attempt, signal }) => {
      const res = await fetch(url, { signal });
      if (!res.ok) throw new HTTPError(res.status, `HTTP ${res.status}`, { response: res });
      return (await res.json()) as { served: number };
    },
    {
      policy,
      delay: 50,
      onRetry: (a) =>
        console.log(`  request ${i}: attempt ${a.number} failed (${String((a.lastError as Error).message ?? a.lastError)}), retrying in ${Math.round(a.nextDelay)} ms`),
    },
  );
  console.log(`request ${i}: ok after ${Math.round(performance.now() - started)} ms (server request #${body.served})`);
}
server.close();
