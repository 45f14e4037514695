/**
 * RedisBreakerStore beyond the contract: shared by several "processes" (stores with their own
 * clients), key layout and TTLs, server time, the local view (no round trip for a healthy
 * breaker), batched successes, rules mismatch, validation.
 */
import { describe, expect, it, vi } from 'vitest';
import { AdvancedCircuitBreaker } from '../../src/breaker/advanced-circuit-breaker.js';
import { CircuitBreaker } from '../../src/breaker/circuit-breaker.js';
import { CircuitOpenError } from '../../src/errors/library-errors.js';
import { RedisBreakerStore, type RedisBreakerStoreOptions } from '../../src/redis/breaker-store.js';
import { fromNodeRedis, type RedisLike, toRedisLike } from '../../src/redis/client-adapter.js';
import { ManualClock, tick } from '../breaker/helpers.js';
import { FlakyClient, redis, suiteRedis } from './helpers.js';

const fail = () => {
  throw new Error('dependency down');
};

describe.skipIf(redis.skip)('RedisBreakerStore', () => {
  const r = suiteRedis('breaker');
  const prefix = r.prefix;
  let n = 0;
  const fresh = () => `b${n++}`;


  const store = (name: string, options: Partial<RedisBreakerStoreOptions> = {}) =>
    new RedisBreakerStore({ client: r.client, name, prefix, ...options });

  it('keys: <prefix>{breaker:<name>} holds the state, <key>:w the window; both carry a TTL', async () => {
    const name = fresh();
    const s = store(name, { keyTtl: 60_000 });
    expect(s.key).toBe(`${prefix}{breaker:${name}}`);
    expect(s.windowKey).toBe(`${prefix}{breaker:${name}}:w`);
    const breaker = new AdvancedCircuitBreaker({
      failureRateThreshold: 0.5,
      slidingWindow: { type: 'count', size: 10 },
      minimumThroughput: 5,
      recoveryTimeout: 1000,
      store: s,
    });
    await expect(breaker.execute(fail)).rejects.toThrow('dependency down');
    await breaker.refresh();
    const hash = await r.client.hGetAll(s.key);
    expect(hash).toMatchObject({ st: 'closed', gen: '0', cf: '1', calls: '1', fails: '1', probes: '0' });
    expect(await r.client.type(s.windowKey)).toBe('list');
    for (const key of [s.key, s.windowKey]) {
      const ttl = await r.client.pTTL(key);
      expect(ttl).toBeGreaterThan(50_000);
      expect(ttl).toBeLessThanOrEqual(60_000);
    }
  });

  it('the key TTL is raised to at least 2 × recoveryTimeout so an open breaker never expires early', async () => {
    const s = store(fresh(), { keyTtl: 1000 });
    const breaker = new CircuitBreaker({ failureThreshold: 1, recoveryTimeout: 30_000, store: s });
    await expect(breaker.execute(fail)).rejects.toThrow();
    await breaker.refresh();
    expect(await r.client.pTTL(s.key)).toBeGreaterThan(59_000);
  });

  it('two processes (two stores, two clients) share one breaker: failures add up across them', async () => {
    const name = fresh();
    const a = new CircuitBreaker({ failureThreshold: 4, recoveryTimeout: 60_000, store: store(name, { syncInterval: 0 }) });
    const b = new CircuitBreaker({
      failureThreshold: 4,
      recoveryTimeout: 60_000,
      store: new RedisBreakerStore({ client: r.io, name, prefix, syncInterval: 0 }),
    });
    const seenA = vi.fn();
    a.on('stateChange', seenA);
    // refresh() after each call: a read on the same connection, answered after the call's record
    for (const breaker of [a, b, a]) {
      await expect(breaker.execute(fail)).rejects.toThrow();
      await breaker.refresh();
    }
    await expect(b.execute(fail)).rejects.toThrow(); // the 4th in total: opens
    await b.refresh();
    const dependency = vi.fn();
    await expect(a.execute(dependency)).rejects.toBeInstanceOf(CircuitOpenError);
    await expect(b.execute(dependency)).rejects.toBeInstanceOf(CircuitOpenError);
    expect(dependency).not.toHaveBeenCalled();
    expect(seenA).not.toHaveBeenCalled(); // b made the change; a only sees the state
    expect(a.state).toBe('open');
  });

  it("time 'server': since and transition times are Redis TIME (epoch ms); retryAfter counts down from recoveryTimeout", async () => {
    const s = store(fresh(), { syncInterval: 0 });
    const breaker = new CircuitBreaker({ failureThreshold: 1, recoveryTimeout: 5000, store: s });
    const changes: number[] = [];
    breaker.on('stateChange', (e) => changes.push(e.at));
    await expect(breaker.execute(fail)).rejects.toThrow();
    await tick();
    const before = Date.now();
    const error = await breaker.execute(() => 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CircuitOpenError);
    const retryAfter = (error as CircuitOpenError).retryAfter;
    expect(retryAfter).toBeGreaterThan(4000);
    expect(retryAfter).toBeLessThanOrEqual(5000);
    expect(Math.abs((changes[0] as number) - before)).toBeLessThan(2000);
  });

  describe('the local view: a healthy breaker costs no round trip per call', () => {
    const counted = (options: Partial<RedisBreakerStoreOptions> = {}) => {
      const flaky = new FlakyClient(fromNodeRedis(r.client));
      const clock = new ManualClock(1_000_000);
      const s = new RedisBreakerStore({ client: flaky, name: fresh(), prefix, time: 'breaker', ...options });
      return { flaky, clock, s };
    };

    it('1,000 successful calls within syncInterval send no command after the first admission', async () => {
      const { flaky, clock, s } = counted();
      const breaker = new CircuitBreaker({ failureThreshold: 3, clock, store: s });
      expect(await breaker.execute(() => 'first')).toBe('first'); // one read fills the view
      const after = flaky.commands;
      for (let i = 0; i < 1000; i++) await breaker.execute(() => i);
      expect(flaky.commands - after).toBe(0);
      expect(flaky.log).toEqual(['EVALSHA:read']);
      // read() flushes the batched successes: every one is counted
      expect(await s.read()).toMatchObject({ state: 'closed', calls: 1001, consecutiveFailures: 0 });
    });

    it('a burst of calls on a view that is too old shares one read', async () => {
      const { flaky, clock, s } = counted();
      const breaker = new CircuitBreaker({ clock, store: s });
      await breaker.execute(() => 0);
      clock.advance(500); // the view is now too old
      const before = flaky.commands;
      const results = await Promise.all(Array.from({ length: 100 }, (_, i) => breaker.execute(() => i)));
      expect(results).toHaveLength(100);
      expect(flaky.log.slice(before)).toEqual(['EVALSHA:read']);
    });

    it('admissions from the view are synchronous (the executor gets a number, not a promise)', async () => {
      const { clock, s } = counted();
      const breaker = new CircuitBreaker({ clock, store: s });
      await breaker.execute(() => 0);
      expect(typeof breaker.acquirePermit()).toBe('number');
    });

    it('once the view is half syncInterval old it is refreshed in the background (one read), still answering at once', async () => {
      const { flaky, clock, s } = counted({ syncInterval: 100 });
      const breaker = new CircuitBreaker({ clock, store: s });
      await breaker.execute(() => 0);
      clock.advance(60);
      const before = flaky.commands;
      expect(typeof breaker.acquirePermit()).toBe('number');
      expect(typeof breaker.acquirePermit()).toBe('number');
      expect(flaky.commands - before).toBe(1);
      expect(flaky.log.at(-1)).toBe('EVALSHA:read');
      clock.advance(100); // the view is now too old: the next admission asks Redis
      await tick();
      const permit = breaker.acquirePermit();
      expect(permit).toBeInstanceOf(Promise);
      await permit;
    });

    it('during a failure streak every admission asks Redis, and a success is sent at once (it resets the fleet streak)', async () => {
      const { flaky, clock, s } = counted();
      const breaker = new CircuitBreaker({ failureThreshold: 2, clock, store: s });
      await expect(breaker.execute(fail)).rejects.toThrow();
      await breaker.refresh(); // the failure's reply is in: the view says consecutiveFailures 1
      const before = flaky.commands;
      await breaker.execute(() => 'ok'); // so this success must reach Redis
      await tick();
      expect(flaky.log.slice(before)).toEqual(['EVALSHA:acquire', 'EVALSHA:record']);
      await expect(breaker.execute(fail)).rejects.toThrow();
      expect((await breaker.refresh()).state).toBe('closed'); // 1 failure after the success, not 2
    });

    it('another process opening the breaker is seen within syncInterval', async () => {
      const name = fresh();
      const clock = new ManualClock(1_000_000);
      const a = new CircuitBreaker({ failureThreshold: 1, clock, store: store(name, { time: 'breaker', syncInterval: 100 }) });
      const b = new CircuitBreaker({ failureThreshold: 1, clock, store: store(name, { time: 'breaker' }) });
      await a.execute(() => 'warm');
      await expect(b.execute(fail)).rejects.toThrow(); // b opens the shared breaker
      await tick();
      expect(await a.execute(() => 'from the view')).toBe('from the view'); // a's view is 0 ms old
      clock.advance(100);
      await expect(a.execute(() => 'now')).rejects.toBeInstanceOf(CircuitOpenError);
    });

    it('an open breaker rejects from the view, without a command, until its recovery time', async () => {
      const { flaky, clock, s } = counted({ syncInterval: 1000 });
      const breaker = new CircuitBreaker({ failureThreshold: 1, recoveryTimeout: 300, clock, store: s });
      await expect(breaker.execute(fail)).rejects.toThrow();
      await breaker.refresh();
      const before = flaky.commands;
      clock.advance(100);
      const error = await breaker.execute(() => 1).catch((e: unknown) => e);
      expect((error as CircuitOpenError).retryAfter).toBe(200);
      expect(flaky.commands).toBe(before);
      clock.advance(200); // due: the probe decision is the shared one
      expect(await breaker.execute(() => 'probe')).toBe('probe');
      expect(flaky.log.slice(before)).toContain('EVALSHA:acquire');
    });

    it('rate mode: the view admits while rates are under half their thresholds, then every admission asks Redis', async () => {
      const { clock, s } = counted();
      const breaker = new AdvancedCircuitBreaker({
        failureRateThreshold: 0.5,
        slidingWindow: { type: 'count', size: 100 },
        minimumThroughput: 50,
        clock,
        store: s,
      });
      for (let i = 0; i < 9; i++) await breaker.execute(() => i);
      await breaker.refresh();
      await expect(breaker.execute(fail)).rejects.toThrow();
      await breaker.refresh(); // 1 failure in 10 calls: 0.1 < 0.25
      expect(typeof breaker.acquirePermit()).toBe('number');
      for (let i = 0; i < 3; i++) await expect(breaker.execute(fail)).rejects.toThrow();
      await breaker.refresh(); // 4 failures in 13 calls: 0.31 >= 0.25
      expect(breaker.acquirePermit()).toBeInstanceOf(Promise);
    });

    it('syncInterval 0: every admission is a script run', async () => {
      const { flaky, clock, s } = counted({ syncInterval: 0 });
      const breaker = new CircuitBreaker({ clock, store: s });
      for (let i = 0; i < 5; i++) await breaker.execute(() => i);
      expect(flaky.log.filter((c) => c === 'EVALSHA:acquire')).toHaveLength(5);
    });
  });

  it('a key created with other rules is reported once (rules-mismatch); each process applies its own rules', async () => {
    const name = fresh();
    const events: string[] = [];
    const a = new CircuitBreaker({ failureThreshold: 5, store: store(name, { syncInterval: 0 }) });
    await a.execute(() => 1);
    const b = new CircuitBreaker({
      failureThreshold: 9,
      store: store(name, { syncInterval: 0, onEvent: (e) => events.push(`${e.type}:${e.store}:${e.key}`) }),
    });
    await b.execute(() => 1);
    await b.execute(() => 1);
    expect(events).toEqual([`rules-mismatch:breaker:${prefix}{breaker:${name}}`]);
  });

  it('one store object shared by breakers with different rules is refused (TypeError)', () => {
    const s = store(fresh());
    new CircuitBreaker({ store: s });
    expect(() => new CircuitBreaker({ store: s, failureThreshold: 9 })).toThrow(TypeError);
    expect(() => new CircuitBreaker({ store: s })).not.toThrow();
  });

  it('a restarted (emptied) Redis is a fresh closed breaker; late permits of the old era are stale', async () => {
    const s = store(fresh(), { syncInterval: 0 });
    const breaker = new CircuitBreaker({ failureThreshold: 2, store: s });
    await expect(breaker.execute(fail)).rejects.toThrow();
    await tick();
    await r.client.del([s.key, s.windowKey]);
    expect((await breaker.refresh()).consecutiveFailures).toBe(0);
    expect(await breaker.execute(() => 'served')).toBe('served');
  });
});

describe('RedisBreakerStore options', () => {
  const client: RedisLike = { call: async () => null };

  it('client and name are required; bad values name the option and the value', () => {
    expect(() => new RedisBreakerStore(undefined as never)).toThrow(TypeError);
    expect(() => new RedisBreakerStore({ name: 'x' } as never)).toThrow(/`client` must be a node-redis or ioredis client/);
    expect(() => new RedisBreakerStore({ client, name: '' })).toThrow('`name` must be a non-empty string, got ""');
    expect(() => new RedisBreakerStore({ client, name: 'x', timeout: 0 })).toThrow('`timeout` must be a finite number > 0, got 0');
    expect(() => new RedisBreakerStore({ client, name: 'x', syncInterval: -1 })).toThrow(RangeError);
    expect(() => new RedisBreakerStore({ client, name: 'x', keyTtl: Number.NaN })).toThrow(RangeError);
    expect(() => new RedisBreakerStore({ client, name: 'x', time: 'local' as never })).toThrow(
      "`time` must be one of 'server', 'breaker', got \"local\"",
    );
    expect(() => new RedisBreakerStore({ client, name: 'x', ttl: 5 } as never)).toThrow('RedisBreakerStore: unknown option `ttl`');
  });

  it('an explicit undefined keeps the default', () => {
    const s = new RedisBreakerStore({ client, name: 'x', prefix: undefined, timeout: undefined });
    expect(s.key).toBe('zenoo-retry:{breaker:x}');
  });

  it('methods before configure() throw a TypeError', () => {
    const s = new RedisBreakerStore({ client, name: 'x' });
    expect(() => s.acquire()).toThrow('configure() was not called');
  });

  it('toRedisLike detects ioredis (call) before node-redis (sendCommand) and refuses anything else', async () => {
    const io = { call: vi.fn(async () => 'io'), sendCommand: vi.fn() };
    expect(await toRedisLike(io).call('PING')).toBe('io');
    expect(io.call).toHaveBeenCalledWith('PING');
    const node = { sendCommand: vi.fn(async (args: string[]) => args.join(' ')) };
    expect(await toRedisLike(node).call('GET', 'k')).toBe('GET k');
    expect(() => toRedisLike({} as never)).toThrow(TypeError);
  });

  it('a node-redis cluster gets the script key as firstKey (slot routing)', async () => {
    const cluster = { masters: [], sendCommand: vi.fn(async () => 'ok') };
    await fromNodeRedis(cluster).call('EVALSHA', 'sha', '2', '{k}', '{k}:w', 'acquire');
    expect(cluster.sendCommand).toHaveBeenCalledWith('{k}', false, ['EVALSHA', 'sha', '2', '{k}', '{k}:w', 'acquire']);
  });
});
