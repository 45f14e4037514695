import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ERROR_CATEGORIES } from '../../src/classify/classify-error.js';
import { retryAsync } from '../../src/core/retry-async.js';
import { VirtualClock } from '../../src/core/virtual-clock.js';
import {
  BUCKET_COUNT,
  LatencyHistogram,
  RELATIVE_ERROR,
} from '../../src/observability/latency-histogram.js';
import { RetryMetrics } from '../../src/observability/metrics.js';

const zeroCategories = Object.fromEntries(ERROR_CATEGORIES.map((c) => [c, 0]));
const coded = (code: string) => Object.assign(new Error(code), { code });

/** Exact nearest-rank quantile, the definition the histogram approximates. */
const exactQuantile = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1] as number;
};

describe('RetryMetrics', () => {
  it('reports zeros, successRate 1 and every category at 0 before any call', () => {
    expect(new RetryMetrics().getStats()).toEqual({
      totalCalls: 0,
      successfulCalls: 0,
      failedCalls: 0,
      totalAttempts: 0,
      totalRetries: 0,
      successRate: 1,
      averageRetries: 0,
      averageAttempts: 0,
      totalDelay: 0,
      latency: { p50: 0, p95: 0, p99: 0, max: 0 },
      errorsByCategory: zeroCategories,
    });
  });

  it('counts calls, attempts, retries, averages and delay exactly after a known sequence', () => {
    const m = new RetryMetrics();
    m.recordCall({ succeeded: true, attempts: 1, duration: 100, totalDelay: 0 });
    m.recordCall({ succeeded: true, attempts: 3, duration: 3100, totalDelay: 3000 });
    m.recordCall({ succeeded: false, attempts: 3, duration: 5000, totalDelay: 4000 });
    m.recordCall({ succeeded: false, attempts: 1, duration: 50, totalDelay: 0 });
    const s = m.getStats();
    expect(s).toMatchObject({
      totalCalls: 4,
      successfulCalls: 2,
      failedCalls: 2,
      totalAttempts: 8,
      totalRetries: 4,
      successRate: 0.5,
      averageRetries: 1,
      averageAttempts: 2,
      totalDelay: 7000,
    });
    // nearest rank: p50 is the 2nd of [50, 100, 3100, 5000]; p95/p99 the 4th (= max, exact)
    expect(Math.abs(s.latency.p50 - 100)).toBeLessThanOrEqual(100 * RELATIVE_ERROR);
    expect(s.latency.p95).toBe(5000);
    expect(s.latency.p99).toBe(5000);
    expect(s.latency.max).toBe(5000);
  });

  it('reports the exact value for percentiles when every call took the same time', () => {
    const m = new RetryMetrics();
    for (let i = 0; i < 10; i++) m.recordCall({ succeeded: true, attempts: 1, duration: 123.4, totalDelay: 0 });
    expect(m.getStats().latency).toEqual({ p50: 123.4, p95: 123.4, p99: 123.4, max: 123.4 });
  });

  it('counts failed attempts by classifyError category, every category present', () => {
    const m = new RetryMetrics();
    m.recordFailure(coded('ECONNRESET'));
    m.recordFailure(coded('ECONNREFUSED'));
    m.recordFailure(Object.assign(new Error('unavailable'), { status: 503 }));
    m.recordFailure(new TypeError('x is not a function'));
    m.recordFailure(new Error('who knows'));
    m.recordFailure('a string');
    const { errorsByCategory } = m.getStats();
    expect(Object.keys(errorsByCategory)).toEqual([...ERROR_CATEGORIES]);
    expect(errorsByCategory).toEqual({ ...zeroCategories, network: 2, server: 1, programming: 1, unknown: 2 });
  });

  it('getStats returns a frozen snapshot that later recording does not change', () => {
    const m = new RetryMetrics();
    m.recordCall({ succeeded: true, attempts: 2, duration: 10, totalDelay: 5 });
    const s = m.getStats();
    m.recordCall({ succeeded: false, attempts: 4, duration: 10, totalDelay: 5 });
    expect(s.totalCalls).toBe(1);
    expect(Object.isFrozen(s) && Object.isFrozen(s.latency) && Object.isFrozen(s.errorsByCategory)).toBe(true);
  });

  it('reset() forgets every count, the histogram and the error counts', () => {
    const m = new RetryMetrics();
    m.recordFailure(coded('ETIMEDOUT'));
    m.recordCall({ succeeded: false, attempts: 3, duration: 900, totalDelay: 800 });
    m.reset();
    expect(m.getStats()).toEqual(new RetryMetrics().getStats());
    m.recordCall({ succeeded: true, attempts: 1, duration: 7, totalDelay: 0 });
    expect(m.getStats()).toMatchObject({ totalCalls: 1, successRate: 1, latency: { max: 7 } });
  });

  it('clamps impossible call records instead of poisoning the totals', () => {
    const m = new RetryMetrics();
    m.recordCall({ succeeded: true, attempts: Number.NaN, duration: -5, totalDelay: Number.POSITIVE_INFINITY });
    m.recordCall({ succeeded: false, attempts: 0, duration: Number.NaN, totalDelay: -1 });
    m.recordCall({ succeeded: false, attempts: 2.5, duration: 1, totalDelay: 0 });
    expect(m.getStats()).toMatchObject({
      totalCalls: 3,
      totalAttempts: 2, // NaN → 0, a real 0 (refused before fn ran), 2.5 → 2
      totalRetries: 1,
      totalDelay: 0,
    });
  });

  it('keeps memory bounded: 1e6 recorded calls leave the internal arrays the same size', () => {
    const m = new RetryMetrics();
    const before = m.memoryFootprint;
    for (let i = 0; i < 1_000_000; i++) {
      m.recordCall({ succeeded: i % 10 !== 0, attempts: 1 + (i % 3), duration: (i % 5000) + 0.5, totalDelay: i % 3 });
    }
    expect(m.memoryFootprint).toEqual(before);
    expect(before.histogramBuckets).toBe(BUCKET_COUNT);
    const s = m.getStats();
    expect(s.totalCalls).toBe(1_000_000);
    expect(s.successfulCalls).toBe(900_000);
    expect(s.totalAttempts).toBe(1_999_999); // 333,334 × 1 + 333,333 × 2 + 333,333 × 3
    expect(s.latency.max).toBe(4999.5);
  });

  it('rejects options it does not know', () => {
    expect(() => new RetryMetrics({ window: 5 } as never)).toThrow(/unknown option `window`/);
    expect(() => new RetryMetrics(null as never)).toThrow(TypeError);
    expect(() => new RetryMetrics({})).not.toThrow();
  });

  it('is shared by many calls: the executor feeds it once per call and once per failed attempt', async () => {
    const clock = new VirtualClock();
    const metrics = new RetryMetrics();
    let n = 0;
    const flaky = () => (++n % 2 === 1 ? Promise.reject(coded('ECONNRESET')) : Promise.resolve(n));
    const options = { clock, metrics, maxAttempts: 3, delay: 100 };
    const calls = [retryAsync(flaky, options), retryAsync(flaky, options)];
    await clock.advance(1000);
    await Promise.all(calls);
    const s = metrics.getStats();
    expect(s).toMatchObject({ totalCalls: 2, successfulCalls: 2, totalAttempts: 4, totalRetries: 2 });
    expect(s.errorsByCategory.network).toBe(2);
  });
});

describe('LatencyHistogram accuracy', () => {
  it(`reports every quantile within ${(RELATIVE_ERROR * 100).toFixed(2)} % of the exact nearest-rank value`, () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.001, max: 1e9, noNaN: true }), { minLength: 1, maxLength: 300 }),
        fc.constantFrom(0, 0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1),
        (values, q) => {
          const h = new LatencyHistogram();
          for (const v of values) h.record(v);
          const exact = exactQuantile(values, q);
          expect(Math.abs(h.quantile(q) - exact)).toBeLessThanOrEqual(exact * RELATIVE_ERROR * (1 + 1e-12));
          const all = h.quantiles();
          expect(all.max).toBe(Math.max(...values));
          expect(Math.abs(all.p99 - exactQuantile(values, 0.99))).toBeLessThanOrEqual(
            exactQuantile(values, 0.99) * RELATIVE_ERROR * (1 + 1e-12),
          );
        },
      ),
    );
  });

  it('reports values at powers of two and at bucket edges within the bound', () => {
    for (let k = -10; k <= 31; k++) {
      for (const v of [2 ** k, 2 ** k * (1 + 1 / 64), 2 ** (k + 1) * (1 - Number.EPSILON)]) {
        const h = new LatencyHistogram();
        h.record(v);
        h.record(v * 4); // keep the clamp to [min, max] from hiding a wrong bucket
        h.record(v / 4);
        expect(Math.abs(h.quantile(0.5) - v)).toBeLessThanOrEqual(v * RELATIVE_ERROR);
      }
    }
  });

  it('reports durations under 2^-10 ms (about 1 µs) as 0', () => {
    const h = new LatencyHistogram();
    h.record(0.0001);
    h.record(0);
    h.record(0.0002);
    expect(h.quantile(0.5)).toBe(0);
  });
});
