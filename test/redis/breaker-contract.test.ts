/**
 * RedisBreakerStore obeys the BreakerStore contract (the suite MemoryBreakerStore passes),
 * against a real redis-server, with node-redis and with ioredis, with and without the local
 * view (`syncInterval`).
 */
import { describe } from 'vitest';
import type { BreakerStore } from '../../src/breaker/store.js';
import { RedisBreakerStore } from '../../src/redis/breaker-store.js';
import { runBreakerStoreContract } from '../breaker/store-contract.js';
import { redis, suiteRedis } from './helpers.js';

describe.skipIf(redis.skip)('RedisBreakerStore against redis-server', () => {
  const r = suiteRedis('contract');
  const prefix = r.prefix;
  let n = 0;


  const cleanup = async (store: BreakerStore) => {
    const s = store as RedisBreakerStore;
    await r.client.del([s.key, s.windowKey]);
  };

  runBreakerStoreContract(
    'RedisBreakerStore (node-redis, syncInterval 100)',
    () => new RedisBreakerStore({ client: r.client, name: `b${n++}`, prefix, time: 'breaker' }),
    { cleanup },
  );
  runBreakerStoreContract(
    'RedisBreakerStore (ioredis, syncInterval 0: every operation is a script)',
    () => new RedisBreakerStore({ client: r.io, name: `b${n++}`, prefix, time: 'breaker', syncInterval: 0 }),
    { cleanup },
  );
});
