import { describe, expect, it } from 'vitest';
import { ExponentialBackoffStrategy } from '../../src/strategies/exponential.js';
import { applyJitter } from '../../src/strategies/jitter.js';

const r = (value: number) => () => value;
const strategy = (jitterType: 'full' | 'equal' | 'decorrelated', random: number) =>
  new ExponentialBackoffStrategy({ jitterType, random: r(random) });

// Exponential defaults, attempt 3: capped delay d = 4000, base 1000, maxDelay 60000.
describe('jitter (AWS "Exponential Backoff And Jitter")', () => {
  it('full jitter is r * d', () => {
    expect(strategy('full', 0).getDelay(3)).toBe(0);
    expect(strategy('full', 0.5).getDelay(3)).toBe(2000);
    expect(strategy('full', 0.999).getDelay(3)).toBeCloseTo(3996, 9);
  });

  it('equal jitter is d/2 + r * d/2', () => {
    expect(strategy('equal', 0).getDelay(3)).toBe(2000);
    expect(strategy('equal', 0.5).getDelay(3)).toBe(3000);
    expect(strategy('equal', 0.999).getDelay(3)).toBeCloseTo(3998, 9);
  });

  it('decorrelated jitter without a previous delay is base + r * (3*base - base)', () => {
    expect(strategy('decorrelated', 0).getDelay(3)).toBe(1000);
    expect(strategy('decorrelated', 0.5).getDelay(3)).toBe(2000);
    expect(strategy('decorrelated', 0.999).getDelay(3)).toBeCloseTo(2998, 9);
  });

  it('decorrelated jitter grows from the previous delay: base + r * (3*prev - base)', () => {
    expect(strategy('decorrelated', 0).getDelay(3, 4000)).toBe(1000);
    expect(strategy('decorrelated', 0.5).getDelay(3, 4000)).toBe(6500);
    expect(strategy('decorrelated', 0.999).getDelay(3, 4000)).toBeCloseTo(11989, 9);
  });

  it('decorrelated jitter is capped at maxDelay, even when prev is larger than maxDelay', () => {
    expect(strategy('decorrelated', 0.999).getDelay(3, 50_000)).toBe(60_000);
    expect(strategy('decorrelated', 0.5).getDelay(3, 1e9)).toBe(60_000);
    expect(strategy('decorrelated', 0).getDelay(3, Number.MAX_VALUE)).toBe(1000);
    expect(strategy('decorrelated', 0.5).getDelay(3, Infinity)).toBe(60_000);
  });

  it('a missing, negative or NaN previous delay counts as base', () => {
    for (const prev of [undefined, -5, Number.NaN]) {
      expect(strategy('decorrelated', 0.5).getDelay(2, prev)).toBe(2000);
    }
  });

  it('jitter off returns the capped delay and never calls random', () => {
    let calls = 0;
    const s = new ExponentialBackoffStrategy({ jitter: false, random: () => (calls++, 0.5) });
    expect(s.getDelay(3)).toBe(4000);
    expect(calls).toBe(0);
  });

  it('jitter calls random exactly once per delay', () => {
    let calls = 0;
    const s = new ExponentialBackoffStrategy({ jitterType: 'equal', random: () => (calls++, 0.5) });
    s.getDelay(1);
    s.getDelay(2, 1000);
    expect(calls).toBe(2);
  });

  it('an out-of-range random() is clamped into [0, 1]', () => {
    expect(strategy('full', -3).getDelay(3)).toBe(0);
    expect(strategy('full', 7).getDelay(3)).toBe(4000);
    expect(strategy('full', Number.NaN).getDelay(3)).toBe(0);
    expect(strategy('equal', Infinity).getDelay(3)).toBe(4000);
    expect(strategy('decorrelated', 2).getDelay(3, 1000)).toBe(3000);
  });

  it('applyJitter is the shared formula', () => {
    expect(applyJitter('equal', 8000, r(0.5), 1000, undefined, 60_000)).toBe(6000);
    expect(applyJitter('full', 8000, r(0.25), 1000, undefined, 60_000)).toBe(2000);
    expect(applyJitter('decorrelated', 8000, r(1), 1000, 100_000, 60_000)).toBe(60_000);
  });
});

describe('applyJitter called directly (found by review)', () => {
  it('an unknown jitter type is a TypeError naming it', () => {
    for (const type of ['none', 'Full', undefined]) {
      expect(() => applyJitter(type as never, 1000, () => 0.5, 100, undefined, 60_000)).toThrow(/`jitterType` must be/);
    }
  });

  it('stays in [0, maxDelay] whatever `capped` is', () => {
    for (const type of ['full', 'equal', 'decorrelated'] as const) {
      for (const capped of [5000, Number.POSITIVE_INFINITY, -10, Number.NaN]) {
        for (const r of [0, 0.5, 0.999]) {
          const d = applyJitter(type, capped, () => r, 100, undefined, 1000);
          expect(d, `${type} ${capped} ${r}`).toBeGreaterThanOrEqual(0);
          expect(d, `${type} ${capped} ${r}`).toBeLessThanOrEqual(1000);
        }
      }
    }
  });
});
