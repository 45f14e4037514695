import { describe, expect, it } from 'vitest';
import { ADAPTIVE_DEFAULTS, AdaptiveStrategy } from '../../src/strategies/adaptive.js';

const record = (s: AdaptiveStrategy, successes: number, failures: number) => {
  for (let i = 0; i < successes; i++) s.recordOutcome(true);
  for (let i = 0; i < failures; i++) s.recordOutcome(false);
};
const noJitter = (o: ConstructorParameters<typeof AdaptiveStrategy>[0] = {}) =>
  new AdaptiveStrategy({ jitter: false, ...o });
const raw = (s: AdaptiveStrategy) => [1, 2, 3, 4].map((n) => s.calculateDelay(n));

describe('AdaptiveStrategy', () => {
  it('has the SPEC defaults, frozen', () => {
    expect(ADAPTIVE_DEFAULTS).toEqual({
      maxAttempts: 5,
      baseDelay: 1000,
      maxDelay: 60_000,
      successThreshold: 0.8,
      adaptationWindow: 100,
      minSamples: 10,
      jitter: true,
      jitterType: 'full',
    });
    expect(Object.isFrozen(ADAPTIVE_DEFAULTS)).toBe(true);
    expect(new AdaptiveStrategy().toOptions()).toMatchObject(ADAPTIVE_DEFAULTS);
  });

  it('with fewer than minSamples outcomes the multiplier is 2^(n-1) (conservative)', () => {
    const s = noJitter();
    record(s, 0, 9);
    expect(raw(s)).toEqual([1000, 2000, 4000, 8000]);
    expect(s.getStatistics().adaptationActive).toBe(false);
  });

  it('a success rate below successThreshold gives 3^(n-1) (aggressive)', () => {
    const s = noJitter();
    record(s, 7, 3); // 0.7 < 0.8
    expect(raw(s)).toEqual([1000, 3000, 9000, 27000]);
  });

  it('a success rate above 0.95 gives 1 + 0.5*(n-1) (minimal)', () => {
    const s = noJitter();
    record(s, 10, 0);
    expect(raw(s)).toEqual([1000, 1500, 2000, 2500]);
  });

  it('a rate between successThreshold and 0.95 gives 1.5^(n-1)', () => {
    const s = noJitter();
    record(s, 9, 1); // 0.9
    expect(raw(s)).toEqual([1000, 1500, 2250, 3375]);
    const atThreshold = noJitter();
    record(atThreshold, 8, 2); // exactly 0.8 is not below the threshold
    expect(atThreshold.calculateDelay(3)).toBe(2250);
    const at95 = noJitter({ minSamples: 20 });
    record(at95, 19, 1); // exactly 0.95 is not above 0.95
    expect(at95.calculateDelay(3)).toBe(2250);
  });

  it('getDelay caps the adaptive delay at maxDelay', () => {
    const s = noJitter({ maxDelay: 20_000 });
    record(s, 0, 10);
    expect(s.getDelay(4)).toBe(20_000);
    expect(s.getDelay(10_000)).toBe(20_000);
  });

  it('the window slides: only the last adaptationWindow outcomes count', () => {
    const s = noJitter({ adaptationWindow: 4, minSamples: 2 });
    record(s, 4, 0);
    expect(s.getSuccessRate()).toBe(1);
    s.recordOutcome(false);
    expect(s.getStatistics()).toEqual({
      totalAttempts: 4,
      successfulAttempts: 3,
      successRate: 0.75,
      windowSize: 4,
      adaptationActive: true,
    });
    record(s, 0, 3);
    expect(s.getSuccessRate()).toBe(0);
    record(s, 2, 0);
    expect(s.getSuccessRate()).toBe(0.5);
    for (let i = 0; i < 1000; i++) s.recordOutcome(i % 4 !== 0);
    expect(s.getStatistics()).toMatchObject({ totalAttempts: 4, successfulAttempts: 3 });
  });

  it('getSuccessRate() is 1 when empty and statistics are frozen snapshots', () => {
    const s = new AdaptiveStrategy();
    expect(s.getSuccessRate()).toBe(1);
    const stats = s.getStatistics();
    expect(stats).toEqual({
      totalAttempts: 0,
      successfulAttempts: 0,
      successRate: 1,
      windowSize: 100,
      adaptationActive: false,
    });
    expect(Object.isFrozen(stats)).toBe(true);
    s.recordOutcome(false);
    expect(stats.totalAttempts).toBe(0);
  });

  it('resetStatistics() empties the window', () => {
    const s = noJitter();
    record(s, 0, 50);
    s.resetStatistics();
    expect(s.getStatistics()).toMatchObject({ totalAttempts: 0, successfulAttempts: 0, successRate: 1 });
    expect(raw(s)).toEqual([1000, 2000, 4000, 8000]);
    record(s, 10, 0);
    expect(s.getSuccessRate()).toBe(1);
  });

  it('with() and withOverrides() share the statistics window but not the options', () => {
    const a = noJitter();
    const b = a.with({ maxAttempts: 2, baseDelay: 10 });
    const c = a.withOverrides({ maxDelay: 500 });
    record(b, 0, 10);
    expect(a.getStatistics().totalAttempts).toBe(10);
    expect(c.getSuccessRate()).toBe(0);
    expect(a.calculateDelay(2)).toBe(3000);
    expect(b.calculateDelay(2)).toBe(30);
    expect(a.toOptions()).toMatchObject({ maxAttempts: 5, baseDelay: 1000, maxDelay: 60_000 });
    c.resetStatistics();
    expect(a.getStatistics().totalAttempts).toBe(0);
  });

  it('with() can change minSamples or successThreshold but not adaptationWindow', () => {
    const a = noJitter();
    record(a, 5, 0);
    expect(a.with({ minSamples: 5 }).getStatistics().adaptationActive).toBe(true);
    expect(a.getStatistics().adaptationActive).toBe(false);
    expect(a.with({ adaptationWindow: 100 }).getStatistics().totalAttempts).toBe(5);
    expect(() => a.with({ adaptationWindow: 50 })).toThrow(RangeError);
  });

  it('a strategy built from toOptions() has its own, empty window', () => {
    const a = noJitter();
    record(a, 1, 1);
    const independent = new AdaptiveStrategy(a.toOptions());
    expect(independent.getStatistics().totalAttempts).toBe(0);
  });

  it('withOverrides() rejects a multiplier with a TypeError naming backoffMultiplier', () => {
    expect(() => new AdaptiveStrategy().withOverrides({ multiplier: 2 })).toThrow(
      new TypeError(
        '`backoffMultiplier` is not supported by AdaptiveStrategy (only ExponentialBackoffStrategy has a multiplier)',
      ),
    );
  });

  it('minSamples may not exceed adaptationWindow', () => {
    expect(() => new AdaptiveStrategy({ adaptationWindow: 5 })).toThrow(
      new RangeError('`minSamples` must be <= `adaptationWindow` (5), got 10'),
    );
  });

  it('a window of the largest size keeps exact counts', () => {
    const s = new AdaptiveStrategy({ adaptationWindow: 1_000_000 });
    for (let i = 0; i < 1_000_000; i++) s.recordOutcome(i % 10 !== 0);
    expect(s.getStatistics()).toMatchObject({ totalAttempts: 1_000_000, successfulAttempts: 900_000 });
  });
});
