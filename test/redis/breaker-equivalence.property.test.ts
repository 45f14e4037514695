/**
 * The breaker Lua script is a port of MemoryBreakerStore: for random rules and random sequences
 * of acquire / record (fresh, stale and repeated permits, every outcome) / read / reset / time
 * steps, RedisBreakerStore (every operation a script run) gives exactly the answers of
 * MemoryBreakerStore, operation by operation.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryBreakerStore } from '../../src/breaker/memory-store.js';
import type { BreakerOutcome, BreakerRules, BreakerStore } from '../../src/breaker/store.js';
import { RedisBreakerStore } from '../../src/redis/breaker-store.js';
import { ManualClock } from '../breaker/helpers.js';
import { redis, suiteRedis } from './helpers.js';

const outcomes: BreakerOutcome[] = ['success', 'failure', 'slow-success', 'slow-failure', 'ignored'];

const rulesArb: fc.Arbitrary<BreakerRules> = fc.oneof(
  fc.record({
    recoveryTimeout: fc.integer({ min: 1, max: 500 }),
    halfOpenMaxCalls: fc.integer({ min: 1, max: 3 }),
    successThreshold: fc.integer({ min: 1, max: 3 }),
    failureThreshold: fc.integer({ min: 1, max: 4 }),
    window: fc.constant(undefined),
  }),
  fc
    .record({
      recoveryTimeout: fc.integer({ min: 1, max: 500 }),
      halfOpenMaxCalls: fc.integer({ min: 1, max: 3 }),
      successThreshold: fc.integer({ min: 1, max: 3 }),
      type: fc.constantFrom('count' as const, 'time' as const),
      size: fc.integer({ min: 2, max: 8 }),
      maxAge: fc.constantFrom(Infinity, 150, 400),
      minimumThroughput: fc.integer({ min: 1, max: 4 }),
      failureRateThreshold: fc.constantFrom(undefined, 0.5, 0.75, 1),
      slowCallRateThreshold: fc.constantFrom(undefined, 0.5, 1),
    })
    .filter((r) => r.failureRateThreshold !== undefined || r.slowCallRateThreshold !== undefined)
    .map((r) => ({
      recoveryTimeout: r.recoveryTimeout,
      halfOpenMaxCalls: r.halfOpenMaxCalls,
      successThreshold: r.successThreshold,
      failureThreshold: 5,
      window: {
        type: r.type,
        size: r.type === 'count' ? r.size : r.size * 100,
        buckets: r.type === 'time' ? 4 : 0,
        maxAge: r.type === 'count' ? r.maxAge : Infinity,
        minimumThroughput: r.type === 'count' ? Math.min(r.minimumThroughput, r.size) : r.minimumThroughput,
        failureRateThreshold: r.failureRateThreshold,
        slowCallRateThreshold: r.slowCallRateThreshold,
      },
    })),
);

type Op =
  | { kind: 'acquire' }
  | { kind: 'record'; pick: number; outcome: BreakerOutcome }
  | { kind: 'read' }
  | { kind: 'reset' }
  | { kind: 'advance'; ms: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: 'acquire' as const }) },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('record' as const),
      pick: fc.nat(),
      outcome: fc.constantFrom(...outcomes),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'read' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reset' as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 400 }) }) },
);

const plain = (x: unknown) => JSON.parse(JSON.stringify(x));

describe.skipIf(redis.skip)('RedisBreakerStore equals MemoryBreakerStore, operation by operation', () => {
  const r = suiteRedis('equiv');
  const prefix = r.prefix;
  let n = 0;


  it('for random rules and operation sequences', async () => {
    await fc.assert(
      fc.asyncProperty(rulesArb, fc.array(opArb, { minLength: 1, maxLength: 40 }), async (rules, ops) => {
        const clock = new ManualClock(10_000);
        const memory: BreakerStore = new MemoryBreakerStore();
        const remote = new RedisBreakerStore({ client: r.client, name: `e${n++}`, prefix, time: 'breaker', syncInterval: 0 });
        memory.configure({ rules, clock });
        remote.configure({ rules, clock });
        const permits: number[] = [];
        try {
          // a Redis key is created at its first operation (store.ts allows it): make that configure time
          expect(plain(await remote.read())).toEqual(plain(await memory.read()));
          for (const op of ops) {
            if (op.kind === 'advance') {
              clock.advance(op.ms);
              continue;
            }
            if (op.kind === 'acquire') {
              const m = await memory.acquire();
              const r = await remote.acquire();
              expect(plain(r)).toEqual(plain(m));
              if (m.admitted) permits.push(m.generation);
            } else if (op.kind === 'record') {
              const permit = permits.length === 0 ? 0 : (permits[op.pick % permits.length] as number);
              expect(plain(await remote.record(permit, op.outcome))).toEqual(plain(await memory.record(permit, op.outcome)));
            } else if (op.kind === 'read') {
              expect(plain(await remote.read())).toEqual(plain(await memory.read()));
            } else {
              expect(plain(await remote.reset())).toEqual(plain(await memory.reset()));
            }
          }
          expect(plain(await remote.read())).toEqual(plain(await memory.read()));
        } finally {
          await r.client.del([remote.key, remote.windowKey]);
        }
      }),
      { numRuns: 150 },
    );
  });
});
