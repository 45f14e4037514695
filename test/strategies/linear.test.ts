import { describe, expect, it } from 'vitest';
import { LINEAR_DEFAULTS, LinearBackoffStrategy } from '../../src/strategies/linear.js';

describe('LinearBackoffStrategy', () => {
  it('has the SPEC defaults, frozen', () => {
    expect(LINEAR_DEFAULTS).toEqual({
      maxAttempts: 3,
      baseDelay: 1000,
      increment: 1000,
      maxDelay: 60_000,
      jitter: true,
      jitterType: 'full',
    });
    expect(Object.isFrozen(LINEAR_DEFAULTS)).toBe(true);
    expect(new LinearBackoffStrategy().toOptions()).toMatchObject(LINEAR_DEFAULTS);
  });

  it('reproduces the seed sequence 2000, 5000, 8000, 11000, 14000 with jitter off', () => {
    const s = new LinearBackoffStrategy({
      maxAttempts: 6,
      baseDelay: 2000,
      increment: 3000,
      maxDelay: 30_000,
      jitter: false,
    });
    expect([...s.delays()]).toEqual([2000, 5000, 8000, 11000, 14000]);
  });

  it('caps at maxDelay', () => {
    const s = new LinearBackoffStrategy({ baseDelay: 2000, increment: 3000, maxDelay: 9000, jitter: false });
    expect([...s.delays({ count: 5 })]).toEqual([2000, 5000, 8000, 9000, 9000]);
    expect(s.getDelay(10_000)).toBe(9000);
  });

  it('increment 0 gives a constant delay', () => {
    const s = new LinearBackoffStrategy({ baseDelay: 700, increment: 0, jitter: false });
    expect([...s.delays({ count: 3 })]).toEqual([700, 700, 700]);
  });

  it('huge increments saturate instead of overflowing', () => {
    const s = new LinearBackoffStrategy({ increment: Number.MAX_VALUE, maxDelay: 1e300, jitter: false });
    expect(s.calculateDelay(10_000)).toBe(Number.MAX_VALUE);
    expect(s.getDelay(10_000)).toBe(1e300);
  });

  it('with() derives without mutating', () => {
    const a = new LinearBackoffStrategy({ jitter: false });
    const b = a.with({ increment: 500 });
    expect([...b.delays()]).toEqual([1000, 1500]);
    expect(a.increment).toBe(1000);
  });

  it('withOverrides() applies maxAttempts, baseDelay and maxDelay', () => {
    const a = new LinearBackoffStrategy({ jitter: false });
    const b = a.withOverrides({ maxAttempts: 5, baseDelay: 100, maxDelay: 2500 });
    expect([...b.delays()]).toEqual([100, 1100, 2100, 2500]);
    expect(a.toOptions()).toMatchObject({ ...LINEAR_DEFAULTS, jitter: false });
  });

  it('withOverrides() rejects a multiplier with a TypeError naming backoffMultiplier', () => {
    expect(() => new LinearBackoffStrategy().withOverrides({ multiplier: 2 })).toThrow(
      new TypeError(
        '`backoffMultiplier` is not supported by LinearBackoffStrategy (only ExponentialBackoffStrategy has a multiplier)',
      ),
    );
  });
});
