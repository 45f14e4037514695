/**
 * The fault test of issue 7: Redis is killed mid-run (SIGKILL, no persistence) and started again
 * on the same port. Two "processes" (each with its own client library and connection) call a
 * real node:http dependency through retryAsync with a Redis breaker and a Redis budget:
 * - while Redis is down no call fails because of Redis: every outcome is the dependency's own
 *   (its value, its error, or a breaker/budget decision taken on local state);
 * - when Redis is back the stores recover by themselves and the state is shared again: what
 *   one process does to the breaker and the budget, the other sees.
 * The test runs its own redis-server so that stopping it disturbs no other test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RetryBudget } from '../../src/budget/retry-budget.js';
import { CircuitBreaker } from '../../src/breaker/circuit-breaker.js';
import { retryAsync } from '../../src/core/retry-async.js';
import { CircuitOpenError, MaxRetriesExceededError, RetryBudgetExceededError } from '../../src/errors/library-errors.js';
import { RedisBreakerStore } from '../../src/redis/breaker-store.js';
import { RedisBudgetStore } from '../../src/redis/budget-store.js';
import type { RedisStoreEvent } from '../../src/redis/events.js';
import { startServer, type TestServer } from '../helpers/http-server.js';
import { isCI } from '../helpers/services.js';
import { hasRedisServer, ioRedis, nodeRedis, PrivateRedis } from './helpers.js';

const skip = !hasRedisServer && !isCI;
if (skip) console.warn('[skipped] redis-server is not installed (apt-get install redis-server); the Redis fault test needs its own server');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(skip)('Redis stopped mid-run and restarted', () => {
  let redisServer: PrivateRedis;
  let dependency: TestServer;
  let failing = false;

  beforeAll(async () => {
    if (!hasRedisServer) throw new Error('redis-server is required under CI=true (apt-get install redis-server)');
    redisServer = await PrivateRedis.start();
    dependency = await startServer((_req, res) => {
      res.statusCode = failing ? 503 : 200;
      res.end(failing ? 'down' : 'ok');
    });
  });
  afterAll(async () => {
    await redisServer?.stop();
    await dependency?.close();
  });

  it('no call fails because of Redis, and shared state resumes after the restart', async () => {
    const nodeClient = await nodeRedis(redisServer.url);
    const io = await ioRedis(redisServer.url);
    const events: string[] = [];
    const onEvent = (who: string) => (e: RedisStoreEvent) => events.push(`${who}:${e.store}:${e.type}`);
    const common = { name: 'fault', timeout: 100, retryInterval: 100, syncInterval: 20 };
    const process = (who: 'A' | 'B', client: typeof nodeClient | typeof io) => {
      const breakerStore = new RedisBreakerStore({ client, ...common, onEvent: onEvent(who) });
      const budgetStore = new RedisBudgetStore({ client, ...common, onEvent: onEvent(who) });
      const breaker = new CircuitBreaker({ failureThreshold: 5, recoveryTimeout: 60_000, store: breakerStore });
      const budget = new RetryBudget({ ratio: 0.5, minRetriesPerSecond: 0, window: 60_000, store: budgetStore });
      return { breaker, budget, budgetStore };
    };
    const a = process('A', nodeClient);
    const b = process('B', io);

    /** One user call: GET the dependency, retried (3 attempts, no wait). */
    const outcomes: unknown[] = [];
    const call = async (p: ReturnType<typeof process>) => {
      const outcome = await retryAsync(
        async () => {
          const res = await fetch(dependency.url);
          const text = await res.text();
          if (!res.ok) throw new Error(`HTTP ${res.status}`);
          return text;
        },
        { maxAttempts: 3, delay: 0, circuitBreaker: p.breaker, budget: p.budget },
      ).catch((e: unknown) => e);
      outcomes.push(outcome);
      return outcome;
    };
    const normal = (o: unknown) =>
      o === 'ok' ||
      o instanceof CircuitOpenError ||
      o instanceof MaxRetriesExceededError ||
      o instanceof RetryBudgetExceededError ||
      (o instanceof Error && o.message === 'HTTP 503');

    try {
      // Redis up: shared
      for (let i = 0; i < 20; i++) expect(await call(i % 2 ? a : b)).toBe('ok');

      // Redis killed mid-run: every call still succeeds (the dependency is healthy)
      await redisServer.stop();
      const downStart = performance.now();
      let slowest = 0;
      for (let i = 0; i < 200; i++) {
        const t0 = performance.now();
        expect(await call(i % 2 ? a : b)).toBe('ok');
        slowest = Math.max(slowest, performance.now() - t0);
      }
      expect(events).toEqual(expect.arrayContaining(['A:breaker:fallback', 'B:breaker:fallback']));
      // ... and the breaker still protects the dependency, on local state
      failing = true;
      for (let i = 0; i < 10; i++) await call(a);
      expect(await call(a)).toBeInstanceOf(CircuitOpenError);
      const downFor = performance.now() - downStart;

      // Redis back (empty: no persistence); the stores find it by themselves
      failing = false;
      await redisServer.start();
      const upAt = performance.now();
      for (let i = 0; i < 400 && !(events.includes('A:breaker:recovered') && events.includes('B:breaker:recovered')); i++) {
        await call(i % 2 ? a : b);
        await sleep(10);
      }
      const recoveredIn = performance.now() - upAt;
      expect(events).toEqual(expect.arrayContaining(['A:breaker:recovered', 'B:breaker:recovered']));
      expect(outcomes.every(normal)).toBe(true);
      const counts = outcomes.reduce<Record<string, number>>((acc, o) => {
        const k = o === 'ok' ? 'ok' : (o as Error).name;
        acc[k] = (acc[k] ?? 0) + 1;
        return acc;
      }, {});
      console.log(
        `[redis-fault] ${outcomes.length} calls, outcomes ${JSON.stringify(counts)}; Redis down ${Math.round(downFor)} ms ` +
          `(slowest call meanwhile ${Math.round(slowest)} ms, timeout ${common.timeout} ms); ` +
          `stores recovered ${Math.round(recoveredIn)} ms after restart; events ${events.join(', ')}`,
      );

      // shared again: A's failures open the breaker that B uses
      expect(await call(a)).toBe('ok'); // A's local open state was replaced by the (fresh) shared one
      failing = true;
      for (let i = 0; i < 5; i++) await call(a);
      await a.breaker.refresh();
      failing = false;
      await b.breaker.refresh();
      const before = dependency.requests;
      expect(await call(b)).toBeInstanceOf(CircuitOpenError); // B never reaches the dependency
      expect(dependency.requests).toBe(before);

      // ... and the budget: every first attempt of both processes is in Redis again (those made
      // before the restart and during the outage included), and B sees them all
      await b.budget.sync();
      await a.budgetStore.flush();
      await b.budgetStore.flush();
      await b.budget.sync();
      expect(b.budget.getStats().firstAttempts).toBe(outcomes.length);
      expect(outcomes.every(normal)).toBe(true);
    } finally {
      await nodeClient.quit().catch(() => {});
      io.disconnect();
    }
  }, 30_000);
});
