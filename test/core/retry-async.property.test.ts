import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { retryAsync } from '../../src/core/retry-async.js';
import { VirtualClock } from '../../src/core/virtual-clock.js';
import { RetryPolicy } from '../../src/policies/retry-policy.js';
import { ExponentialBackoffStrategy } from '../../src/strategies/exponential.js';

const strategyArb = fc.record({
  maxAttempts: fc.integer({ min: 1, max: 8 }),
  baseDelay: fc.integer({ min: 0, max: 5000 }),
  multiplier: fc.double({ min: 0.5, max: 4, noNaN: true }),
  maxDelay: fc.integer({ min: 0, max: 60_000 }),
  jitterType: fc.constantFrom('full' as const, 'equal' as const, 'decorrelated' as const),
  seed: fc.double({ min: 0, max: 0.999, noNaN: true }),
});

type StrategySample = typeof strategyArb extends fc.Arbitrary<infer S> ? S : never;

const makePolicy = (s: StrategySample) =>
  new RetryPolicy({
    strategy: new ExponentialBackoffStrategy({
      maxAttempts: s.maxAttempts,
      baseDelay: s.baseDelay,
      multiplier: s.multiplier,
      maxDelay: s.maxDelay,
      jitterType: s.jitterType,
      random: () => s.seed,
    }),
  });

describe('retryAsync properties', () => {
  it('never calls fn more than maxAttempts times, and always settles', async () => {
    await fc.assert(
      fc.asyncProperty(strategyArb, fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }), async (s, outcomes) => {
        const clock = new VirtualClock();
        let calls = 0;
        const p = retryAsync(
          async () => {
            const ok = outcomes[calls++ % outcomes.length];
            if (!ok) throw new Error('fail');
            return calls;
          },
          { clock, policy: makePolicy(s) },
        );
        let settled = false;
        p.then(
          () => (settled = true),
          () => (settled = true),
        );
        await clock.runAll();
        expect(settled).toBe(true);
        expect(calls).toBeLessThanOrEqual(s.maxAttempts);
        expect(clock.pending).toBe(0);
      }),
      { numRuns: 150 },
    );
  });

  it('no wait crosses the total deadline and the call settles by it', async () => {
    await fc.assert(
      fc.asyncProperty(strategyArb, fc.integer({ min: 1, max: 20_000 }), fc.integer({ min: 0, max: 3000 }), async (s, timeout, work) => {
        const clock = new VirtualClock();
        const waits: Array<{ elapsed: number; next: number }> = [];
        const p = retryAsync(
          () =>
            new Promise((_, reject) => {
              clock.setTimeout(() => reject(new Error('slow failure')), work);
            }),
          {
            clock,
            policy: makePolicy(s),
            maxAttempts: s.maxAttempts + 2,
            timeout,
            onRetry: (a) => void waits.push({ elapsed: a.elapsed, next: a.nextDelay }),
          },
        );
        let settledAt = -1;
        p.catch(() => (settledAt = clock.now()));
        await clock.runAll();
        for (const w of waits) expect(w.elapsed + w.next).toBeLessThan(timeout);
        expect(settledAt).toBeGreaterThanOrEqual(0);
        expect(settledAt).toBeLessThanOrEqual(timeout);
      }),
      { numRuns: 150 },
    );
  });

  it('with only a total timeout (the guarded first attempt), the call settles by the deadline and within maxAttempts', async () => {
    await fc.assert(
      fc.asyncProperty(strategyArb, fc.integer({ min: 1, max: 20_000 }), fc.integer({ min: 0, max: 3000 }), fc.boolean(), async (s, timeout, work, hang) => {
        const clock = new VirtualClock();
        let calls = 0;
        const p = retryAsync(
          () => {
            calls++;
            if (hang && calls === 1) return new Promise(() => {});
            return new Promise((_, reject) => {
              clock.setTimeout(() => reject(new Error('slow failure')), work);
            });
          },
          { clock, policy: makePolicy(s), timeout },
        );
        let settledAt = -1;
        p.catch(() => (settledAt = clock.now()));
        await clock.runAll();
        expect(settledAt).toBeGreaterThanOrEqual(0);
        expect(settledAt).toBeLessThanOrEqual(timeout);
        expect(calls).toBeLessThanOrEqual(s.maxAttempts);
        expect(clock.pending).toBe(0);
      }),
      { numRuns: 150 },
    );
  });

  it('an abort at any moment settles the call with signal.reason and no later call of fn happens', async () => {
    await fc.assert(
      fc.asyncProperty(strategyArb, fc.integer({ min: 0, max: 30_000 }), fc.integer({ min: 0, max: 2000 }), async (s, abortAt, work) => {
        const clock = new VirtualClock();
        const ac = new AbortController();
        const reason = new Error('aborted by test');
        let calls = 0;
        const p = retryAsync(
          () => {
            calls++;
            return new Promise((_, reject) => {
              clock.setTimeout(() => reject(new Error('fail')), work);
            });
          },
          { clock, policy: makePolicy(s), maxAttempts: 20, signal: ac.signal },
        );
        let outcome: unknown = 'pending';
        let abortedWhenSettled = false;
        p.catch((e: unknown) => {
          outcome = e;
          abortedWhenSettled = ac.signal.aborted;
        });
        clock.setTimeout(() => ac.abort(reason), abortAt);
        let callsAtAbort = -1;
        ac.signal.addEventListener('abort', () => (callsAtAbort = calls));
        await clock.runAll();
        expect(outcome).not.toBe('pending');
        if (abortedWhenSettled) {
          // The abort came first: the call settles with its reason and fn is never called again.
          expect(outcome).toBe(reason);
          expect(calls).toBe(callsAtAbort);
        } else {
          // Settled before the abort (attempts exhausted): not with the abort's reason.
          expect(outcome).not.toBe(reason);
        }
      }),
      { numRuns: 150 },
    );
  });
});
