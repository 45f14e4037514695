import { describe, expect, it } from 'vitest';
import { deadlineList } from '../../src/core/deadline.js';
import { retryAsync } from '../../src/core/retry-async.js';
import { VirtualClock } from '../../src/core/virtual-clock.js';
import { MaxRetriesExceededError, RetryTimeoutError } from '../../src/errors/library-errors.js';
import { RetryPolicy } from '../../src/policies/retry-policy.js';
import { FixedDelayStrategy } from '../../src/strategies/fixed.js';

// A total timeout and nothing else: the first attempt runs on the guarded path (no state machine
// until it fails), and a Call takes over the deadline after a failure.
const policy = new RetryPolicy({ strategy: new FixedDelayStrategy({ maxAttempts: 5, delay: 100 }), timeout: 1000 });

describe('the guarded first attempt (total timeout only)', () => {
  it('succeeds and leaves no deadline entry behind', async () => {
    const clock = new VirtualClock();
    await expect(retryAsync(async () => 'ok', { policy, clock })).resolves.toBe('ok');
    expect(deadlineList(clock, 1000).size).toBe(0);
  });

  it('a hanging first attempt rejects at the deadline, with its signal aborted', async () => {
    const clock = new VirtualClock();
    let signal: AbortSignal | undefined;
    const p = retryAsync(
      (ctx) => {
        signal = ctx.signal;
        return new Promise(() => {});
      },
      { policy, clock },
    );
    const caught = p.catch((e: unknown) => e);
    await clock.advance(999);
    expect(signal?.aborted).toBe(false);
    await clock.advance(1);
    const err = (await caught) as RetryTimeoutError;
    expect(err).toBeInstanceOf(RetryTimeoutError);
    expect(err.attempts).toBe(1);
    expect(signal?.reason).toBe(err);
    expect(clock.pending).toBe(0);
  });

  it('after a first failure the call keeps the original deadline (expiry during attempt 2)', async () => {
    const clock = new VirtualClock();
    const signals: AbortSignal[] = [];
    const p = retryAsync(
      (ctx) => {
        signals.push(ctx.signal);
        if (ctx.attempt === 1) return new Promise((_, reject) => clock.setTimeout(() => reject(new Error('first')), 500));
        return new Promise(() => {}); // attempt 2 hangs
      },
      { policy, clock },
    );
    const caught = p.catch((e: unknown) => e);
    await clock.advance(999);
    expect(signals.length).toBe(2); // failed at 500, waited 100, attempt 2 started at 600
    await clock.advance(1);
    const err = (await caught) as RetryTimeoutError;
    expect(err).toBeInstanceOf(RetryTimeoutError);
    expect(err.attempts).toBe(2);
    expect((err.lastError as Error).message).toBe('first');
    expect(signals[1]?.aborted).toBe(true);
    expect(deadlineList(clock, 1000).size).toBe(0);
  });

  it('the deadline rule counts from the first attempt’s start', async () => {
    const clock = new VirtualClock();
    let calls = 0;
    const p = retryAsync(
      () => {
        calls++;
        return new Promise((_, reject) => clock.setTimeout(() => reject(new Error('slow failure')), 450));
      },
      { policy, clock },
    );
    const caught = p.catch((e: unknown) => e);
    await clock.runAll();
    // 0–450 fail, wait 100, 550–1000 would end at the deadline: attempt 2 is cut by the deadline.
    const err = await caught;
    expect(err).toBeInstanceOf(RetryTimeoutError);
    expect(calls).toBe(2);
    expect(clock.now()).toBe(1000);
  });

  it('a synchronous throw hands over at once and exhausts attempts as usual', async () => {
    const clock = new VirtualClock();
    const p = retryAsync(
      () => {
        throw new Error('sync');
      },
      { policy: policy.with({ timeout: 100_000 }), clock },
    );
    const caught = p.catch((e: unknown) => e);
    await clock.runAll();
    const err = (await caught) as MaxRetriesExceededError;
    expect(err).toBeInstanceOf(MaxRetriesExceededError);
    expect(err.attempts).toBe(5);
    expect(deadlineList(clock, 100_000).size).toBe(0);
  });
});
