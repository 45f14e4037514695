/**
 * A fleet sharing a breaker through Redis, in the cases a review found wrong: `retryAfter` on
 * the server's clock, a quiet process's batched success reaching Redis after failures that came
 * later, and batched successes of a process that went quiet never reaching Redis at all.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AdvancedCircuitBreaker } from '../../src/breaker/advanced-circuit-breaker.js';
import { CircuitBreaker } from '../../src/breaker/circuit-breaker.js';
import { RedisBreakerStore } from '../../src/redis/breaker-store.js';
import { redis, suiteRedis } from './helpers.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const ok = async () => 1;
const fail = () => Promise.reject(new Error('down'));

describe.skipIf(redis.skip)('RedisBreakerStore, found by review', () => {
  const r = suiteRedis('review');
  const prefix = r.prefix;
  let n = 0;
  const fresh = () => `r${n++}`;


  it('breaker.retryAfter is ms left on the breaker clock, not a server epoch time', async () => {
    const breaker = new CircuitBreaker({
      failureThreshold: 1,
      recoveryTimeout: 5000,
      store: new RedisBreakerStore({ client: r.client, prefix, name: fresh() }), // time: 'server' (default)
    });
    await breaker.execute(fail).catch(() => {});
    await sleep(20);
    await breaker.refresh();
    expect(breaker.state).toBe('open');
    expect(breaker.retryAfter).toBeGreaterThan(4000);
    expect(breaker.retryAfter).toBeLessThanOrEqual(5000);
  });

  it("a quiet process's batched success does not wipe a streak other processes built after it", async () => {
    const name = fresh();
    const options = { failureThreshold: 3, recoveryTimeout: 60_000 };
    const a = new CircuitBreaker({ ...options, store: new RedisBreakerStore({ client: r.client, prefix, name }) });
    const b = new CircuitBreaker({ ...options, store: new RedisBreakerStore({ client: r.client, prefix, name, syncInterval: 10_000 }) });
    await a.refresh();
    await a.execute(ok); // batched by A (its view: closed, no streak)
    await b.execute(fail).catch(() => {});
    await b.execute(fail).catch(() => {});
    await sleep(10);
    await a.execute(fail).catch(() => {}); // sends A's batch, then the third failure in a row
    await sleep(10);
    const s = await b.refresh();
    expect(s.state).toBe('open');
  });

  it('a batch whose last success came after another process’s failure does end that streak', async () => {
    const name = fresh();
    const options = { failureThreshold: 2, recoveryTimeout: 60_000 };
    const a = new CircuitBreaker({ ...options, store: new RedisBreakerStore({ client: r.client, prefix, name, syncInterval: 10_000 }) });
    const b = new CircuitBreaker({ ...options, store: new RedisBreakerStore({ client: r.client, prefix, name, syncInterval: 0 }) });
    await a.refresh();
    await a.execute(ok); // batched
    await sleep(5);
    await b.execute(fail).catch(() => {}); // streak 1
    await sleep(5);
    await a.execute(ok); // batched, after B's failure: the streak is over
    await sleep(5);
    await a.execute(fail).catch(() => {}); // sends the batch, then a new streak of 1
    await sleep(10);
    expect((await b.refresh()).state).toBe('closed');
  });

  it('successes batched by a process that then goes quiet reach Redis within syncInterval / 2', async () => {
    const name = fresh();
    const options = { failureRateThreshold: 0.5, minimumThroughput: 4, slidingWindow: { type: 'count' as const, size: 100 }, recoveryTimeout: 60_000 };
    const quiet = new AdvancedCircuitBreaker({ ...options, store: new RedisBreakerStore({ client: r.client, prefix, name, syncInterval: 100 }) });
    const busy = new AdvancedCircuitBreaker({ ...options, store: new RedisBreakerStore({ client: r.client, prefix, name, syncInterval: 0 }) });
    await quiet.refresh();
    for (let i = 0; i < 6; i++) await quiet.execute(ok);
    await sleep(120); // the quiet process does nothing more
    for (let i = 0; i < 4; i++) await busy.execute(fail).catch(() => {});
    const s = await busy.refresh();
    expect(s).toMatchObject({ state: 'closed', calls: 10, failures: 4 }); // 0.4 < 0.5
  });
});

describe('a Redis client that never answers (no server needed)', () => {
  it('the per-operation timeout keeps the process alive: the call settles through the local fallback', () => {
    const src = (path: string) => JSON.stringify(fileURLToPath(new URL(path, import.meta.url)));
    const script = `
      import { RedisBreakerStore } from ${src('../../src/redis/breaker-store.ts')};
      import { CircuitBreaker } from ${src('../../src/breaker/circuit-breaker.ts')};
      const silent = { call: () => new Promise(() => {}) }; // holds nothing open, never answers
      const breaker = new CircuitBreaker({ store: new RedisBreakerStore({ client: silent, name: 'p', timeout: 50 }) });
      process.stdout.write(String(await breaker.execute(async () => 'ran')));`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(out).toBe('ran');
  });
});
