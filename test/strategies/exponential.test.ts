import { describe, expect, it } from 'vitest';
import { EXPONENTIAL_DEFAULTS, ExponentialBackoffStrategy } from '../../src/strategies/exponential.js';

const r = (value: number) => () => value;

describe('ExponentialBackoffStrategy', () => {
  it('has the SPEC defaults, frozen', () => {
    expect(EXPONENTIAL_DEFAULTS).toEqual({
      maxAttempts: 3,
      baseDelay: 1000,
      multiplier: 2,
      maxDelay: 60_000,
      jitter: true,
      jitterType: 'full',
    });
    expect(Object.isFrozen(EXPONENTIAL_DEFAULTS)).toBe(true);
    const s = new ExponentialBackoffStrategy();
    expect(s.toOptions()).toMatchObject(EXPONENTIAL_DEFAULTS);
  });

  it('undefined option values keep the defaults', () => {
    const s = new ExponentialBackoffStrategy({ maxAttempts: undefined, baseDelay: undefined, jitterType: undefined });
    expect(s.maxAttempts).toBe(3);
    expect(s.baseDelay).toBe(1000);
    expect(s.jitterType).toBe('full');
  });

  it('reproduces the seed sequence 1000, 2000, 4000, 8000, 16000 with jitter off', () => {
    const s = new ExponentialBackoffStrategy({ baseDelay: 1000, multiplier: 2, jitter: false });
    expect([...s.delays({ count: 5 })]).toEqual([1000, 2000, 4000, 8000, 16000]);
    expect([1, 2, 3, 4, 5].map((n) => s.calculateDelay(n))).toEqual([1000, 2000, 4000, 8000, 16000]);
  });

  it('caps at maxDelay before jitter', () => {
    const s = new ExponentialBackoffStrategy({ baseDelay: 1000, maxDelay: 5000, jitter: false });
    expect([...s.delays({ count: 5 })]).toEqual([1000, 2000, 4000, 5000, 5000]);
    expect(s.calculateDelay(5)).toBe(16000); // the raw delay is not capped
    const full = new ExponentialBackoffStrategy({ maxDelay: 5000, random: r(0.5) });
    expect(full.getDelay(10)).toBe(2500);
  });

  it('a multiplier below 1 shrinks the delays towards 0', () => {
    const s = new ExponentialBackoffStrategy({ baseDelay: 1000, multiplier: 0.5, jitter: false });
    expect([...s.delays({ count: 3 })]).toEqual([1000, 500, 250]);
    expect(s.getDelay(10_000)).toBe(0);
  });

  it('raw delays saturate instead of overflowing, and baseDelay 0 never makes NaN', () => {
    const s = new ExponentialBackoffStrategy({ jitter: false });
    expect(s.calculateDelay(10_000)).toBe(Number.MAX_VALUE);
    expect(s.getDelay(10_000)).toBe(60_000);
    const zero = new ExponentialBackoffStrategy({ baseDelay: 0, multiplier: 10 });
    expect(zero.calculateDelay(10_000)).toBe(0);
    expect(zero.getDelay(10_000)).toBe(0);
  });

  it('shouldRetry is attempt < maxAttempts (maxAttempts counts the first call)', () => {
    const s = new ExponentialBackoffStrategy({ maxAttempts: 3 });
    expect([1, 2, 3, 4].map((n) => s.shouldRetry(n, new Error('x')))).toEqual([true, true, false, false]);
  });

  it('delays() defaults to maxAttempts - 1 delays', () => {
    const s = new ExponentialBackoffStrategy({ maxAttempts: 4, jitter: false });
    expect([...s.delays()]).toEqual([1000, 2000, 4000]);
    expect([...new ExponentialBackoffStrategy({ maxAttempts: 1 }).delays()]).toEqual([]);
  });

  it('delays() chains each delay as the next previousDelay unless chain is false', () => {
    const s = new ExponentialBackoffStrategy({ jitterType: 'decorrelated', random: r(0.5), maxDelay: 1e9 });
    // base + 0.5 * (3 * prev - base), prev starting at base (1000)
    expect([...s.delays({ count: 3 })]).toEqual([2000, 3500, 5750]);
    expect([...s.delays({ count: 3, chain: false })]).toEqual([2000, 2000, 2000]);
  });

  it('delays() is lazy and may be infinite', () => {
    const it = new ExponentialBackoffStrategy({ jitter: false }).delays({ count: Infinity });
    const first = Array.from({ length: 8 }, () => it.next().value);
    expect(first).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
  });

  it('with() derives a new strategy and leaves the original unchanged', () => {
    const a = new ExponentialBackoffStrategy({ baseDelay: 100, jitter: false });
    const b = a.with({ multiplier: 3, maxAttempts: 6, baseDelay: undefined });
    expect(b).not.toBe(a);
    expect(b).toBeInstanceOf(ExponentialBackoffStrategy);
    expect(a.toOptions()).toMatchObject({ baseDelay: 100, multiplier: 2, maxAttempts: 3 });
    expect(b.toOptions()).toMatchObject({ baseDelay: 100, multiplier: 3, maxAttempts: 6, jitter: false });
  });

  it('with() keeps the injected random source', () => {
    const a = new ExponentialBackoffStrategy({ random: r(0.25) });
    expect(a.with({ maxAttempts: 9 }).getDelay(1)).toBe(250);
  });

  it('with() preserves a subclass', () => {
    class OnlyTypeErrors extends ExponentialBackoffStrategy {
      override shouldRetry(attempt: number, error: unknown): boolean {
        return error instanceof TypeError && super.shouldRetry(attempt, error);
      }
    }
    const derived = new OnlyTypeErrors().with({ maxAttempts: 5 });
    expect(derived).toBeInstanceOf(OnlyTypeErrors);
    expect(derived.shouldRetry(1, new Error('x'))).toBe(false);
  });

  it('withOverrides() maps the wrapper overrides and does not mutate', () => {
    const a = new ExponentialBackoffStrategy({ jitter: false });
    const b = a.withOverrides({ maxAttempts: 4, baseDelay: 10, multiplier: 10, maxDelay: 500 });
    expect([...b.delays()]).toEqual([10, 100, 500]);
    expect(a.toOptions()).toMatchObject({ ...EXPONENTIAL_DEFAULTS, jitter: false });
    expect(a.withOverrides({}).toOptions()).toEqual(a.toOptions());
  });

  it('instances are frozen values', () => {
    const s = new ExponentialBackoffStrategy();
    expect(Object.isFrozen(s)).toBe(true);
    expect(() => {
      (s as { maxAttempts: number }).maxAttempts = 10;
    }).toThrow(TypeError);
  });

  it('Math.random is looked up at call time when no random is injected', () => {
    const original = Math.random;
    const s = new ExponentialBackoffStrategy();
    Math.random = () => 0.5;
    try {
      expect(s.getDelay(1)).toBe(500);
    } finally {
      Math.random = original;
    }
  });
});
