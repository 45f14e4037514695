/**
 * RedisBreakerStore obeys the BreakerStore contract (the suite MemoryBreakerStore passes),
 * against a real redis-server, with node-redis and with ioredis, with and without the local
 * view (`syncInterval`).
 */
import { afterAll, beforeAll, describe } from 'vitest';
import type { BreakerStore } from '../../src/breaker/store.js';
import { RedisBreakerStore } from '../../src/redis/breaker-store.js';
import { runBreakerStoreContract } from '../breaker/store-contract.js';
import { deleteKeys, ioRedis, type NodeRedis, nodeRedis, redis, uniquePrefix } from './helpers.js';

describe.skipIf(redis.skip)('RedisBreakerStore against redis-server', () => {
  let client: NodeRedis;
  let io: Awaited<ReturnType<typeof ioRedis>>;
  const prefix = uniquePrefix('contract');
  let n = 0;

  beforeAll(async () => {
    redis.require();
    client = await nodeRedis();
    io = await ioRedis();
  });
  afterAll(async () => {
    await deleteKeys(client, prefix);
    await client?.quit();
    io?.disconnect();
  });

  const cleanup = async (store: BreakerStore) => {
    const s = store as RedisBreakerStore;
    await client.del([s.key, s.windowKey]);
  };

  runBreakerStoreContract(
    'RedisBreakerStore (node-redis, syncInterval 100)',
    () => new RedisBreakerStore({ client, name: `b${n++}`, prefix, time: 'breaker' }),
    { cleanup },
  );
  runBreakerStoreContract(
    'RedisBreakerStore (ioredis, syncInterval 0: every operation is a script)',
    () => new RedisBreakerStore({ client: io, name: `b${n++}`, prefix, time: 'breaker', syncInterval: 0 }),
    { cleanup },
  );
});
