import { afterEach, describe, expect, it } from 'vitest';
import { classifyError } from '../../src/classify/classify-error.js';
import { retryAsync } from '../../src/core/retry-async.js';
import { MaxRetriesExceededError } from '../../src/errors/library-errors.js';
import { HTTPError } from '../../src/errors/vocabulary.js';
import { NetworkRetryPolicy } from '../../src/policies/presets.js';
import { VirtualClock } from '../../src/core/virtual-clock.js';
import { ImmediateClock } from '../helpers/immediate-clock.js';
import { closedPort, startServer, type TestServer } from '../helpers/http-server.js';

/** The fetch wrapper users write: a non-2xx response becomes an HTTPError carrying the response. */
async function getText(url: string, signal: AbortSignal): Promise<string> {
  const res = await fetch(url, { signal });
  if (!res.ok) throw new HTTPError(res.status, `HTTP ${res.status}`, { response: res });
  return res.text();
}

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('retryAsync against a real node:http server with real fetch', () => {
  it('connection refused is a network error: retried until attempts run out', async () => {
    const port = await closedPort();
    const clock = new ImmediateClock();
    const p = retryAsync(({ signal }) => getText(`http://127.0.0.1:${port}/`, signal), {
      policy: new NetworkRetryPolicy(),
      maxAttempts: 3,
      timeout: Infinity, // the deadline is not the subject here; every wait below is a sleep
      clock,
    });
    const err = (await p.catch((e: unknown) => e)) as MaxRetriesExceededError;
    expect(err).toBeInstanceOf(MaxRetriesExceededError);
    expect(err.attempts).toBe(3);
    expect(classifyError(err.lastError).category).toBe('network');
    expect(clock.waits.length).toBe(2);
  });

  it('a reset connection is retried, and the next attempt succeeds', async () => {
    server = await startServer((req, res, n) => {
      if (n === 1) req.socket.destroy();
      else res.end('hello');
    });
    const clock = new ImmediateClock();
    const text = await retryAsync(({ signal }) => getText(server!.url, signal), {
      policy: new NetworkRetryPolicy(),
      timeout: Infinity,
      clock,
    });
    expect(text).toBe('hello');
    expect(server.requests).toBe(2);
  });

  it('503 with Retry-After is retried after the server-given delay', async () => {
    server = await startServer((_req, res, n) => {
      if (n === 1) {
        res.writeHead(503, { 'Retry-After': '3' });
        res.end('busy');
      } else res.end('ok');
    });
    const clock = new ImmediateClock();
    const text = await retryAsync(({ signal }) => getText(server!.url, signal), {
      policy: new NetworkRetryPolicy(),
      delay: 10,
      timeout: Infinity,
      clock,
    });
    expect(text).toBe('ok');
    expect(clock.waits).toEqual([3000]);
  });

  it('404 is not retried: the HTTPError is re-thrown unchanged after one request', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(404);
      res.end('nope');
    });
    const p = retryAsync(({ signal }) => getText(server!.url, signal), { policy: new NetworkRetryPolicy() });
    const err = (await p.catch((e: unknown) => e)) as HTTPError;
    expect(err).toBeInstanceOf(HTTPError);
    expect(err.status).toBe(404);
    expect(server.requests).toBe(1);
  });

  it('the total timeout aborts the in-flight fetch through ctx.signal', async () => {
    let arrived: () => void = () => {};
    const requestArrived = new Promise<void>((r) => (arrived = r));
    let closed: () => void = () => {};
    const requestClosed = new Promise<void>((r) => (closed = r));
    server = await startServer((req) => {
      req.socket.on('close', () => closed()); // never answers
      arrived();
    });
    const clock = new VirtualClock();
    const p = retryAsync(({ signal }) => getText(server!.url, signal), { timeout: 200, clock });
    const caught = p.catch((e: unknown) => e);
    await requestArrived;
    await clock.advance(200);
    expect(await caught).toMatchObject({ name: 'RetryTimeoutError', timeout: 200 });
    await requestClosed; // the server saw the client go away: the work really stopped
  });
});
