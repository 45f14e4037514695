/**
 * Options shared by `RedisBreakerStore` and `RedisBudgetStore`, their defaults (one frozen
 * table) and their validation.
 */
import { checkFunction, checkKnownKeys, describeValue, optNumber } from '../core/validate.js';
import { type RedisClientInput, type RedisLike, toRedisLike } from './client-adapter.js';
import type { RedisStoreEventListener } from './events.js';

/** Options both Redis stores accept. */
export interface RedisStoreOptions {
  /** A node-redis or ioredis client (single node or cluster), or any `RedisLike`. Required. */
  client: RedisClientInput;
  /** The shared state's name: processes using the same `prefix` and `name` share one breaker or budget. Required. */
  name: string;
  /** Prefix of every key. @default 'zenoo-retry:' */
  prefix?: string | undefined;
  /** Ms one Redis operation may take before it counts as failed (the store then falls back to local state). @default 200 */
  timeout?: number | undefined;
  /** While on local state, ms between background attempts to reach Redis again. @default 1000 */
  retryInterval?: number | undefined;
  /**
   * Ms the store may act on its local view between Redis round trips: the breaker admits calls
   * of a closed breaker and batches successes for this long; the budget pushes and pulls counts
   * at most this often. 0: every operation goes to Redis at once.
   * @default 100
   */
  syncInterval?: number | undefined;
  /** Told when the store falls back to local state, recovers, or sees a rules mismatch. @default undefined */
  onEvent?: RedisStoreEventListener | undefined;
}

/** Defaults of the Redis stores. */
export const REDIS_STORE_DEFAULTS = /* @__PURE__ */ Object.freeze({
  prefix: 'zenoo-retry:',
  timeout: 200,
  retryInterval: 1000,
  syncInterval: 100,
  /** Breaker only: ms after its latest change an unused breaker key expires (at least 2 × recoveryTimeout). */
  keyTtl: 3_600_000,
  /** Breaker only: `'server'` (Redis `TIME`) or `'breaker'` (the breaker's clock). */
  time: 'server',
} as const);

/** Validated common options. */
export interface CommonConfig {
  readonly client: RedisLike;
  readonly name: string;
  readonly prefix: string;
  readonly timeout: number;
  readonly retryInterval: number;
  readonly syncInterval: number;
  readonly onEvent: RedisStoreEventListener | undefined;
}

const COMMON_KEYS = ['client', 'name', 'prefix', 'timeout', 'retryInterval', 'syncInterval', 'onEvent'];

function checkString(name: string, value: unknown, allowEmpty: boolean): string {
  if (typeof value !== 'string' || (!allowEmpty && value.length === 0)) {
    throw new TypeError(`\`${name}\` must be a ${allowEmpty ? '' : 'non-empty '}string, got ${describeValue(value)}`);
  }
  return value;
}

/** Validate the options common to both stores (`extra`: the store's own option names). */
export function commonConfig(where: string, options: unknown, extra: readonly string[]): CommonConfig {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${where}: options must be an object with \`client\` and \`name\`, got ${describeValue(options)}`);
  }
  const o = options as Record<string, unknown>;
  checkKnownKeys(where, o, new Set([...COMMON_KEYS, ...extra]));
  const d = REDIS_STORE_DEFAULTS;
  return {
    client: toRedisLike(o.client as RedisClientInput),
    name: checkString('name', o.name, false),
    prefix: o.prefix === undefined ? d.prefix : checkString('prefix', o.prefix, true),
    timeout: optNumber('timeout', o.timeout, d.timeout, { gt: 0 }),
    retryInterval: optNumber('retryInterval', o.retryInterval, d.retryInterval, { min: 0 }),
    syncInterval: optNumber('syncInterval', o.syncInterval, d.syncInterval, { min: 0 }),
    onEvent: checkFunction<RedisStoreEventListener>('onEvent', o.onEvent),
  };
}
