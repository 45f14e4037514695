/**
 * The demo's misbehaving HTTP server: a real `node:http` server on 127.0.0.1 (random port).
 * What it does to a request is drawn from a seeded source keyed by the request's id and attempt
 * (headers `x-demo-request`, `x-demo-attempt`), so the same seed gives the same behaviour
 * whatever order requests arrive in. Only the outage window is in wall time, like a real one.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mixSeed, mulberry32 } from './rng.js';

/** How the server misbehaves. */
export interface FlakyServerOptions {
  readonly seed: number;
  /** Probability that a request outside the outage fails (500, 503, 429 or a reset). */
  readonly failureRate: number;
  /** Probability of a latency spike (a slow but successful response). */
  readonly spikeRate: number;
  /** Spike length range, ms. */
  readonly spikeMs: readonly [number, number];
  /** Normal latency range, ms. */
  readonly latencyMs: readonly [number, number];
  /** Outage window, ms after `beginPhase()`: every request gets 503 or a reset. */
  readonly outage: { readonly start: number; readonly end: number };
  /** Retry-After sent with 429, in (fractional) seconds. */
  readonly retryAfterSeconds: number;
}

/** What the server did, per kind, since `beginPhase()`. */
export interface ServerCounts {
  total: number;
  ok: number;
  slow: number;
  http500: number;
  http503: number;
  http429: number;
  reset: number;
  /** Requests that arrived during the outage window. */
  duringOutage: number;
}

/** A running flaky server. */
export interface FlakyServer {
  readonly url: string;
  /** The outage window, ms after `beginPhase()`. */
  readonly outage: { readonly start: number; readonly end: number };
  /** Counters of the current phase. */
  readonly counts: Readonly<ServerCounts>;
  /** Restart the outage clock and the counters (each demo phase sees the same misbehaviour). */
  beginPhase(): void;
  close(): Promise<void>;
}

const zero = (): ServerCounts => ({ total: 0, ok: 0, slow: 0, http500: 0, http503: 0, http429: 0, reset: 0, duringOutage: 0 });

/** Decide a request's fate; separated from I/O so it can be unit-tested. */
export type Fate =
  | { readonly kind: 'ok' | 'slow'; readonly delay: number }
  | { readonly kind: 'http500' | 'http503' | 'http429' | 'reset'; readonly delay: number };

/**
 * The fate of attempt `attempt` of request `id`, `elapsed` ms into the phase.
 * @example
 * fate(options, 17, 1, 250).kind; // same answer for the same seed, id, attempt and time
 */
export function fate(o: FlakyServerOptions, id: number, attempt: number, elapsed: number): Fate {
  const random = mulberry32(mixSeed(o.seed, id, attempt));
  const between = ([a, b]: readonly [number, number]): number => a + random() * (b - a);
  const latency = between(o.latencyMs);
  if (elapsed >= o.outage.start && elapsed < o.outage.end) {
    return { kind: random() < 0.8 ? 'http503' : 'reset', delay: latency };
  }
  if (random() < o.failureRate) {
    const r = random();
    const kind = r < 0.35 ? 'http500' : r < 0.65 ? 'http503' : r < 0.8 ? 'http429' : 'reset';
    return { kind, delay: latency };
  }
  if (random() < o.spikeRate) return { kind: 'slow', delay: between(o.spikeMs) };
  return { kind: 'ok', delay: latency };
}

/** Start the server on 127.0.0.1 with a random port. */
export async function startFlakyServer(options: FlakyServerOptions): Promise<FlakyServer> {
  let counts = zero();
  let phaseStart = performance.now();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const id = Number(req.headers['x-demo-request'] ?? counts.total);
    const attempt = Number(req.headers['x-demo-attempt'] ?? 1);
    const elapsed = performance.now() - phaseStart;
    const f = fate(options, id, attempt, elapsed);
    counts.total++;
    counts[f.kind]++;
    if (elapsed >= options.outage.start && elapsed < options.outage.end) counts.duringOutage++;
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (res.destroyed || req.socket.destroyed) return;
      switch (f.kind) {
        case 'reset':
          req.socket.destroy();
          return;
        case 'http429':
          res.writeHead(429, { 'content-type': 'text/plain', 'retry-after': String(options.retryAfterSeconds) });
          res.end('slow down');
          return;
        case 'http500':
        case 'http503':
          res.writeHead(f.kind === 'http500' ? 500 : 503, { 'content-type': 'text/plain' });
          res.end(f.kind === 'http500' ? 'internal error' : 'unavailable');
          return;
        default:
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ id, attempt }));
      }
    }, f.delay);
    timers.add(timer);
  };
  const server: Server = createServer(handle);
  server.keepAliveTimeout = 2000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    outage: options.outage,
    get counts() {
      return counts;
    },
    beginPhase() {
      counts = zero();
      phaseStart = performance.now();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
