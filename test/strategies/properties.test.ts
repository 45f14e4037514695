import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AdaptiveStrategy } from '../../src/strategies/adaptive.js';
import { ExponentialBackoffStrategy } from '../../src/strategies/exponential.js';
import { FixedDelayStrategy } from '../../src/strategies/fixed.js';
import { LinearBackoffStrategy } from '../../src/strategies/linear.js';
import { JITTER_TYPES, type JitterType } from '../../src/strategies/strategy.js';

type AnyStrategy = ExponentialBackoffStrategy | LinearBackoffStrategy | FixedDelayStrategy | AdaptiveStrategy;

const delayArb = fc.oneof(
  fc.constant(0),
  fc.double({ min: 0, max: 1e7, noNaN: true }),
  fc.double({ min: 0, max: Number.MAX_VALUE, noNaN: true, noDefaultInfinity: true }),
);
const unitArb = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
/** What a user's random() might return: mostly [0,1), sometimes anything at all. */
const anyRandomArb = fc.oneof(unitArb, fc.constantFrom(0, 0.5, 0.999, 1 - Number.EPSILON), fc.double());
const jitterTypeArb = fc.constantFrom<JitterType>(...JITTER_TYPES);
const prevArb = fc.option(fc.oneof(delayArb, fc.double()), { nil: undefined });

const common = { maxAttempts: fc.integer({ min: 1, max: 50 }), jitter: fc.boolean(), jitterType: jitterTypeArb };

/** Random strategies of every class; `random` is set by the caller. */
const strategyArb = (random: () => number): fc.Arbitrary<AnyStrategy> =>
  fc.oneof(
    fc
      .record({
        ...common,
        baseDelay: delayArb,
        maxDelay: delayArb,
        multiplier: fc.oneof(
          fc.double({ min: Number.MIN_VALUE, max: 1, noNaN: true }),
          fc.double({ min: 1, max: 1e12, noNaN: true }),
        ),
      })
      .map((o) => new ExponentialBackoffStrategy({ ...o, random })),
    fc
      .record({ ...common, baseDelay: delayArb, maxDelay: delayArb, increment: delayArb })
      .map((o) => new LinearBackoffStrategy({ ...o, random })),
    fc.record({ ...common, delay: delayArb }).map((o) => new FixedDelayStrategy({ ...o, random })),
    fc
      .record({
        ...common,
        baseDelay: delayArb,
        maxDelay: delayArb,
        successThreshold: fc.double({ min: 0, max: 1, noNaN: true }),
        minSamples: fc.integer({ min: 1, max: 20 }),
        outcomes: fc.array(fc.boolean(), { maxLength: 60 }),
      })
      .map(({ outcomes, ...o }) => {
        const s = new AdaptiveStrategy({ ...o, adaptationWindow: 20, random });
        for (const ok of outcomes) s.recordOutcome(ok);
        return s;
      }),
  );

/** A random() whose next value the property sets. */
const settable = () => {
  const box = { value: 0 };
  return { box, random: () => box.value };
};

const inBounds = (d: number, s: AnyStrategy) => Number.isFinite(d) && d >= 0 && d <= s.maxDelay;

describe('strategy invariants (fast-check)', () => {
  it('every delay is finite and within [0, maxDelay] for any options, n <= 10_000, prev and random()', () => {
    const { box, random } = settable();
    fc.assert(
      fc.property(strategyArb(random), fc.integer({ min: 1, max: 10_000 }), prevArb, anyRandomArb, (s, n, prev, r) => {
        box.value = r;
        const d = s.getDelay(n, prev);
        expect(inBounds(d, s), `getDelay(${n}, ${prev}) = ${d}, maxDelay ${s.maxDelay}`).toBe(true);
        const raw = s.calculateDelay(n);
        expect(Number.isFinite(raw) && raw >= 0).toBe(true);
      }),
      { numRuns: Number(process.env.STRATEGY_RUNS ?? 2000) },
    );
  });

  it('without jitter getDelay(n) = min(calculateDelay(n), maxDelay)', () => {
    fc.assert(
      fc.property(strategyArb(Math.random), fc.integer({ min: 1, max: 10_000 }), (s, n) => {
        const plain = s.with({ jitter: false });
        expect(plain.getDelay(n)).toBe(Math.min(plain.calculateDelay(n), plain.maxDelay));
      }),
    );
  });

  it('full jitter stays within [0, d] and equal jitter within [d/2, d]', () => {
    const { box, random } = settable();
    fc.assert(
      fc.property(strategyArb(random), fc.integer({ min: 1, max: 10_000 }), unitArb, (s, n, r) => {
        box.value = r;
        const d = Math.min(s.calculateDelay(n), s.maxDelay);
        const full = s.with({ jitter: true, jitterType: 'full' }).getDelay(n);
        const equal = s.with({ jitter: true, jitterType: 'equal' }).getDelay(n);
        expect(full >= 0 && full <= d).toBe(true);
        expect(equal >= d / 2 && equal <= d).toBe(true);
      }),
    );
  });

  it('exponential (multiplier >= 1) and linear schedules never decrease without jitter', () => {
    fc.assert(
      fc.property(
        delayArb,
        delayArb,
        fc.double({ min: 1, max: 100, noNaN: true }),
        fc.integer({ min: 1, max: 200 }),
        (base, max, multiplier, count) => {
          for (const s of [
            new ExponentialBackoffStrategy({ baseDelay: base, maxDelay: max, multiplier, jitter: false }),
            new LinearBackoffStrategy({ baseDelay: base, maxDelay: max, increment: multiplier, jitter: false }),
          ]) {
            const ds = [...s.delays({ count })];
            for (let i = 1; i < ds.length; i++) expect(ds[i]!).toBeGreaterThanOrEqual(ds[i - 1]!);
          }
        },
      ),
    );
  });

  it('delays() yields count delays (default maxAttempts - 1), chained as the executor would', () => {
    fc.assert(
      fc.property(
        fc.array(unitArb, { minLength: 1, maxLength: 64 }),
        fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
        jitterTypeArb,
        fc.integer({ min: 1, max: 40 }),
        (values, count, jitterType, maxAttempts) => {
          const sequence = () => {
            let i = 0;
            return () => values[i++ % values.length]!;
          };
          const s = new ExponentialBackoffStrategy({ maxAttempts, jitterType, random: sequence() });
          const ds = [...s.delays(count === undefined ? {} : { count })];
          expect(ds).toHaveLength(count ?? maxAttempts - 1);
          const twin = s.with({ random: sequence() });
          let prev: number | undefined;
          ds.forEach((d, i) => {
            const expected = twin.getDelay(i + 1, prev);
            expect(d).toBe(expected);
            prev = expected;
          });
        },
      ),
    );
  });

  it('with() never mutates the strategy it derives from', () => {
    fc.assert(
      fc.property(strategyArb(Math.random), fc.integer({ min: 1, max: 50 }), (s, maxAttempts) => {
        const before = s.toOptions();
        const derived = s.with({ maxAttempts, jitter: !s.jitter });
        expect(s.toOptions()).toEqual(before);
        expect(derived).not.toBe(s);
        expect(derived.maxAttempts).toBe(maxAttempts);
      }),
    );
  });

  it('the adaptive success rate is always the rate of the last adaptationWindow outcomes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.array(fc.boolean(), { maxLength: 200 }), (window, outcomes) => {
        const s = new AdaptiveStrategy({ adaptationWindow: window, minSamples: 1 });
        outcomes.forEach((ok, i) => {
          s.recordOutcome(ok);
          const last = outcomes.slice(Math.max(0, i + 1 - window), i + 1);
          const successes = last.filter(Boolean).length;
          expect(s.getStatistics()).toEqual({
            totalAttempts: last.length,
            successfulAttempts: successes,
            successRate: successes / last.length,
            windowSize: window,
            adaptationActive: true,
          });
        });
      }),
    );
  });
});

describe('sanity loop to n = 10_000', () => {
  const builders: [string, (o: { jitterType: JitterType; random: () => number }) => AnyStrategy][] = [
    ['exponential', (o) => new ExponentialBackoffStrategy({ ...o, jitter: true })],
    ['exponential, baseDelay 0', (o) => new ExponentialBackoffStrategy({ ...o, baseDelay: 0, jitter: true })],
    ['exponential, multiplier 0.5', (o) => new ExponentialBackoffStrategy({ ...o, multiplier: 0.5, jitter: true })],
    ['linear', (o) => new LinearBackoffStrategy({ ...o, jitter: true })],
    ['fixed', (o) => new FixedDelayStrategy({ ...o, jitter: true })],
    ['adaptive, failing', (o) => {
      const s = new AdaptiveStrategy({ ...o, jitter: true });
      for (let i = 0; i < 100; i++) s.recordOutcome(false);
      return s;
    }],
  ];
  for (const [name, build] of builders) {
    for (const jitterType of JITTER_TYPES) {
      it(`${name} with ${jitterType} jitter: every delay finite and in [0, maxDelay]`, () => {
        for (const r of [0, 0.5, 0.999]) {
          const s = build({ jitterType, random: () => r });
          let prev: number | undefined;
          for (let n = 1; n <= 10_000; n++) {
            const d = s.getDelay(n, prev);
            if (!inBounds(d, s)) expect.fail(`n=${n} r=${r}: ${d}`);
            prev = d;
          }
          const plain = s.with({ jitter: false });
          expect(plain.getDelay(10_000)).toBe(name.includes('baseDelay 0') || name.includes('0.5') ? 0 : s.maxDelay);
        }
      });
    }
  }
});
