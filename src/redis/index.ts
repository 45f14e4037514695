/**
 * `zenoo-retry/redis`: fleet-wide circuit breakers and retry budgets on Redis. Never loaded by
 * the main entry; the Redis client (node-redis or ioredis) is an optional peer dependency the
 * user passes in.
 */
export { RedisBreakerStore } from './breaker-store.js';
export type { RedisBreakerStoreOptions } from './breaker-store.js';
export { RedisBudgetStore } from './budget-store.js';
export type { RedisBudgetStoreOptions } from './budget-store.js';
export { fromIoRedis, fromNodeRedis, toRedisLike } from './client-adapter.js';
export type { NodeRedisClientLike, NodeRedisClusterLike, RedisClientInput, RedisLike } from './client-adapter.js';
export { REDIS_CHANNEL_NAME } from './events.js';
export type { RedisStoreEvent, RedisStoreEventListener } from './events.js';
export { RedisTimeoutError } from './fallback.js';
export { REDIS_STORE_DEFAULTS } from './options.js';
export type { RedisStoreOptions } from './options.js';
