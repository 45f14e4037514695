/**
 * `retryAsync` reuses the plan of the previous call whose options hold the same plain values
 * (src/core/options.ts, `compileCall`). Reuse must never change what a call does: these tests
 * alternate options, reassign policy fields between calls, and bring bad input after good.
 */
import { describe, expect, it } from 'vitest';
import { compileCall } from '../../src/core/options.js';
import { retryAsync } from '../../src/core/retry-async.js';
import { MaxRetriesExceededError } from '../../src/errors/library-errors.js';
import { DefaultRetryPolicy, QuickRetryPolicy } from '../../src/policies/presets.js';
import { RetryPolicy } from '../../src/policies/retry-policy.js';

const failing = (counter: { n: number }) => () => {
  counter.n++;
  throw new Error('flaky');
};

describe('the plan memo of retryAsync', () => {
  it('reuses a plan for equal plain values, and only for them', () => {
    const policy = new QuickRetryPolicy();
    const a = compileCall({ policy, maxAttempts: 3, delay: 0 });
    expect(compileCall({ policy, maxAttempts: 3, delay: 0 })).toBe(a);
    expect(compileCall({ policy, maxAttempts: 4, delay: 0 })).not.toBe(a);
    expect(compileCall({ policy, maxAttempts: 4, delay: 0 }).maxAttempts).toBe(4);
    // a call that brings an object of its own is compiled afresh (and not remembered)
    const signal = new AbortController().signal;
    const withSignal = compileCall({ policy, maxAttempts: 4, delay: 0, signal });
    expect(withSignal.signal).toBe(signal);
    expect(compileCall({ policy, maxAttempts: 4, delay: 0 }).signal).toBeUndefined();
  });

  it('alternating options give each call its own attempts', async () => {
    const policy = new RetryPolicy();
    for (const maxAttempts of [2, 5, 2, 3, 5]) {
      const counter = { n: 0 };
      const error = await retryAsync(failing(counter), { policy, maxAttempts, delay: 0 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MaxRetriesExceededError);
      expect(counter.n).toBe(maxAttempts);
    }
  });

  it("sees a policy's fields reassigned between calls (JavaScript callers can)", async () => {
    const policy = new RetryPolicy({ timeout: 60_000 });
    expect(compileCall({ policy }).timeout).toBe(60_000);
    (policy as unknown as { timeout: number }).timeout = 5;
    expect(compileCall({ policy }).timeout).toBe(5);
    (policy as unknown as { retryCondition: () => boolean }).retryCondition = () => false;
    const counter = { n: 0 };
    await expect(retryAsync(failing(counter), { policy, delay: 0 })).rejects.toThrow('flaky');
    expect(counter.n).toBe(1);
  });

  it('still rejects bad input after good input with the same shape', () => {
    const policy = new DefaultRetryPolicy();
    expect(() => compileCall({ policy, maxAttempts: 3 })).not.toThrow();
    expect(() => compileCall({ policy, maxAttempts: 0 })).toThrow(RangeError);
    expect(() => compileCall({ policy, maxAttempts: Number.NaN })).toThrow(/maxAttempts/);
    expect(() => compileCall({ policy, maxAttempts: 3, maxAttempt: 3 } as never)).toThrow(/unknown option `maxAttempt`/);
    expect(() => compileCall({ policy: 5 } as never)).toThrow(/`policy` must be a RetryPolicy/);
    expect(() => compileCall(null as never)).toThrow(/options must be an object/);
  });

  it('the default policy (no `policy`) is memoised like any other', () => {
    const a = compileCall({ maxAttempts: 3 });
    expect(compileCall({ maxAttempts: 3 })).toBe(a);
    expect(compileCall(undefined)).toBe(compileCall({}));
    expect(a.policy).toBeInstanceOf(DefaultRetryPolicy);
  });
});
