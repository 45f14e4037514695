/**
 * The stores accept the clients users have, as they are typed by their packages: node-redis
 * (`createClient`, `createCluster`) and ioredis (`Redis`, `Cluster`), and any `RedisLike`.
 */
import { Cluster, Redis } from 'ioredis';
import { createClient, createCluster } from 'redis';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type RedisClientInput,
  RedisBreakerStore,
  RedisBudgetStore,
  type RedisLike,
  toRedisLike,
} from '../../src/redis/index.js';

describe('Redis client types', () => {
  it('node-redis and ioredis clients and clusters are RedisClientInputs', () => {
    expectTypeOf(createClient()).toExtend<RedisClientInput>();
    expectTypeOf(createCluster({ rootNodes: [] })).toExtend<RedisClientInput>();
    expectTypeOf(new Redis({ lazyConnect: true })).toExtend<RedisClientInput>();
    expectTypeOf(new Cluster([], { lazyConnect: true })).toExtend<RedisClientInput>();
    expectTypeOf(new Redis({ lazyConnect: true })).toExtend<RedisLike>();
  });

  it('stores take them directly; anything else is a type error', () => {
    new RedisBreakerStore({ client: createClient(), name: 'x' });
    new RedisBudgetStore({ client: new Redis({ lazyConnect: true }), name: 'x' });
    // @ts-expect-error not a Redis client
    new RedisBreakerStore({ client: {}, name: 'x' });
    // @ts-expect-error name is required
    new RedisBudgetStore({ client: createClient() });
    expectTypeOf(toRedisLike).returns.toEqualTypeOf<RedisLike>();
  });
});
