/**
 * Redis for the distributed tests: the shared server (`ZENOO_REDIS_URL`, started by
 * `scripts/services.sh start` and `.ci/run`), clients of both supported libraries, a unique key
 * prefix per test run, and private redis-server processes for tests that stop Redis mid-run.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll } from 'vitest';
import { redisUrl, serviceOrSkip, tcpProbe } from '../helpers/services.js';

/** Is the shared Redis there? (Skips the suites locally when not; fails them under CI.) */
export const redis = await serviceOrSkip('Redis', () => tcpProbe(redisUrl, 6379));

export { redisUrl };

/** A key prefix no other test run uses. */
export const uniquePrefix = (tag = 't'): string =>
  `zenoo-test:${process.pid}:${Date.now().toString(36)}:${Math.random().toString(36).slice(2, 8)}:${tag}:`;

export type NodeRedis = ReturnType<typeof createClient>;

/** A connected node-redis client (errors are swallowed: the stores report them). */
export async function nodeRedis(url = redisUrl, options: { disableOfflineQueue?: boolean } = {}): Promise<NodeRedis> {
  const client = createClient({ url, ...options, socket: { reconnectStrategy: () => 50, connectTimeout: 1000 } });
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** A connected ioredis client. */
export async function ioRedis(url = redisUrl): Promise<Redis> {
  const client = new Redis(url, { lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: 1 });
  client.on('error', () => {});
  await client.connect();
  return client;
}

/**
 * A suite's node-redis and ioredis clients (connected before its tests) and a key prefix of its
 * own (every key under it deleted after them). Read them inside tests and hooks, not at collection.
 */
export function suiteRedis(tag: string): { readonly client: NodeRedis; readonly io: Redis; readonly prefix: string } {
  const prefix = uniquePrefix(tag);
  let client: NodeRedis | undefined;
  let io: Redis | undefined; // an ioredis client too, connected on first use
  beforeAll(async () => {
    redis.require();
    client = await nodeRedis();
    io = await ioRedis();
  });
  afterAll(async () => {
    io?.disconnect();
    if (client === undefined) return;
    await deleteKeys(client, prefix);
    await client.quit();
  });
  const connected = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('suiteRedis: the clients are connected in beforeAll');
    return value;
  };
  return {
    get client(): NodeRedis {
      return connected(client);
    },
    get io(): Redis {
      return connected(io);
    },
    prefix,
  };
}

/** Delete every key under `prefix`. */
export async function deleteKeys(client: NodeRedis, prefix: string): Promise<number> {
  let n = 0;
  for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
    const list = Array.isArray(keys) ? keys : [keys];
    if (list.length > 0) n += await client.del(list);
  }
  return n;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** A private redis-server that a test may stop and start again (no persistence: a restart loses everything). */
export class PrivateRedis {
  readonly port: number;
  #child: ChildProcess | undefined;

  readonly #extra: readonly string[];

  private constructor(port: number, extra: readonly string[]) {
    this.port = port;
    this.#extra = extra;
  }

  /** Start one on a free port; `extra`: more redis-server arguments (e.g. cluster mode). */
  static async start(extra: readonly string[] = []): Promise<PrivateRedis> {
    const r = new PrivateRedis(await freePort(), extra);
    await r.start();
    return r;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...this.#extra],
      { stdio: 'ignore' },
    );
    this.#child = child;
    const failed = new Promise<never>((_, reject) => child.once('error', reject));
    for (let i = 0; i < 100; i++) {
      const up = await Promise.race([tcpProbe(this.url).then(() => true, () => false), failed]);
      if (up) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server did not start on port ${this.port}`);
  }

  /** SIGKILL: connections drop at once, nothing is saved. */
  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (child === undefined || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
}

/** Is a redis-server binary on PATH (for the private servers)? */
export const hasRedisServer = await new Promise<boolean>((resolve) => {
  const c = spawn('redis-server', ['--version'], { stdio: 'ignore' });
  c.once('error', () => resolve(false));
  c.once('exit', (code) => resolve(code === 0));
});

/**
 * A `RedisLike` in front of a real client that a test can break: `'error'` rejects every
 * command, `'hang'` never answers. Counts the commands it was asked to send.
 */
export class FlakyClient {
  mode: 'ok' | 'error' | 'hang' = 'ok';
  commands = 0;
  readonly log: string[] = [];
  readonly #inner: { call(command: string, ...args: string[]): Promise<unknown> };

  constructor(inner: { call(command: string, ...args: string[]): Promise<unknown> }) {
    this.#inner = inner;
  }

  call(command: string, ...args: string[]): Promise<unknown> {
    this.commands++;
    this.log.push(command === 'EVALSHA' || command === 'EVAL' ? `${command}:${args[4] ?? ''}` : command);
    if (this.mode === 'error') return Promise.reject(new Error('ECONNREFUSED (simulated)'));
    if (this.mode === 'hang') return new Promise(() => {});
    return this.#inner.call(command, ...args);
  }
}
