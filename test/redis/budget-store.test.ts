/**
 * RedisBudgetStore against a real redis-server: answers at once from the local view, shares
 * counts exactly like MemoryBudgetStore once synced (property-checked), never counts a request
 * twice, restores counts after Redis lost them, resets, expires its keys, falls back and recovers.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUDGET_SPAN, type BudgetExchange, MemoryBudgetStore } from '../../src/budget/budget-store.js';
import { RetryBudget } from '../../src/budget/retry-budget.js';
import { RedisBudgetStore, type RedisBudgetStoreOptions } from '../../src/redis/budget-store.js';
import { fromNodeRedis } from '../../src/redis/client-adapter.js';
import type { RedisStoreEvent } from '../../src/redis/events.js';
import { VirtualClock } from '../../src/core/virtual-clock.js';
import { ManualClock } from '../breaker/helpers.js';
import { FlakyClient, redis, suiteRedis } from './helpers.js';

const zeros = () => Array.from({ length: BUDGET_SPAN }, () => 0);
/** A request adding `f` first attempts and `r` retries to bucket `bucket` (the newest). */
const req = (bucket: number, f: number, r = 0, width = 1000): BudgetExchange => {
  const firsts = zeros();
  const retries = zeros();
  firsts[BUDGET_SPAN - 1] = f;
  retries[BUDGET_SPAN - 1] = r;
  return { bucketWidth: width, bucket, firsts, retries };
};
const last = (a: readonly number[]) => a[a.length - 1];

describe.skipIf(redis.skip)('RedisBudgetStore', () => {
  const r = suiteRedis('budget');
  const prefix = r.prefix;
  let n = 0;


  const pair = (options: Partial<RedisBudgetStoreOptions> = {}) => {
    const name = `g${n++}`;
    return [
      new RedisBudgetStore({ client: r.client, name, prefix, ...options }),
      new RedisBudgetStore({ client: r.io, name, prefix, ...options }),
    ] as const;
  };

  it('exchange answers synchronously with this store’s counts at once', () => {
    const [a] = pair();
    const t = a.exchange(req(100, 3, 1));
    expect(t).not.toBeInstanceOf(Promise);
    expect(last(t.firsts)).toBe(3);
    expect(last(t.retries)).toBe(1);
    expect(last(a.exchange(req(100, 2)).firsts)).toBe(5);
  });

  it('two processes see each other’s counts after a sync; totals equal MemoryBudgetStore’s', async () => {
    const [a, b] = pair();
    const memory = new MemoryBudgetStore();
    for (const [store, r] of [
      [a, req(500, 4, 1)],
      [b, req(500, 6, 2)],
      [a, req(501, 1)],
    ] as const) {
      store.exchange(r);
      memory.exchange(r);
    }
    b.exchange(req(501, 0)); // b's clock reaches bucket 501 too (a store syncs the buckets it has seen)
    await a.flush();
    await b.flush();
    await a.flush();
    const expected = memory.exchange(req(501, 0));
    expect(a.exchange(req(501, 0))).toEqual(expected);
    expect(b.exchange(req(501, 0))).toEqual(expected);
  });

  it('keys: <prefix>{budget:<name>} (shared totals) and <key>:c:<client> (each store’s reports), with a TTL of (span + 1) buckets', async () => {
    const [a] = pair();
    expect(a.key).toMatch(new RegExp(`^${prefix}\\{budget:g\\d+\\}$`));
    expect(a.clientKey.startsWith(`${a.key}:c:`)).toBe(true);
    a.exchange(req(700, 1, 0, 500));
    await a.flush();
    for (const key of [a.key, a.clientKey]) {
      const ttl = await r.client.pTTL(key);
      expect(ttl).toBeGreaterThan(5000);
      expect(ttl).toBeLessThanOrEqual((BUDGET_SPAN + 1) * 500);
    }
    expect(await r.client.hGetAll(a.key)).toMatchObject({ [`500:b${700 % BUDGET_SPAN}`]: '700', [`500:f${700 % BUDGET_SPAN}`]: '1' });
  });

  it('a request that runs twice (a timed-out command that still ran) never counts twice', async () => {
    const [a, b] = pair();
    a.exchange(req(900, 5));
    await a.flush();
    await a.flush();
    await a.flush();
    b.exchange(req(900, 0));
    await b.flush();
    expect(last(b.exchange(req(900, 0)).firsts)).toBe(5);
  });

  it('after Redis lost its data (restart without persistence) the next sync restores every live store’s counts', async () => {
    const [a, b] = pair();
    a.exchange(req(1200, 7, 2));
    b.exchange(req(1200, 3));
    await a.flush();
    await b.flush();
    await r.client.del([a.key, a.clientKey, b.clientKey]);
    await a.flush();
    await b.flush();
    const shared = await r.client.hGetAll(a.key);
    expect(shared[`1000:f${1200 % BUDGET_SPAN}`]).toBe('10');
    expect(shared[`1000:r${1200 % BUDGET_SPAN}`]).toBe('2');
  });

  it('reset() forgets the shared counts, and other stores’ earlier counts are not sent again', async () => {
    const [a, b] = pair();
    a.exchange(req(1500, 4));
    b.exchange(req(1500, 6));
    await a.flush();
    await b.flush();
    await a.reset();
    expect(await r.client.exists(a.key)).toBe(0);
    b.exchange(req(1500, 1));
    await b.flush();
    a.exchange(req(1500, 0));
    await a.flush();
    expect(last(a.exchange(req(1500, 0)).firsts)).toBe(1);
  });

  it('syncs at most once per syncInterval, one script at a time', async () => {
    const flaky = new FlakyClient(fromNodeRedis(r.client));
    const clock = new ManualClock(0);
    const store = new RedisBudgetStore({ client: flaky, name: `g${n++}`, prefix, clock, syncInterval: 100 });
    for (let i = 0; i < 50; i++) store.exchange(req(2000, 1));
    expect(flaky.commands).toBe(1);
    await store.flush();
    const before = flaky.commands;
    clock.advance(99);
    store.exchange(req(2000, 1));
    expect(flaky.commands).toBe(before);
    clock.advance(1);
    store.exchange(req(2000, 1));
    expect(flaky.commands).toBe(before + 1);
  });

  it('Redis failing: exchange keeps answering, one fallback event; back: counts are pushed, one recovered event', async () => {
    const flaky = new FlakyClient(fromNodeRedis(r.client));
    const clock = new ManualClock(0);
    const events: RedisStoreEvent['type'][] = [];
    const name = `g${n++}`;
    const store = new RedisBudgetStore({
      client: flaky,
      name,
      prefix,
      clock,
      syncInterval: 0,
      retryInterval: 1000,
      onEvent: (e) => events.push(e.type),
    });
    flaky.mode = 'error';
    for (let i = 0; i < 20; i++) expect(last(store.exchange(req(3000, 1)).firsts)).toBe(i + 1);
    await store.flush();
    expect(events).toEqual(['fallback']);
    flaky.mode = 'ok';
    clock.advance(999);
    store.exchange(req(3000, 0));
    await store.flush(); // flush tries regardless of the schedule
    expect(events).toEqual(['fallback', 'recovered']);
    const other = new RedisBudgetStore({ client: r.client, name, prefix });
    other.exchange(req(3000, 0));
    await other.flush();
    expect(last(other.exchange(req(3000, 0)).firsts)).toBe(20);
  });

  it('RetryBudgets in two processes share one allowance: ratio × fleet first attempts', async () => {
    const [sa, sb] = pair({ syncInterval: 0 });
    const clock = new ManualClock(Date.now());
    const a = new RetryBudget({ ratio: 0.5, minRetriesPerSecond: 0, clock, store: sa });
    const b = new RetryBudget({ ratio: 0.5, minRetriesPerSecond: 0, clock, store: sb });
    for (let i = 0; i < 10; i++) a.recordFirstAttempt(); // the fleet's 10 first attempts all go through a
    await b.sync(); // b's first exchange: its store now tracks the current bucket
    await sa.flush();
    await sb.flush();
    await b.sync();
    let granted = 0;
    for (let i = 0; i < 10; i++) if (b.tryAcquireRetry()) granted++;
    expect(granted).toBe(5);
    await sb.flush();
    await sa.flush();
    await a.sync();
    expect(a.tryAcquireRetry()).toBe(false);
    expect(a.getStats()).toMatchObject({ firstAttempts: 10, retries: 5, available: 0 });
  });

  it('property: after every store synced, each store’s totals equal MemoryBudgetStore fed the same requests', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            who: fc.integer({ min: 0, max: 2 }),
            step: fc.integer({ min: 0, max: 4 }),
            f: fc.integer({ min: 0, max: 5 }),
            r: fc.integer({ min: 0, max: 3 }),
            sync: fc.boolean(),
          }),
          { minLength: 1, maxLength: 25 },
        ),
        async (ops) => {
          const name = `p${n++}`;
          const stores = [0, 1, 2].map((i) => new RedisBudgetStore({ client: i === 1 ? r.io : r.client, name, prefix, syncInterval: 1e9, random: () => 0 }));
          const memory = new MemoryBudgetStore();
          let bucket = 10_000;
          for (const op of ops) {
            bucket += op.step;
            const r = req(bucket, op.f, op.r);
            stores[op.who]?.exchange(r);
            memory.exchange(r);
            if (op.sync) await stores[op.who]?.flush();
          }
          for (const s of stores) s.exchange(req(bucket, 0)); // every store has seen the newest bucket
          for (const s of stores) await s.flush();
          for (const s of stores) await s.flush();
          const expected = memory.exchange(req(bucket, 0));
          for (const s of stores) expect(s.exchange(req(bucket, 0))).toEqual(expected);
          await r.client.del([stores[0]?.key ?? '', ...stores.map((s) => s.clientKey)]);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('others’ retries of the bucket that just left still count for a random part of a bucket (no herd on freed allowance)', async () => {
    const name = `g${n++}`;
    const clock = new VirtualClock(0);
    const a = new RedisBudgetStore({ client: r.client, name, prefix, clock, random: () => 0.5 });
    const b = new RedisBudgetStore({ client: r.io, name, prefix, random: () => 0 });
    b.exchange(req(4000, 10, 5));
    await b.flush();
    a.exchange(req(4000, 0));
    await a.flush(); // a knows b's 5 retries of bucket 4000
    const oldestRetries = (bucket: number) => a.exchange(req(bucket, 0)).retries[0];
    expect(oldestRetries(4010)).toBe(5); // bucket 4000 is the oldest of the span
    expect(oldestRetries(4011)).toBe(5); // 4000 left the span, but b's retries still count here...
    await clock.advance(499);
    expect(oldestRetries(4011)).toBe(5);
    await clock.advance(1); // ...for random() × bucketWidth = 500 ms
    expect(oldestRetries(4011)).toBe(0);
  });

  it('while retries are granted, syncs run every syncInterval / 10, between events too, and stop when quiet', async () => {
    const flaky = new FlakyClient(fromNodeRedis(r.client));
    const clock = new VirtualClock(0);
    const store = new RedisBudgetStore({ client: flaky, name: `g${n++}`, prefix, clock, syncInterval: 100 });
    const answered = () => new Promise((r) => setTimeout(r, 30)); // real time for Redis to answer
    store.exchange(req(5000, 1, 1)); // a granted retry: sync now
    store.exchange(req(5000, 1, 1)); // another one while that sync is in flight
    expect(flaky.commands).toBe(1);
    await answered();
    expect(clock.pending).toBe(1); // the next sync is scheduled, 10 ms after the previous began
    await clock.advance(10);
    expect(flaky.commands).toBe(2);
    await answered();
    expect(clock.pending).toBe(0); // no retry since: quiet again, no timer
  });

  it('validation: options are checked like the breaker store’s', () => {
    expect(() => new RedisBudgetStore({ client: r.client, name: 'x', clock: {} as never })).toThrow(TypeError);
    expect(() => new RedisBudgetStore({ client: r.client, name: 'x', retryInterval: -1 })).toThrow('`retryInterval` must be a finite number >= 0, got -1');
    expect(() => new RedisBudgetStore({ client: r.client, name: 'x', keyTtl: 1 } as never)).toThrow('RedisBudgetStore: unknown option `keyTtl`');
  });
});
