/**
 * A real node:http server that fails, goes down and comes back, called with real fetch through
 * retryAsync and a breaker. The executor's waits fire on the next macrotask (ImmediateClock);
 * the breaker's recoveryTimeout runs on a manual clock, so nothing sleeps for real.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/breaker/circuit-breaker.js';
import { retryAsync } from '../../src/core/retry-async.js';
import { CircuitOpenError } from '../../src/errors/library-errors.js';
import { HTTPError } from '../../src/errors/vocabulary.js';
import { NetworkRetryPolicy } from '../../src/policies/presets.js';
import { ImmediateClock } from '../helpers/immediate-clock.js';
import { ManualClock } from './helpers.js';

/** A server whose behaviour can be switched, stopped, and restarted on the same port. */
class Service {
  requests = 0;
  mode: 'ok' | 'fail' = 'ok';
  port = 0;
  #server: Server | undefined;

  async start(): Promise<void> {
    const server = createServer((_req, res) => {
      this.requests++;
      if (this.mode === 'ok') res.end('hello');
      else {
        res.writeHead(503);
        res.end('unavailable');
      }
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', resolve);
    });
    this.port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

async function get(url: string, signal: AbortSignal): Promise<string> {
  const res = await fetch(url, { signal });
  if (!res.ok) throw new HTTPError(res.status, `HTTP ${res.status}`, { response: res });
  return res.text();
}

let service: Service | undefined;
afterEach(async () => {
  await service?.stop();
  service = undefined;
});

describe('a breaker in front of a real HTTP service', () => {
  it('opens on failures, rejects fast without a request reaching the server, probes after recoveryTimeout and closes', async () => {
    service = new Service();
    await service.start();
    const url = `http://127.0.0.1:${service.port}/`;
    const breakerClock = new ManualClock();
    const breaker = new CircuitBreaker({ failureThreshold: 3, recoveryTimeout: 200, clock: breakerClock, name: 'service' });
    const transitions: string[] = [];
    breaker.on('stateChange', (e) => transitions.push(`${e.from}->${e.to}`));
    const clock = new ImmediateClock();
    const call = () =>
      retryAsync(({ signal }) => get(url, signal), {
        policy: new NetworkRetryPolicy(),
        maxAttempts: 5,
        timeout: Infinity,
        clock,
        circuitBreaker: breaker,
      });

    // healthy
    expect(await call()).toBe('hello');
    expect(service.requests).toBe(1);

    // the service fails: 3 attempts reach it, the 4th is refused by the open breaker
    service.mode = 'fail';
    const failing = await call().catch((e: unknown) => e);
    expect(failing).toBeInstanceOf(CircuitOpenError);
    expect(service.requests).toBe(4);
    expect(breaker.state).toBe('open');

    // while open: calls are rejected at once, no request reaches the server, nobody waits
    const waits = clock.waits.length;
    for (let i = 0; i < 20; i++) {
      const e = await call().catch((x: unknown) => x);
      expect(e).toBeInstanceOf(CircuitOpenError);
      expect((e as CircuitOpenError).retryAfter).toBe(200);
    }
    expect(service.requests).toBe(4);
    expect(clock.waits.length).toBe(waits);

    // the service goes down entirely, then comes back on the same port
    await service.stop();
    service.mode = 'ok';
    breakerClock.advance(200);
    // a probe while it is down fails (connection refused) and re-opens the breaker
    expect(await call().catch((e: unknown) => e)).toBeInstanceOf(CircuitOpenError);
    expect(breaker.state).toBe('open');
    await service.start();
    expect(service.requests).toBe(4);

    // after recoveryTimeout one probe goes through and closes it
    breakerClock.advance(199);
    expect(await call().catch((e: unknown) => e)).toBeInstanceOf(CircuitOpenError);
    expect(service.requests).toBe(4);
    breakerClock.advance(1);
    expect(await call()).toBe('hello');
    expect(service.requests).toBe(5);
    expect(breaker.state).toBe('closed');
    expect(await call()).toBe('hello');
    expect(transitions).toEqual([
      'closed->open',
      'open->half-open',
      'half-open->open',
      'open->half-open',
      'half-open->closed',
    ]);
  });

  it('with concurrent callers while half-open, only the probe reaches the server', async () => {
    service = new Service();
    service.mode = 'fail';
    await service.start();
    const url = `http://127.0.0.1:${service.port}/`;
    const breakerClock = new ManualClock();
    const breaker = new CircuitBreaker({ failureThreshold: 2, recoveryTimeout: 200, clock: breakerClock });
    const call = () => breaker.execute(() => get(url, AbortSignal.timeout(5000)));
    await expect(call()).rejects.toBeInstanceOf(HTTPError);
    await expect(call()).rejects.toBeInstanceOf(HTTPError);
    expect(service.requests).toBe(2);
    service.mode = 'ok';
    breakerClock.advance(200);
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => call()));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(service.requests).toBe(3);
    expect(breaker.state).toBe('closed');
  });
});
