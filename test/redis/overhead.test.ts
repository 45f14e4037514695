/**
 * What a Redis-backed breaker and budget cost per call on loopback (logged; the only assertions
 * are on Redis commands per call, not on time): a healthy breaker answers from its view and
 * batches successes, so a successful call sends no command; with `syncInterval: 0` every call
 * pays its round trips.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/breaker/circuit-breaker.js';
import { MemoryBreakerStore } from '../../src/breaker/memory-store.js';
import type { BreakerStore } from '../../src/breaker/store.js';
import { RetryBudget } from '../../src/budget/retry-budget.js';
import type { BudgetStore } from '../../src/budget/budget-store.js';
import { retryAsync } from '../../src/core/retry-async.js';
import { RedisBreakerStore } from '../../src/redis/breaker-store.js';
import { RedisBudgetStore } from '../../src/redis/budget-store.js';
import { fromNodeRedis } from '../../src/redis/client-adapter.js';
import { deleteKeys, FlakyClient, type NodeRedis, nodeRedis, redis, uniquePrefix } from './helpers.js';

const CALLS = 5000;

describe.skipIf(redis.skip)('per-call overhead of the Redis stores (loopback)', () => {
  let client: NodeRedis;
  const prefix = uniquePrefix('overhead');
  let n = 0;
  const rows: string[] = [];

  beforeAll(async () => {
    redis.require();
    client = await nodeRedis();
  });
  afterAll(async () => {
    console.log(`[redis-overhead] ${CALLS} sequential successful calls each:\n${rows.join('\n')}`);
    await deleteKeys(client, prefix);
    await client?.quit();
  });

  /** µs per call of `run` (after a warm-up), and Redis commands per call. */
  async function measure(label: string, counter: FlakyClient | undefined, run: () => Promise<unknown>) {
    for (let i = 0; i < 500; i++) await run();
    const before = counter?.commands ?? 0;
    const t0 = performance.now();
    for (let i = 0; i < CALLS; i++) await run();
    const us = ((performance.now() - t0) * 1000) / CALLS;
    const perCall = ((counter?.commands ?? 0) - before) / CALLS;
    rows.push(`  ${label.padEnd(64)} ${us.toFixed(1).padStart(7)} µs/call, ${perCall.toFixed(3)} Redis commands/call`);
    return { us, perCall };
  }

  const redisBreaker = (syncInterval?: number) => {
    const counter = new FlakyClient(fromNodeRedis(client));
    const store = new RedisBreakerStore({ client: counter, name: `o${n++}`, prefix, syncInterval });
    return { counter, breaker: new CircuitBreaker({ store }) };
  };

  it('breaker.execute: memory store vs Redis store (view) vs Redis store (every call a round trip)', async () => {
    const memory = new CircuitBreaker({ store: new MemoryBreakerStore() as BreakerStore });
    await measure('CircuitBreaker, MemoryBreakerStore', undefined, () => memory.execute(() => 1));
    const viewed = redisBreaker();
    const v = await measure('CircuitBreaker, RedisBreakerStore (default syncInterval 100)', viewed.counter, () =>
      viewed.breaker.execute(() => 1),
    );
    const strict = redisBreaker(0);
    const s = await measure('CircuitBreaker, RedisBreakerStore (syncInterval 0)', strict.counter, () =>
      strict.breaker.execute(() => 1),
    );
    expect(v.perCall).toBeLessThan(0.05); // background refreshes only
    expect(s.perCall).toBeGreaterThanOrEqual(2); // acquire + record
  });

  it('retryAsync with a breaker and a budget: memory vs Redis', async () => {
    const fn = async () => 1;
    const memoryBreaker = new CircuitBreaker();
    const memoryBudget = new RetryBudget();
    await measure('retryAsync + CircuitBreaker + RetryBudget, in memory', undefined, () =>
      retryAsync(fn, { circuitBreaker: memoryBreaker, budget: memoryBudget }),
    );
    const { counter, breaker } = redisBreaker();
    const budget = new RetryBudget({
      store: new RedisBudgetStore({ client: counter, name: `o${n++}`, prefix }) as BudgetStore,
    });
    const r = await measure('retryAsync + CircuitBreaker + RetryBudget, on Redis (defaults)', counter, () =>
      retryAsync(fn, { circuitBreaker: breaker, budget }),
    );
    expect(r.perCall).toBeLessThan(0.1);
  });

  it('one breaker script round trip (EVALSHA acquire), for reference', async () => {
    const { counter, breaker } = redisBreaker(0);
    await measure('acquirePermit with syncInterval 0 (one EVALSHA)', counter, async () => breaker.acquirePermit());
  });
});
