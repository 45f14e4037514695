import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AdvancedCircuitBreaker } from '../../src/breaker/advanced-circuit-breaker.js';
import { CircuitBreaker } from '../../src/breaker/circuit-breaker.js';
import { MemoryBreakerStore } from '../../src/breaker/memory-store.js';
import { CircuitOpenError } from '../../src/errors/library-errors.js';
import { ManualClock } from './helpers.js';

const R = 100;

type Op =
  | { kind: 'start'; n: number }
  | { kind: 'failAll' }
  | { kind: 'end'; pick: number; outcome: 'success' | 'failure' | 'ignored' }
  | { kind: 'wait'; ms: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('start' as const), n: fc.integer({ min: 1, max: 6 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'failAll' as const }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('end' as const),
      pick: fc.nat(),
      outcome: fc.constantFrom('success' as const, 'failure' as const, 'ignored' as const),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 2 * R + 20 }) }) },
);

class Counted extends Error {}
class NotCounted extends Error {}

/**
 * Random interleavings of attempt starts, completions (success, counted failure, non-counted
 * error) and clock moves, through the executor's BreakerGuard API.
 */
function check(maxProbes: number, successThreshold: number, failureThreshold: number, ops: Op[], simple: boolean) {
  const clock = new ManualClock();
  const store = new MemoryBreakerStore();
  const breaker = simple
    ? new CircuitBreaker({ failureThreshold, recoveryTimeout: R, clock, store, expectedException: Counted })
    : new AdvancedCircuitBreaker({
        halfOpenMaxCalls: maxProbes,
        successThreshold,
        failureThreshold,
        recoveryTimeout: R,
        clock,
        store,
        expectedExceptions: [Counted],
      });
  const limit = simple ? 1 : maxProbes;
  const inFlight: number[] = [];
  let lastTransitionAt = -Infinity;
  breaker.on('stateChange', (e) => {
    // transitions are stamped in order and never in the future
    expect(e.at).toBeGreaterThanOrEqual(lastTransitionAt);
    expect(e.at).toBeLessThanOrEqual(clock.t);
    expect(e.from).not.toBe(e.to);
    lastTransitionAt = e.at;
  });

  const invariant = () => {
    const s = store.read();
    const probesOfThisRound = inFlight.filter((p) => p === s.generation).length;
    if (s.state === 'half-open') {
      // never more probes than allowed, and the store's count is exactly the live probes
      expect(probesOfThisRound).toBeLessThanOrEqual(limit);
      expect(s.probes).toBe(probesOfThisRound);
    } else {
      expect(s.probes).toBe(0);
    }
    if (s.state === 'open') expect(probesOfThisRound).toBe(0); // nothing is admitted while open
  };

  for (const o of ops) {
    if (o.kind === 'start') {
      for (let i = 0; i < o.n; i++) {
        try {
          inFlight.push(breaker.acquirePermit() as number);
        } catch (error) {
          expect(error).toBeInstanceOf(CircuitOpenError);
          const s = store.read();
          expect(s.state).not.toBe('closed');
          expect((error as CircuitOpenError).retryAfter).toBe(s.state === 'open' ? s.since + R - clock.t : 0);
          if (s.state === 'half-open') expect(s.probes).toBe(limit);
        }
        invariant();
      }
    } else if (o.kind === 'failAll') {
      while (inFlight.length > 0) {
        breaker.onFailure(inFlight.shift(), new Counted(), 1);
        invariant();
      }
    } else if (o.kind === 'end' && inFlight.length > 0) {
      const [permit] = inFlight.splice(o.pick % inFlight.length, 1);
      if (o.outcome === 'success') breaker.onSuccess(permit, 1);
      else breaker.onFailure(permit, o.outcome === 'failure' ? new Counted() : new NotCounted(), 1);
    } else if (o.kind === 'wait') {
      clock.advance(o.ms);
    }
    invariant();
  }

  // Never stuck: from wherever the run ended, with calls still hanging, 2 × recoveryTimeout
  // later a call is admitted, and enough successful probes close the breaker.
  clock.advance(2 * R);
  expect(() => inFlight.push(breaker.acquirePermit() as number)).not.toThrow();
  breaker.onSuccess(inFlight.pop(), 1);
  for (let i = 0; i < successThreshold && breaker.state === 'half-open'; i++) {
    breaker.onSuccess(breaker.acquirePermit(), 1);
  }
  expect(breaker.state).toBe('closed');
  invariant();
}

describe('half-open under random interleavings (fast-check)', () => {
  it('AdvancedCircuitBreaker never admits more than halfOpenMaxCalls probes and is never stuck in half-open', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(op, { minLength: 10, maxLength: 150 }),
        (maxProbes, successThreshold, failureThreshold, ops) =>
          check(maxProbes, successThreshold, failureThreshold, ops, false),
      ),
      { numRuns: 400 },
    );
  });

  it('CircuitBreaker never admits more than one probe and is never stuck in half-open', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.array(op, { minLength: 10, maxLength: 150 }), (failureThreshold, ops) =>
        check(1, 1, failureThreshold, ops, true),
      ),
      { numRuns: 300 },
    );
  });
});
