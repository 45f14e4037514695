import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import { RETRY_BUDGET_DEFAULTS, RetryBudget } from '../../src/budget/retry-budget.js';

/** A clock whose `now` is set by the test. */
const fakeClock = (now = 0): Clock & { now(): number; t: number } => {
  const c = {
    t: now,
    now: () => c.t,
    setTimeout: () => undefined,
    clearTimeout: () => undefined,
  };
  return c;
};

const grantCount = (b: RetryBudget, tries: number): number => {
  let granted = 0;
  for (let i = 0; i < tries; i++) if (b.tryAcquireRetry()) granted++;
  return granted;
};

describe('RetryBudget math', () => {
  it('has frozen defaults ratio 0.1, minRetriesPerSecond 10, window 10000', () => {
    expect(RETRY_BUDGET_DEFAULTS).toEqual({ ratio: 0.1, minRetriesPerSecond: 10, window: 10_000 });
    expect(Object.isFrozen(RETRY_BUDGET_DEFAULTS)).toBe(true);
    const b = new RetryBudget();
    expect([b.ratio, b.minRetriesPerSecond, b.window]).toEqual([0.1, 10, 10_000]);
  });

  it('grants exactly the floor minRetriesPerSecond * window / 1000 with no first attempts', () => {
    const b = new RetryBudget({ clock: fakeClock() });
    expect(grantCount(b, 500)).toBe(100);
    expect(new RetryBudget({ clock: fakeClock(), minRetriesPerSecond: 3, window: 2000 }).getStats().available).toBe(6);
  });

  it('grants floor(ratio * firstAttempts) on top of the floor', () => {
    const cases: Array<[ratio: number, floorPerSec: number, window: number, firsts: number, expected: number]> = [
      [0.1, 0, 10_000, 100, 10],
      [0.1, 0, 10_000, 15, 1], // 1.5 rounds down
      [0.1, 0, 10_000, 30, 3], // 0.1 * 30 = 3.0000000000000004 in floats: still 3
      [0.5, 1, 2000, 10, 7], // 5 + 2
      [2, 0, 1000, 4, 8], // ratio above 1: two retries per call
      [0, 0, 1000, 1000, 0], // ratio 0 and no floor: retries disabled
    ];
    for (const [ratio, minRetriesPerSecond, window, firsts, expected] of cases) {
      const b = new RetryBudget({ ratio, minRetriesPerSecond, window, clock: fakeClock() });
      for (let i = 0; i < firsts; i++) b.recordFirstAttempt();
      expect(b.getStats().available).toBe(expected);
      expect(grantCount(b, expected + 50)).toBe(expected);
      expect(b.getStats()).toEqual({ firstAttempts: firsts, retries: expected, available: 0, ratio: expected / firsts });
    }
  });

  it('counts a retry as soon as it is granted: concurrent calls waiting in backoff already use the budget', () => {
    const b = new RetryBudget({ ratio: 0.1, minRetriesPerSecond: 0, clock: fakeClock() });
    for (let i = 0; i < 50; i++) b.recordFirstAttempt(); // 50 calls in flight
    // all 50 fail at once and ask to retry before any of them finished waiting
    const granted = Array.from({ length: 50 }, () => b.tryAcquireRetry()).filter(Boolean).length;
    expect(granted).toBe(5);
    expect(b.getStats()).toMatchObject({ retries: 5, available: 0 });
  });

  it('refusals are not counted', () => {
    const b = new RetryBudget({ minRetriesPerSecond: 0, ratio: 1, clock: fakeClock() });
    expect(grantCount(b, 10)).toBe(0);
    b.recordFirstAttempt();
    expect(b.tryAcquireRetry()).toBe(true);
  });
});

describe('RetryBudget window', () => {
  it('keeps a granted retry counted for at least one window and frees it within 1.1 windows', () => {
    const clock = fakeClock(0);
    const b = new RetryBudget({ minRetriesPerSecond: 1, ratio: 0, window: 10_000, clock }); // floor 10
    expect(grantCount(b, 20)).toBe(10);
    clock.t = 9_999;
    expect(b.tryAcquireRetry()).toBe(false);
    clock.t = 10_500; // bucket 10: retries of bucket 0 still count (window + one bucket)
    expect(b.tryAcquireRetry()).toBe(false);
    clock.t = 11_000; // bucket 11: bucket 0 expired
    expect(grantCount(b, 20)).toBe(10);
  });

  it('counts a first attempt for at most one window', () => {
    const clock = fakeClock(500);
    const b = new RetryBudget({ minRetriesPerSecond: 0, ratio: 1, window: 10_000, clock });
    for (let i = 0; i < 4; i++) b.recordFirstAttempt();
    clock.t = 9_999; // bucket 9: firsts of bucket 0 still in the window
    expect(b.getStats().firstAttempts).toBe(4);
    clock.t = 10_000; // bucket 10: gone, 9.5 s after they were recorded
    expect(b.getStats()).toEqual({ firstAttempts: 0, retries: 0, available: 0, ratio: 0 });
  });

  it('expires everything after idle time, however long', () => {
    const clock = fakeClock(0);
    const b = new RetryBudget({ clock, minRetriesPerSecond: 1, window: 1000 });
    for (let i = 0; i < 100; i++) b.recordFirstAttempt();
    grantCount(b, 100);
    for (const idle of [5_000, 1e9, 1e15]) {
      clock.t += idle;
      expect(b.getStats()).toEqual({ firstAttempts: 0, retries: 0, available: 1, ratio: 0 });
      b.recordFirstAttempt();
      expect(b.getStats().firstAttempts).toBe(1);
    }
  });

  it('a slot reused after exactly one ring turn starts from zero', () => {
    const clock = fakeClock(0);
    const b = new RetryBudget({ clock, ratio: 1, minRetriesPerSecond: 0, window: 1000 });
    b.recordFirstAttempt(); // bucket 0, slot 0
    clock.t = 1100; // bucket 11 uses slot 0 again
    b.recordFirstAttempt();
    expect(b.getStats().firstAttempts).toBe(1);
  });

  it('a clock stepping back does not expire or resurrect counts', () => {
    const clock = fakeClock(50_000);
    const b = new RetryBudget({ clock, ratio: 1, minRetriesPerSecond: 0 });
    b.recordFirstAttempt();
    clock.t = 0;
    expect(b.getStats().firstAttempts).toBe(1);
    b.recordFirstAttempt();
    clock.t = 50_000;
    expect(b.getStats().firstAttempts).toBe(2);
  });

  it('reset() forgets every count', () => {
    const b = new RetryBudget({ clock: fakeClock(), minRetriesPerSecond: 0, ratio: 1 });
    b.recordFirstAttempt();
    expect(b.tryAcquireRetry()).toBe(true);
    expect(b.reset()).toBeUndefined();
    expect(b.getStats()).toEqual({ firstAttempts: 0, retries: 0, available: 0, ratio: 0 });
  });

  it('works with the default real clock', () => {
    const b = new RetryBudget({ minRetriesPerSecond: 0, ratio: 1 });
    b.recordFirstAttempt();
    expect(b.tryAcquireRetry()).toBe(true);
    expect(b.tryAcquireRetry()).toBe(false);
  });
});

describe('RetryBudget invariant (property)', () => {
  /** `wait` is in 1/1000 of the window, so runs cross bucket and window edges often. */
  type Op = { kind: 'first'; n: number } | { kind: 'retry'; n: number } | { kind: 'wait'; permille: number };
  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 2, arbitrary: fc.integer({ min: 1, max: 5 }).map((n): Op => ({ kind: 'first', n })) },
    { weight: 4, arbitrary: fc.integer({ min: 1, max: 8 }).map((n): Op => ({ kind: 'retry', n })) },
    { weight: 3, arbitrary: fc.integer({ min: 0, max: 1200 }).map((permille): Op => ({ kind: 'wait', permille })) },
  );

  it('for every grant at time t, retries granted in (t - window, t] <= ratio * firsts in (t - window, t] + floor', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.constantFrom(0, 0.1, 0.5), fc.double({ min: 0, max: 3, noNaN: true })),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 100, max: 5000 }),
        fc.array(op, { maxLength: 200 }),
        (ratio, minRetriesPerSecond, window, ops) => {
          const clock = fakeClock(0);
          const b = new RetryBudget({ ratio, minRetriesPerSecond, window, clock });
          const floor = (minRetriesPerSecond * window) / 1000;
          const firsts: number[] = [];
          const grants: number[] = [];
          for (const o of ops) {
            if (o.kind === 'wait') clock.t += Math.floor((o.permille * window) / 1000);
            else if (o.kind === 'first') {
              for (let i = 0; i < o.n; i++) b.recordFirstAttempt();
              for (let i = 0; i < o.n; i++) firsts.push(clock.t);
            } else {
              for (let i = 0; i < o.n; i++) {
                if (!b.tryAcquireRetry()) continue;
                grants.push(clock.t);
                const t = clock.t;
                const inWindow = (x: number) => x > t - window && x <= t;
                const r = grants.filter(inWindow).length;
                const f = firsts.filter(inWindow).length;
                expect(r).toBeLessThanOrEqual(ratio * f + floor + 1e-6);
              }
            }
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('without time passing, grants exactly floor(ratio * firsts + floor) retries', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 5, noNaN: true }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 300 }),
        (ratio, minRetriesPerSecond, firsts) => {
          const b = new RetryBudget({ ratio, minRetriesPerSecond, window: 1000, clock: fakeClock(123) });
          for (let i = 0; i < firsts; i++) b.recordFirstAttempt();
          const allowance = ratio * firsts + minRetriesPerSecond;
          const granted = grantCount(b, Math.ceil(allowance) + 5);
          expect(granted).toBeLessThanOrEqual(allowance + 1e-6);
          expect(granted).toBeGreaterThanOrEqual(Math.floor(allowance - 1e-6));
        },
      ),
    );
  });
});

describe('RetryBudget validation', () => {
  it.each([
    [{ ratio: -0.1 }, RangeError, /`ratio` must be .*>= 0.*got -0.1/],
    [{ ratio: 1001 }, RangeError, /`ratio` must be .*<= 1000.*got 1001/],
    [{ ratio: Number.NaN }, RangeError, /`ratio`.*got NaN/],
    [{ ratio: '0.1' }, TypeError, /`ratio`.*got "0.1"/],
    [{ minRetriesPerSecond: -1 }, RangeError, /`minRetriesPerSecond`.*got -1/],
    [{ minRetriesPerSecond: Number.POSITIVE_INFINITY }, RangeError, /`minRetriesPerSecond`.*got Infinity/],
    [{ window: 0 }, RangeError, /`window` must be .*> 0.*got 0/],
    [{ window: Number.POSITIVE_INFINITY }, RangeError, /`window`.*got Infinity/],
    [{ windw: 10 }, TypeError, /unknown option `windw`/],
    [{ clock: {} }, TypeError, /`clock` must be a Clock/],
    [{ store: { exchange: 1 } }, TypeError, /`store` must be a BudgetStore/],
  ])('rejects %o', (options, type, message) => {
    expect(() => new RetryBudget(options as never)).toThrow(type);
    expect(() => new RetryBudget(options as never)).toThrow(message);
  });

  it('accepts ratio above 1 (up to 1000), a zero floor and undefined options', () => {
    expect(() => new RetryBudget({ ratio: 1000, minRetriesPerSecond: 0, window: 0.5 })).not.toThrow();
    expect(new RetryBudget({ ratio: undefined }).ratio).toBe(0.1);
  });
});
