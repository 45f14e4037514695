/**
 * Real errors, produced by Node's own fetch (undici), node:net and DNS against a real node:http
 * server on 127.0.0.1, each run through classifyError.
 */
import { lookup } from 'node:dns/promises';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyError } from '../../src/classify/classify-error.js';
import { retryAfterOf } from '../../src/classify/retry-after.js';
import { HTTPError } from '../../src/errors/vocabulary.js';

let server: Server;
let base: string;
let closedPort: number;
const timers = new Set<NodeJS.Timeout>();

beforeAll(async () => {
  server = createServer((req, res) => {
    switch (req.url) {
      case '/unavailable':
        res.writeHead(503, { 'Retry-After': '2', 'content-type': 'text/plain' }).end('busy');
        return;
      case '/missing':
        res.writeHead(404).end('no');
        return;
      case '/reset-before-headers':
        req.socket.resetAndDestroy();
        return;
      case '/reset-mid-body': {
        res.writeHead(200, { 'content-length': '1000' });
        res.write('partial');
        const t = setTimeout(() => req.socket.resetAndDestroy(), 20);
        timers.add(t);
        return;
      }
      case '/close-mid-body': {
        res.writeHead(200, { 'content-length': '1000' });
        res.write('partial');
        const t = setTimeout(() => req.socket.destroy(), 20);
        timers.add(t);
        return;
      }
      case '/slow': {
        const t = setTimeout(() => res.end('late'), 5000);
        timers.add(t);
        return;
      }
      default:
        res.end('ok');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // A port with nothing listening: bind one, then release it.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});

afterAll(async () => {
  for (const t of timers) clearTimeout(t);
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** The rejection of `promise` (fails the test if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** A tiny fetch wrapper, as users write: non-2xx → HTTPError with Retry-After and the response. */
async function getOrThrow(url: string): Promise<string> {
  const res = await fetch(url);
  if (!res.ok) {
    await res.body?.cancel();
    throw new HTTPError(res.status, `GET ${url} → ${res.status}`, { response: res, retryAfter: retryAfterOf({ response: res }) });
  }
  return res.text();
}

const brief = (c: ReturnType<typeof classifyError>) => ({ category: c.category, retryable: c.retryable });

describe('real errors from fetch, net and DNS', () => {
  it("connection refused: fetch's TypeError('fetch failed') → network, retryable", async () => {
    const error = await rejection(fetch(`http://127.0.0.1:${closedPort}/`));
    expect(error).toBeInstanceOf(TypeError);
    expect(brief(classifyError(error))).toEqual({ category: 'network', retryable: true });
  });

  it('connection reset before the response (RST) → network, retryable', async () => {
    const error = await rejection(fetch(`${base}/reset-before-headers`));
    expect(brief(classifyError(error))).toEqual({ category: 'network', retryable: true });
  });

  it('connection reset in the middle of the body → network, retryable', async () => {
    const res = await fetch(`${base}/reset-mid-body`);
    const error = await rejection(res.text());
    expect(brief(classifyError(error))).toEqual({ category: 'network', retryable: true });
  });

  it('socket closed in the middle of the body (TypeError terminated / UND_ERR_SOCKET) → network, retryable', async () => {
    const res = await fetch(`${base}/close-mid-body`);
    const error = await rejection(res.text());
    expect((error as Error).message).toBe('terminated');
    expect(brief(classifyError(error))).toEqual({ category: 'network', retryable: true });
  });

  it('503 with Retry-After: 2, converted to an HTTPError → server, retryable, retryAfter 2000', async () => {
    const error = await rejection(getOrThrow(`${base}/unavailable`));
    expect(error).toBeInstanceOf(HTTPError);
    expect(classifyError(error)).toEqual({ category: 'server', retryable: true, retryAfter: 2000 });
  });

  it('503 read from the HTTPError response headers when retryAfter is not copied', async () => {
    const res = await fetch(`${base}/unavailable`);
    await res.body?.cancel();
    expect(classifyError(new HTTPError(res.status, 'x', { response: res }))).toEqual({
      category: 'server',
      retryable: true,
      retryAfter: 2000,
    });
  });

  it('404, converted to an HTTPError → client, not retryable', async () => {
    const error = await rejection(getOrThrow(`${base}/missing`));
    expect(classifyError(error)).toEqual({ category: 'client', retryable: false });
  });

  it("AbortSignal.timeout on a slow response: DOMException 'TimeoutError' → timeout, retryable", async () => {
    const error = await rejection(fetch(`${base}/slow`, { signal: AbortSignal.timeout(50) }));
    expect((error as Error).name).toBe('TimeoutError');
    expect(brief(classifyError(error))).toEqual({ category: 'timeout', retryable: true });
  });

  it('AbortController.abort() on a slow response → cancelled, not retryable', async () => {
    const controller = new AbortController();
    const pending = rejection(fetch(`${base}/slow`, { signal: controller.signal }));
    const t = setTimeout(() => controller.abort(), 20);
    timers.add(t);
    const error = await pending;
    expect((error as Error).name).toBe('AbortError');
    expect(brief(classifyError(error))).toEqual({ category: 'cancelled', retryable: false });
  });

  it('net.connect to a closed port: ECONNREFUSED → network, retryable', async () => {
    const error = await new Promise<unknown>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port: closedPort });
      socket.once('error', (e) => {
        socket.destroy();
        resolve(e);
      });
      socket.once('connect', () => {
        socket.destroy();
        resolve(new Error('unexpectedly connected'));
      });
    });
    expect((error as { code?: string }).code).toBe('ECONNREFUSED');
    expect(brief(classifyError(error))).toEqual({ category: 'network', retryable: true });
  });

  it('DNS failure for http://nonexistent.invalid/ → network, retryable', async (ctx) => {
    // Only where the resolver answers quickly and negatively (sandboxes without DNS may hang).
    const probe = await Promise.race([
      lookup('nonexistent.invalid').then(
        () => 'resolved',
        (e: { code?: string }) => e.code ?? 'error',
      ),
      new Promise<string>((resolve) => {
        const t = setTimeout(() => resolve('slow'), 3000);
        timers.add(t);
      }),
    ]);
    if (probe !== 'ENOTFOUND' && probe !== 'EAI_AGAIN') ctx.skip(`resolver did not fail fast (${probe})`);
    const error = await rejection(fetch('http://nonexistent.invalid/'));
    const code = (error as { cause?: { code?: string } }).cause?.code;
    expect(['ENOTFOUND', 'EAI_AGAIN']).toContain(code);
    expect(brief(classifyError(error))).toEqual({ category: 'network', retryable: true });
  });
});
