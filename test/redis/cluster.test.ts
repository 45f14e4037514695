/**
 * Both stores on a Redis Cluster (3 masters started here, on free loopback ports), through the
 * cluster clients of node-redis (`createCluster`) and ioredis (`Redis.Cluster`): every key of a
 * store shares one hash tag, so each script runs on the node owning its slot, whichever it is.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createCluster } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/breaker/circuit-breaker.js';
import { RetryBudget } from '../../src/budget/retry-budget.js';
import { CircuitOpenError } from '../../src/errors/library-errors.js';
import { RedisBreakerStore } from '../../src/redis/breaker-store.js';
import { RedisBudgetStore } from '../../src/redis/budget-store.js';
import type { RedisClientInput } from '../../src/redis/client-adapter.js';
import { isCI } from '../helpers/services.js';
import { hasRedisServer, PrivateRedis } from './helpers.js';

const skip = !hasRedisServer && !isCI;
if (skip) console.warn('[skipped] redis-server is not installed (apt-get install redis-server); the Redis Cluster test needs it');

const run = (cmd: string, args: string[]) =>
  new Promise<void>((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited with ${code}`))));
  });

describe.skipIf(skip)('on a Redis Cluster', () => {
  const nodes: PrivateRedis[] = [];
  let dir: string;

  beforeAll(async () => {
    if (!hasRedisServer) throw new Error('redis-server is required under CI=true (apt-get install redis-server)');
    dir = await mkdtemp(join(tmpdir(), 'zenoo-cluster-'));
    for (let i = 0; i < 3; i++) {
      nodes.push(
        await PrivateRedis.start(['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${i}.conf`)]),
      );
    }
    const addresses = nodes.map((n) => `127.0.0.1:${n.port}`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes']);
    // every node must agree the cluster is up before clients discover it
    for (const node of nodes) {
      const probe = new Redis(node.port, '127.0.0.1', { lazyConnect: true });
      await probe.connect();
      for (let i = 0; i < 100 && !String(await probe.cluster('INFO')).includes('cluster_state:ok'); i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      probe.disconnect();
    }
  }, 30_000);
  afterAll(async () => {
    for (const n of nodes) await n.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('node-redis and ioredis cluster clients share one breaker and one budget per name, on every slot', async () => {
    const rootNodes = nodes.map((n) => ({ url: n.url }));
    const nodeCluster = createCluster({ rootNodes });
    nodeCluster.on('error', () => {});
    await nodeCluster.connect();
    const ioCluster = new Redis.Cluster(nodes.map((n) => ({ host: '127.0.0.1', port: n.port })));
    ioCluster.on('error', () => {});
    const events: string[] = [];
    const slots = new Set<number>();
    try {
      for (const name of ['a', 'b', 'c', 'payments', 'orders', 'search']) {
        const store = (client: RedisClientInput) =>
          new RedisBreakerStore({ client, name, syncInterval: 0, timeout: 2000, onEvent: (e) => events.push(`${e.type} ${String(e.error ?? '')}`) });
        const a = new CircuitBreaker({ failureThreshold: 2, store: store(nodeCluster) });
        const b = new CircuitBreaker({ failureThreshold: 2, store: store(ioCluster) });
        await a.execute(() => Promise.reject(new Error('down'))).catch(() => {});
        await a.refresh();
        await b.execute(() => Promise.reject(new Error('down'))).catch(() => {}); // the 2nd failure, from the other client
        await b.refresh();
        await expect(a.execute(() => 'x')).rejects.toBeInstanceOf(CircuitOpenError);

        const sa = new RedisBudgetStore({ client: nodeCluster, name });
        const sb = new RedisBudgetStore({ client: ioCluster, name });
        const ba = new RetryBudget({ store: sa });
        const bb = new RetryBudget({ store: sb });
        for (let i = 0; i < 7; i++) ba.recordFirstAttempt();
        await bb.sync();
        await sa.flush();
        await sb.flush();
        await bb.sync();
        expect(bb.getStats().firstAttempts).toBe(7);
        slots.add(Number(await ioCluster.cluster('KEYSLOT', `zenoo-retry:{breaker:${name}}`)));
      }
      expect(events).toEqual([]); // no fallback: every script ran on its slot's node
      expect(slots.size).toBe(6);
    } finally {
      await nodeCluster.quit().catch(() => {});
      ioCluster.disconnect();
    }
  }, 30_000);
});
