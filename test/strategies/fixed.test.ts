import { describe, expect, it } from 'vitest';
import { FIXED_DEFAULTS, FixedDelayStrategy } from '../../src/strategies/fixed.js';

describe('FixedDelayStrategy', () => {
  it('has the SPEC defaults, frozen (jitter off)', () => {
    expect(FIXED_DEFAULTS).toEqual({ maxAttempts: 3, delay: 1000, jitter: false, jitterType: 'full' });
    expect(Object.isFrozen(FIXED_DEFAULTS)).toBe(true);
    expect(new FixedDelayStrategy().toOptions()).toMatchObject(FIXED_DEFAULTS);
  });

  it('returns delay for every attempt, and maxDelay is delay', () => {
    const s = new FixedDelayStrategy({ delay: 60_000, maxAttempts: 4 });
    expect([...s.delays()]).toEqual([60_000, 60_000, 60_000]);
    expect(s.maxDelay).toBe(60_000);
    expect(s.getDelay(10_000)).toBe(60_000);
  });

  it('jitter can only shorten the wait', () => {
    const full = new FixedDelayStrategy({ delay: 1000, jitter: true, random: () => 0.5 });
    expect(full.getDelay(1)).toBe(500);
    const equal = full.with({ jitterType: 'equal' });
    expect(equal.getDelay(1)).toBe(750);
    const decorrelated = full.with({ jitterType: 'decorrelated', random: () => 0.999 });
    expect(decorrelated.getDelay(2, 1000)).toBe(1000);
    // only a previous delay below delay/3 brings decorrelated jitter under delay
    expect(decorrelated.with({ random: () => 0.5 }).getDelay(2, 0)).toBe(500);
  });

  it('withOverrides() maps baseDelay to delay and caps it at maxDelay', () => {
    const a = new FixedDelayStrategy({ delay: 5000 });
    expect(a.withOverrides({ baseDelay: 200 }).delay).toBe(200);
    expect(a.withOverrides({ maxDelay: 2000 }).delay).toBe(2000);
    expect(a.withOverrides({ maxDelay: 9000 }).delay).toBe(5000);
    expect(a.withOverrides({ baseDelay: 3000, maxDelay: 1000, maxAttempts: 7 }).toOptions()).toMatchObject({
      delay: 1000,
      maxAttempts: 7,
    });
    expect(a.delay).toBe(5000);
  });

  it('withOverrides() validates the values it maps', () => {
    const a = new FixedDelayStrategy();
    expect(() => a.withOverrides({ baseDelay: -1 })).toThrow('`baseDelay` must be a finite number >= 0, got -1');
    expect(() => a.withOverrides({ maxDelay: Number.NaN })).toThrow('`maxDelay` must be a finite number >= 0, got NaN');
  });

  it('withOverrides() rejects a multiplier with a TypeError naming backoffMultiplier', () => {
    expect(() => new FixedDelayStrategy().withOverrides({ multiplier: 2 })).toThrow(
      new TypeError(
        '`backoffMultiplier` is not supported by FixedDelayStrategy (only ExponentialBackoffStrategy has a multiplier)',
      ),
    );
  });

  it('with() derives without mutating', () => {
    const a = new FixedDelayStrategy();
    const b = a.with({ delay: 10 });
    expect(b.delay).toBe(10);
    expect(b.maxDelay).toBe(10);
    expect(a.delay).toBe(1000);
  });
});
