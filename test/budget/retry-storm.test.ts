import { describe, expect, it } from 'vitest';
import { RetryBudget } from '../../src/budget/retry-budget.js';
import { retryAsync } from '../../src/core/retry-async.js';
import { VirtualClock } from '../../src/core/virtual-clock.js';
import { MaxRetriesExceededError, RetryBudgetExceededError } from '../../src/errors/library-errors.js';
import { RetryMetrics } from '../../src/observability/metrics.js';
import { RetryPolicy } from '../../src/policies/retry-policy.js';
import { ExponentialBackoffStrategy } from '../../src/strategies/exponential.js';

/** mulberry32: a seeded [0,1) source so that the jittered schedule is reproducible. */
const seeded = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const CALLS = 1000;
const MAX_ATTEMPTS = 5;
const RATIO = 0.1;
const MIN_RETRIES_PER_SECOND = 10;
const WINDOW = 10_000;

/**
 * 1,000 concurrent calls against a dependency that always fails: exponential backoff from
 * 100 ms with full jitter (seeded), 5 attempts each, virtual time. Returns what the dependency saw.
 */
async function storm(withBudget: boolean, spacing = 0) {
  const clock = new VirtualClock();
  const policy = new RetryPolicy({
    strategy: new ExponentialBackoffStrategy({ maxAttempts: MAX_ATTEMPTS, baseDelay: 100, random: seeded(42) }),
  });
  const budget = withBudget
    ? new RetryBudget({ ratio: RATIO, minRetriesPerSecond: MIN_RETRIES_PER_SECOND, window: WINDOW, clock })
    : undefined;
  const metrics = new RetryMetrics();
  let dependencyCalls = 0;
  const dependency = async (): Promise<never> => {
    dependencyCalls++;
    throw new Error('dependency down');
  };
  const start = () =>
    retryAsync(dependency, { policy, clock, budget, metrics }).then(
      () => 'ok',
      (e: unknown) => e,
    );
  // spacing 0: all at once; otherwise call i starts at i × spacing virtual ms.
  const calls =
    spacing === 0
      ? Array.from({ length: CALLS }, start)
      : Array.from({ length: CALLS }, (_, i) => new Promise<unknown>((r) => clock.setTimeout(() => r(start()), i * spacing)));
  await clock.runAll();
  const outcomes = await Promise.all(calls);
  return {
    dependencyCalls,
    elapsed: clock.now(),
    budgetRefusals: outcomes.filter((e) => e instanceof RetryBudgetExceededError).length,
    exhausted: outcomes.filter((e) => e instanceof MaxRetriesExceededError).length,
    metrics: metrics.getStats(),
    pending: clock.pending,
  };
}

describe('retry storm: 1,000 concurrent calls against an always-failing dependency', () => {
  it('without a budget the dependency receives 1,000 × maxAttempts calls', async () => {
    const r = await storm(false);
    console.log(`[retry-storm] no budget: ${r.dependencyCalls} dependency calls (${CALLS} × ${MAX_ATTEMPTS}) over ${r.elapsed} virtual ms`);
    expect(r.dependencyCalls).toBe(CALLS * MAX_ATTEMPTS);
    expect(r.exhausted).toBe(CALLS);
    expect(r.metrics.totalAttempts).toBe(CALLS * MAX_ATTEMPTS);
    expect(r.pending).toBe(0);
  });

  it('RetryBudget({ ratio: 0.1 }) keeps calls within 1,000 × (1 + 0.1) + the floor', async () => {
    const r = await storm(true);
    // The whole storm lasts less than one window (every call's waits sum to at most
    // 100 + 200 + 400 + 800 = 1500 ms), so the floor is granted once:
    // minRetriesPerSecond × window / 1000 = 10 × 10000 / 1000 = 100 retries.
    expect(r.elapsed).toBeLessThan(WINDOW);
    const floor = (MIN_RETRIES_PER_SECOND * WINDOW) / 1000;
    const bound = CALLS * (1 + RATIO) + floor;
    console.log(
      `[retry-storm] RetryBudget(ratio ${RATIO}, floor ${floor}/window): ${r.dependencyCalls} dependency calls ` +
        `(bound ${bound}) over ${r.elapsed} virtual ms; ${r.budgetRefusals} calls ended with RetryBudgetExceededError`,
    );
    expect(r.dependencyCalls).toBeLessThanOrEqual(bound);
    // Every call's first attempt is deposited before any retry is asked for, so the budget
    // grants exactly its allowance: 0.1 × 1000 + 100 = 200 retries.
    expect(r.dependencyCalls).toBe(bound);
    expect(r.budgetRefusals + r.exhausted).toBe(CALLS);
    expect(r.budgetRefusals).toBe(CALLS); // granted retries fail again and are refused next time
    expect(r.metrics.totalAttempts).toBe(r.dependencyCalls);
    expect(r.pending).toBe(0);
  });

  it('a sustained storm (one call every 50 ms for 50 s) stays within 1,000 × (1 + 0.1) + the floor of every window it spans', async () => {
    const spacing = 50;
    const none = await storm(false, spacing);
    const r = await storm(true, spacing);
    const windows = Math.ceil(r.elapsed / WINDOW); // windows the storm's timeline touches
    const floor = (MIN_RETRIES_PER_SECOND * WINDOW) / 1000;
    const bound = CALLS * (1 + RATIO) + floor * windows;
    // What the sliding window proves for any timeline: each window's grants are within
    // ratio × (first attempts of that window and the one before) + floor, so at most
    // 2 × ratio × CALLS + floor × windows retries in all.
    const proven = CALLS * (1 + 2 * RATIO) + floor * windows;
    console.log(
      `[retry-storm] sustained (1 call / ${spacing} ms): no budget ${none.dependencyCalls} calls; ` +
        `RetryBudget ${r.dependencyCalls} calls over ${Math.round(r.elapsed)} virtual ms = ${windows} windows ` +
        `(bound ${CALLS} × 1.1 + ${floor} × ${windows} = ${bound}; proven ${proven})`,
    );
    expect(none.dependencyCalls).toBe(CALLS * MAX_ATTEMPTS);
    expect(r.dependencyCalls).toBeLessThanOrEqual(bound);
    expect(r.dependencyCalls).toBeLessThanOrEqual(proven);
    expect(r.pending).toBe(0);
  });
});
