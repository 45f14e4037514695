/**
 * The only thing the Redis stores need from a Redis client: send one command, get its reply.
 * Users bring the client they already run — node-redis (`redis` ≥ 4) or `ioredis` ≥ 5, single
 * node or cluster — and this module adapts it structurally. Nothing here imports either package.
 */
import { describeValue } from '../core/validate.js';

/**
 * The minimal client interface: one command in, its raw reply out (reject on an error reply
 * or a connection failure). An `ioredis` client already has this shape.
 *
 * @example
 * const client: RedisLike = { call: (command, ...args) => myClient.send([command, ...args]) };
 */
export interface RedisLike {
  /** Send `command` with `args`; resolve with the reply. */
  call(command: string, ...args: string[]): Promise<unknown>;
}

/** A node-redis (v4/v5) single-node client, as far as the stores use it. */
export interface NodeRedisClientLike {
  sendCommand(args: string[]): Promise<unknown>;
}

/** A node-redis (v4/v5) cluster client, as far as the stores use it. */
export interface NodeRedisClusterLike {
  readonly masters: unknown;
  sendCommand(firstKey: string | undefined, isReadonly: boolean | undefined, args: string[]): Promise<unknown>;
}

/** Anything the stores accept as `client`: a `RedisLike`, an ioredis client or cluster, a node-redis client or cluster. */
export type RedisClientInput = RedisLike | NodeRedisClientLike | NodeRedisClusterLike;

/** The first key of a command the stores send (`EVALSHA sha numkeys key …`), for cluster routing. */
const firstKey = (args: readonly string[]): string | undefined => {
  const command = (args[0] ?? '').toUpperCase();
  if ((command === 'EVALSHA' || command === 'EVAL') && Number(args[2]) > 0) return args[3];
  if (command === 'DEL' || command === 'PTTL') return args[1];
  return undefined;
};

/**
 * Adapt a node-redis client (single node or cluster) to `RedisLike`.
 *
 * @example
 * import { createClient } from 'redis';
 * const client = await createClient({ url, disableOfflineQueue: true }).connect();
 * const redis = fromNodeRedis(client);
 */
export function fromNodeRedis(client: NodeRedisClientLike | NodeRedisClusterLike): RedisLike {
  if (client === null || typeof client !== 'object' || typeof client.sendCommand !== 'function') {
    throw new TypeError(`\`client\` must be a node-redis client (with sendCommand), got ${describeValue(client)}`);
  }
  if ('masters' in client) {
    const cluster = client as NodeRedisClusterLike;
    return {
      call: (command, ...args) => {
        const all = [command, ...args];
        return cluster.sendCommand(firstKey(all), false, all);
      },
    };
  }
  const single = client as NodeRedisClientLike;
  return { call: (command, ...args) => single.sendCommand([command, ...args]) };
}

/**
 * Adapt an ioredis client (`Redis` or `Cluster`) to `RedisLike`.
 *
 * @example
 * import Redis from 'ioredis';
 * const redis = fromIoRedis(new Redis(url, { enableOfflineQueue: false }));
 */
export function fromIoRedis(client: RedisLike): RedisLike {
  if (client === null || typeof client !== 'object' || typeof client.call !== 'function') {
    throw new TypeError(`\`client\` must be an ioredis client (with call), got ${describeValue(client)}`);
  }
  return { call: (command, ...args) => client.call(command, ...args) };
}

/**
 * Accept any supported client: an object with `call(command, ...args)` (ioredis, or your own
 * `RedisLike`) is used as is; one with `sendCommand(args)` is treated as node-redis.
 *
 * @example
 * const redis = toRedisLike(client); // node-redis or ioredis, detected
 */
export function toRedisLike(client: RedisClientInput): RedisLike {
  const c = client as unknown as Record<string, unknown> | null;
  if (c !== null && typeof c === 'object') {
    // ioredis also has a sendCommand, taking a Command object: check `call` first.
    if (typeof c.call === 'function') return fromIoRedis(client as RedisLike);
    if (typeof c.sendCommand === 'function') return fromNodeRedis(client as NodeRedisClientLike);
  }
  throw new TypeError(
    `\`client\` must be a node-redis or ioredis client, or a RedisLike ({ call(command, ...args) }), got ${describeValue(client)}`,
  );
}
