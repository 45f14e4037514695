/**
 * Redis trouble never breaks a call: when Redis errors or hangs, the breaker store answers from
 * local state seeded with the shared state last seen, reports it once (onEvent and the
 * `zenoo-retry:redis` diagnostics channel), retries Redis in the background every
 * retryInterval ms and resumes the shared state when Redis answers.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { describe, expect, it, vi } from 'vitest';
import { CircuitBreaker } from '../../src/breaker/circuit-breaker.js';
import { retryAsync } from '../../src/core/retry-async.js';
import { CircuitOpenError } from '../../src/errors/library-errors.js';
import { RedisBreakerStore } from '../../src/redis/breaker-store.js';
import { fromNodeRedis } from '../../src/redis/client-adapter.js';
import type { RedisStoreEvent } from '../../src/redis/events.js';
import { REDIS_CHANNEL_NAME } from '../../src/redis/events.js';
import { ManualClock } from '../breaker/helpers.js';
import { FlakyClient, redis, suiteRedis } from './helpers.js';

const fail = () => {
  throw new Error('dependency down');
};

describe.skipIf(redis.skip)('RedisBreakerStore when Redis fails', () => {
  const r = suiteRedis('fallback');
  const prefix = r.prefix;
  let n = 0;


  const setup = (options: { failureThreshold?: number; timeout?: number; recoveryTimeout?: number } = {}) => {
    const flaky = new FlakyClient(fromNodeRedis(r.client));
    const clock = new ManualClock(1_000_000);
    const events: RedisStoreEvent[] = [];
    const store = new RedisBreakerStore({
      client: flaky,
      name: `f${n++}`,
      prefix,
      time: 'breaker',
      syncInterval: 0,
      timeout: options.timeout ?? 200,
      retryInterval: 1000,
      onEvent: (e) => events.push(e),
    });
    const breaker = new CircuitBreaker({
      failureThreshold: options.failureThreshold ?? 3,
      recoveryTimeout: options.recoveryTimeout ?? 10_000,
      clock,
      store,
    });
    const changes: string[] = [];
    breaker.on('stateChange', (e) => changes.push(`${e.from}->${e.to}`));
    return { flaky, clock, events, store, breaker, changes };
  };

  it('Redis errors: calls keep their own outcomes; one fallback event; the breaker keeps working locally', async () => {
    const { flaky, events, breaker, changes } = setup({ failureThreshold: 3 });
    expect(await breaker.execute(() => 'shared')).toBe('shared');
    flaky.mode = 'error';
    expect(await breaker.execute(() => 'local')).toBe('local');
    await expect(breaker.execute(fail)).rejects.toThrow('dependency down');
    await expect(breaker.execute(fail)).rejects.toThrow('dependency down');
    await expect(breaker.execute(fail)).rejects.toThrow('dependency down'); // 3rd local failure
    const dependency = vi.fn();
    await expect(breaker.execute(dependency)).rejects.toBeInstanceOf(CircuitOpenError);
    expect(dependency).not.toHaveBeenCalled();
    expect(changes).toEqual(['closed->open']);
    expect(events.map((e) => e.type)).toEqual(['fallback']);
    expect(String((events[0] as RedisStoreEvent).error)).toContain('ECONNREFUSED');
  });

  it('Redis hangs: the operation gives up after `timeout` ms and the call runs', async () => {
    const { flaky, events, breaker } = setup({ timeout: 30 });
    flaky.mode = 'hang';
    expect(await breaker.execute(() => 'served anyway')).toBe('served anyway');
    expect(events.map((e) => e.type)).toEqual(['fallback']);
    expect((events[0]?.error as Error).name).toBe('RedisTimeoutError');
    // now on local state: no further operation waits for Redis
    const before = flaky.commands;
    for (let i = 0; i < 10; i++) expect(await breaker.execute(() => i)).toBe(i);
    expect(flaky.commands).toBe(before);
  });

  it('an open fleet breaker stays open on local state, with the same recovery time', async () => {
    const { flaky, clock, breaker } = setup({ failureThreshold: 1, recoveryTimeout: 10_000 });
    await expect(breaker.execute(fail)).rejects.toThrow();
    await breaker.refresh(); // open since 1_000_000 (shared)
    clock.advance(4000);
    flaky.mode = 'error';
    const error = await breaker.execute(() => 'x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect((error as CircuitOpenError).retryAfter).toBe(6000);
    clock.advance(6000);
    expect(await breaker.execute(() => 'probe')).toBe('probe'); // local half-open probe closes it
  });

  it('Redis back: tried in the background once per retryInterval, then the shared state is used again', async () => {
    const { flaky, clock, events, breaker, store } = setup({ failureThreshold: 2 });
    await breaker.execute(() => 'warm');
    flaky.mode = 'error';
    await breaker.execute(() => 'local');
    const tried = flaky.commands;
    await breaker.execute(() => 'local');
    expect(flaky.commands).toBe(tried); // not due yet
    flaky.mode = 'ok';
    clock.advance(1000);
    expect(await breaker.execute(() => 'local, while Redis is tried')).toBe('local, while Redis is tried');
    await vi.waitFor(() => expect(events.map((e) => e.type)).toEqual(['fallback', 'recovered']));
    expect(events[1]?.downtime).toBe(1000);
    await expect(breaker.execute(fail)).rejects.toThrow();
    await breaker.refresh();
    const shared = await r.client.hGetAll(store.key);
    expect(shared.cf).toBe('1'); // the failure went to Redis
  });

  it('after recovery a breaker whose local state differs from the shared one is told (stateChange)', async () => {
    const { flaky, clock, breaker, changes, events } = setup({ failureThreshold: 1 });
    await breaker.execute(() => 'warm');
    flaky.mode = 'error';
    await expect(breaker.execute(fail)).rejects.toThrow(); // opens locally only
    expect(changes).toEqual(['closed->open']);
    flaky.mode = 'ok';
    clock.advance(1000);
    await expect(breaker.execute(() => 'x')).rejects.toBeInstanceOf(CircuitOpenError); // still local; starts the retry
    await vi.waitFor(() => expect(events.map((e) => e.type)).toContain('recovered'));
    expect(await breaker.execute(() => 'shared again')).toBe('shared again');
    expect(changes).toEqual(['closed->open', 'open->closed']);
  });

  it('a retry loop with a breaker on a dead Redis behaves as with a local breaker', async () => {
    const { flaky, breaker } = setup({ failureThreshold: 10 });
    flaky.mode = 'error';
    let calls = 0;
    const result = await retryAsync(
      () => {
        calls++;
        if (calls < 3) throw new Error('transient');
        return 'ok';
      },
      { maxAttempts: 5, delay: 0, circuitBreaker: breaker },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
  });

  it('events go to the zenoo-retry:redis diagnostics channel too', async () => {
    const seen: unknown[] = [];
    const listener = (message: unknown) => seen.push(message);
    subscribe(REDIS_CHANNEL_NAME, listener);
    try {
      const { flaky, breaker, store } = setup();
      flaky.mode = 'error';
      await breaker.execute(() => 1);
      expect(seen).toEqual([expect.objectContaining({ type: 'fallback', store: 'breaker', key: store.key })]);
      expect(Object.isFrozen(seen[0])).toBe(true);
    } finally {
      unsubscribe(REDIS_CHANNEL_NAME, listener);
    }
  });

  it('a throwing onEvent listener changes nothing', async () => {
    const flaky = new FlakyClient(fromNodeRedis(r.client));
    flaky.mode = 'error';
    const store = new RedisBreakerStore({
      client: flaky,
      name: `f${n++}`,
      prefix,
      onEvent: () => {
        throw new Error('listener bug');
      },
    });
    const breaker = new CircuitBreaker({ store });
    expect(await breaker.execute(() => 'fine')).toBe('fine');
  });
});
