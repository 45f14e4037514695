import { describe, expect, it, vi } from 'vitest';
import { retryAsync } from '../../src/core/retry-async.js';
import { VirtualClock, flush } from '../../src/core/virtual-clock.js';
import {
  CircuitOpenError,
  MaxRetriesExceededError,
  RetryBudgetExceededError,
  RetryTimeoutError,
} from '../../src/errors/library-errors.js';
import { HTTPError, NonRetryableError, RequestTimeoutError, ValidationError } from '../../src/errors/vocabulary.js';
import { RetryPolicy } from '../../src/policies/retry-policy.js';
import { ExponentialBackoffStrategy } from '../../src/strategies/exponential.js';
import { FixedDelayStrategy } from '../../src/strategies/fixed.js';
import { LinearBackoffStrategy } from '../../src/strategies/linear.js';
import { RecordingClock, flaky } from '../helpers/recording-clock.js';

const noJitter = new RetryPolicy({
  strategy: new ExponentialBackoffStrategy({ maxAttempts: 3, baseDelay: 1000, jitter: false }),
});

describe('retryAsync: attempts and delays', () => {
  it('returns the first success without any timer', async () => {
    const clock = new RecordingClock();
    await expect(retryAsync(async () => 42, { clock, policy: noJitter })).resolves.toBe(42);
    expect(clock.delays).toEqual([]);
  });

  it('accepts a synchronous function and a synchronous result', async () => {
    await expect(retryAsync(() => 'sync', { policy: noJitter })).resolves.toBe('sync');
  });

  it('maxAttempts counts the first call', async () => {
    const clock = new RecordingClock();
    const fn = flaky(10, 'x');
    const p = retryAsync(fn, { clock, policy: noJitter, maxAttempts: 3 });
    const check = expect(p).rejects.toBeInstanceOf(MaxRetriesExceededError);
    await clock.runAll();
    await check;
    expect(fn.calls).toBe(3);
  });

  it('waits the strategy delays between attempts (exponential, no jitter)', async () => {
    const clock = new RecordingClock();
    const fn = flaky(4, 'ok');
    const p = retryAsync(fn, { clock, policy: noJitter, maxAttempts: 5 });
    await clock.runAll();
    await expect(p).resolves.toBe('ok');
    expect(clock.delays).toEqual([1000, 2000, 4000, 8000]);
  });

  it('applies delay/backoffMultiplier/maxDelay overrides to a derived strategy', async () => {
    const clock = new RecordingClock();
    const strategy = new ExponentialBackoffStrategy({ maxAttempts: 5, jitter: false });
    const policy = new RetryPolicy({ strategy });
    const p = retryAsync(flaky(4, 1), { clock, policy, delay: 10, backoffMultiplier: 3, maxDelay: 100 });
    await clock.runAll();
    await p;
    expect(clock.delays).toEqual([10, 30, 90, 100]);
    expect(strategy.baseDelay).toBe(1000); // never mutated
  });

  it('rejects backoffMultiplier on a non-exponential strategy at call time', () => {
    expect(() => retryAsync(async () => 1, { strategy: new LinearBackoffStrategy(), backoffMultiplier: 2 })).toThrow(TypeError);
  });

  it('MaxRetriesExceededError carries attempts, lastError, errors and cause', async () => {
    const clock = new VirtualClock();
    let i = 0;
    const p = retryAsync(
      async () => {
        throw new Error(`e${++i}`);
      },
      { clock, policy: noJitter },
    );
    const caught = p.catch((e: unknown) => e);
    await clock.runAll();
    const err = (await caught) as MaxRetriesExceededError;
    expect(err).toBeInstanceOf(MaxRetriesExceededError);
    expect(err.name).toBe('MaxRetriesExceededError');
    expect(err.maxAttempts).toBe(3);
    expect(err.attempts).toBe(3);
    expect((err.lastError as Error).message).toBe('e3');
    expect(err.cause).toBe(err.lastError);
    expect(err.errors.map((e) => (e as Error).message)).toEqual(['e1', 'e2', 'e3']);
  });

  it('a sync throw is a failure like a rejection', async () => {
    let calls = 0;
    const p = retryAsync(
      () => {
        if (++calls < 3) throw new Error('sync');
        return 'done';
      },
      { policy: noJitter, delay: 0 },
    );
    await expect(p).resolves.toBe('done');
    expect(calls).toBe(3);
  });

  it('zero-delay retries use no timer', async () => {
    const clock = new RecordingClock();
    const fn = flaky(2, 'ok');
    await expect(retryAsync(fn, { clock, policy: noJitter, delay: 0 })).resolves.toBe('ok');
    expect(clock.delays).toEqual([]);
  });

  it('many synchronous zero-delay failures do not grow the stack', async () => {
    let calls = 0;
    const p = retryAsync(
      () => {
        if (++calls < 50_000) throw new Error('x');
        return calls;
      },
      { policy: noJitter, delay: 0, maxAttempts: 50_000 },
    );
    await expect(p).resolves.toBe(50_000);
  });

  it('passes attempt numbers to fn', async () => {
    const seen: number[] = [];
    await retryAsync(
      ({ attempt }) => {
        seen.push(attempt);
        if (attempt < 3) throw new Error('x');
        return attempt;
      },
      { policy: noJitter, delay: 0 },
    );
    expect(seen).toEqual([1, 2, 3]);
  });
});

describe('retryAsync: classification (decision order step 3)', () => {
  it('re-throws a non-retryable error unchanged, at once', async () => {
    const error = new ValidationError('bad');
    const fn = vi.fn(async () => {
      throw error;
    });
    await expect(retryAsync(fn)).rejects.toBe(error);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('the default policy does not retry programming errors or NonRetryableError', async () => {
    for (const error of [new TypeError('x'), new NonRetryableError('stop', { cause: new Error('c') })]) {
      const fn = vi.fn(async () => {
        throw error;
      });
      await expect(retryAsync(fn)).rejects.toBe(error);
      expect(fn).toHaveBeenCalledTimes(1);
    }
  });

  it('exceptions: retryable iff matching one (class or predicate)', async () => {
    class Transient extends Error {}
    const clock = new VirtualClock();
    const fn = flaky(1, 'ok', () => new Transient());
    const p = retryAsync(fn, { clock, policy: noJitter, exceptions: Transient });
    await clock.runAll();
    await expect(p).resolves.toBe('ok');
    const other = new Error('other');
    await expect(retryAsync(async () => { throw other; }, { exceptions: [Transient, (e) => e === 1] })).rejects.toBe(other);
  });

  it('retryCondition alone decides, over exceptions and the lists', async () => {
    const clock = new VirtualClock();
    const fn = flaky(2, 'ok', () => new ValidationError('normally permanent'));
    const cond = vi.fn(() => true);
    const p = retryAsync(fn, { clock, policy: noJitter, retryCondition: cond, exceptions: [] });
    await clock.runAll();
    await expect(p).resolves.toBe('ok');
    expect(cond).toHaveBeenCalledTimes(2);
    const [, attempt] = cond.mock.calls[0] as unknown as [unknown, { number: number; maxAttempts: number }];
    expect(attempt.number).toBe(1);
    expect(Object.isFrozen(attempt)).toBe(true);
  });

  it('a throwing retryCondition means "do not retry"', async () => {
    const err = new Error('x');
    await expect(
      retryAsync(async () => { throw err; }, { retryCondition: () => { throw new Error('oops'); } }),
    ).rejects.toBe(err);
  });

  it('nonRetryableErrors wins over retryableErrors', async () => {
    class A extends Error {}
    const policy = new RetryPolicy({ retryableErrors: [A], nonRetryableErrors: [(e) => (e as Error).message === 'no'] });
    const e = new A('no');
    await expect(retryAsync(async () => { throw e; }, { policy })).rejects.toBe(e);
  });

  it('a CircuitOpenError thrown by fn ends the loop at once', async () => {
    const e = new CircuitOpenError({ retryAfter: 5 });
    const fn = vi.fn(async () => { throw e; });
    await expect(retryAsync(fn, { retryCondition: () => true })).rejects.toBe(e);
    expect(fn).toHaveBeenCalledTimes(1);
  });
});

describe('retryAsync: timeouts', () => {
  it('never starts a wait that would end past the total timeout', async () => {
    const clock = new RecordingClock();
    const fn = vi.fn(async () => {
      throw new Error('x');
    });
    const p = retryAsync(fn, { clock, policy: noJitter, maxAttempts: 10, timeout: 2500 });
    const caught = p.catch((e: unknown) => e);
    await clock.advance(1000); // first wait (1000) fits, second (2000) would end at 3000 > 2500
    const err = (await caught) as RetryTimeoutError;
    expect(err).toBeInstanceOf(RetryTimeoutError);
    expect(err.timeout).toBe(2500);
    expect(err.attempts).toBe(2);
    expect(clock.now()).toBe(1000);
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('rejects at once when the total timeout expires during an attempt, and aborts its signal', async () => {
    const clock = new VirtualClock();
    let seen: AbortSignal | undefined;
    const p = retryAsync(
      ({ signal }) => {
        seen = signal;
        return new Promise(() => {});
      },
      { clock, timeout: 500 },
    );
    const caught = p.catch((e: unknown) => e);
    await clock.advance(500);
    const err = await caught;
    expect(err).toBeInstanceOf(RetryTimeoutError);
    expect(seen?.aborted).toBe(true);
    expect(seen?.reason).toBe(err);
    expect(clock.pending).toBe(0);
  });

  it('attemptTimeout fails a slow attempt with RequestTimeoutError, aborts it, and retries', async () => {
    const clock = new VirtualClock();
    const signals: AbortSignal[] = [];
    const p = retryAsync(
      ({ attempt, signal }) => {
        signals.push(signal);
        return attempt === 1 ? new Promise(() => {}) : 'second';
      },
      { clock, policy: noJitter, attemptTimeout: 100 },
    );
    await clock.runAll();
    await expect(p).resolves.toBe('second');
    expect(signals[0]?.aborted).toBe(true);
    expect(signals[0]?.reason).toBeInstanceOf(RequestTimeoutError);
    expect(signals[1]?.aborted).toBe(false);
  });

  it('a late result of a timed-out attempt is ignored', async () => {
    const clock = new VirtualClock();
    let release: (v: string) => void = () => {};
    const p = retryAsync(
      ({ attempt }) => (attempt === 1 ? new Promise<string>((r) => { release = r; }) : Promise.reject(new Error('2'))),
      { clock, policy: noJitter, maxAttempts: 2, attemptTimeout: 100 },
    );
    const caught = p.catch((e: unknown) => e);
    await clock.advance(100);
    release('late');
    await clock.runAll();
    expect(await caught).toBeInstanceOf(MaxRetriesExceededError);
  });

  it('timeout: Infinity means no deadline', async () => {
    const clock = new RecordingClock();
    await expect(retryAsync(async () => 1, { clock, timeout: Infinity })).resolves.toBe(1);
    expect(clock.pending).toBe(0);
  });
});

describe('retryAsync: cancellation', () => {
  it('an already aborted signal rejects with its reason and never calls fn', async () => {
    const reason = new Error('stop');
    const fn = vi.fn(async () => 1);
    await expect(retryAsync(fn, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(fn).not.toHaveBeenCalled();
  });

  it('abort during a wait ends the wait, rejects with the reason, starts no further attempt', async () => {
    const clock = new VirtualClock();
    const ac = new AbortController();
    const fn = vi.fn(async () => { throw new Error('x'); });
    const p = retryAsync(fn, { clock, policy: noJitter, signal: ac.signal });
    const caught = p.catch((e: unknown) => e);
    await clock.advance(10);
    ac.abort('bye');
    expect(await caught).toBe('bye');
    expect(clock.pending).toBe(0);
    await clock.runAll();
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('abort during an attempt aborts ctx.signal and rejects at once', async () => {
    const ac = new AbortController();
    let seen: AbortSignal | undefined;
    const p = retryAsync(({ signal }) => { seen = signal; return new Promise(() => {}); }, { signal: ac.signal });
    const caught = p.catch((e: unknown) => e);
    await flush();
    ac.abort(new Error('cancel'));
    expect(((await caught) as Error).message).toBe('cancel');
    expect(seen?.aborted).toBe(true);
  });

  it('removes its abort listener when the call settles', async () => {
    const ac = new AbortController();
    const add = vi.spyOn(ac.signal, 'addEventListener');
    const remove = vi.spyOn(ac.signal, 'removeEventListener');
    await retryAsync(async () => 1, { signal: ac.signal });
    expect(add).toHaveBeenCalledTimes(1);
    expect(remove).toHaveBeenCalledTimes(1);
    expect(remove.mock.calls[0]?.[1]).toBe(add.mock.calls[0]?.[1]);
  });
});

describe('retryAsync: Retry-After', () => {
  it('waits max(strategy delay, retryAfter) and does not jitter it', async () => {
    const clock = new RecordingClock();
    const fn = flaky(1, 'ok', () => new HTTPError(503, 'busy', { retryAfter: 5000 }));
    const p = retryAsync(fn, { clock, policy: noJitter });
    await clock.runAll();
    await expect(p).resolves.toBe('ok');
    expect(clock.delays).toEqual([5000]);
  });

  it('a Retry-After past the deadline rejects with RetryTimeoutError at once', async () => {
    const clock = new RecordingClock();
    const fn = vi.fn(async () => { throw new HTTPError(429, 'slow down', { retryAfter: 60_000 }); });
    const p = retryAsync(fn, { clock, policy: noJitter, timeout: 10_000 });
    await expect(p).rejects.toBeInstanceOf(RetryTimeoutError);
    expect(clock.delays).not.toContain(60_000);
    expect(clock.now()).toBe(0);
  });
});

describe('retryAsync: hooks never break the call', () => {
  it('onRetry is awaited before the wait and gets the failed attempt', async () => {
    const clock = new RecordingClock();
    const order: string[] = [];
    const p = retryAsync(flaky(1, 'ok'), {
      clock,
      policy: noJitter,
      onRetry: async (a) => {
        order.push(`onRetry ${a.number} next ${a.nextDelay}`);
        await new Promise((r) => setImmediate(r));
        order.push(`timers ${clock.pending}`);
      },
    });
    await clock.runAll();
    await p;
    expect(order).toEqual(['onRetry 1 next 1000', 'timers 0']);
  });

  it('throwing or rejecting hooks and handlers do not change the outcome', async () => {
    const clock = new VirtualClock();
    const boom = () => { throw new Error('hook'); };
    const p = retryAsync(flaky(1, 'ok'), {
      clock,
      policy: noJitter,
      onRetry: async () => { throw new Error('async hook'); },
      eventHandler: { onRetryStart: boom, onRetryFailure: boom, onRetrySuccess: boom },
      metrics: { recordFailure: boom, recordCall: boom },
    });
    await clock.runAll();
    await expect(p).resolves.toBe('ok');
  });

  it('event order: start, failure, start, success', async () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    const handler = {
      onRetryStart: (a: { number: number }) => log.push(`start ${a.number}`),
      onRetryFailure: (a: { number: number; nextDelay: number }) => log.push(`failure ${a.number} ${a.nextDelay}`),
      onRetrySuccess: (a: { number: number }) => log.push(`success ${a.number}`),
      onMaxRetriesExceeded: (a: { number: number }) => log.push(`exceeded ${a.number}`),
    };
    const p = retryAsync(flaky(1, 'ok'), { clock, policy: noJitter, eventHandler: handler });
    await clock.runAll();
    await p;
    expect(log).toEqual(['start 1', 'failure 1 1000', 'start 2', 'success 2']);
    log.length = 0;
    const q = retryAsync(flaky(9, 'ok'), { clock, policy: noJitter, maxAttempts: 2, eventHandler: handler });
    const caught = q.catch(() => undefined);
    await clock.runAll();
    await caught;
    expect(log).toEqual(['start 1', 'failure 1 1000', 'start 2', 'failure 2 0', 'exceeded 2']);
  });
});

describe('retryAsync: breaker and budget seams', () => {
  it('each attempt runs through the breaker; a refused attempt ends the loop with CircuitOpenError', async () => {
    const clock = new VirtualClock();
    const outcomes: string[] = [];
    let admit = 2;
    const breaker = {
      acquirePermit() {
        if (admit-- <= 0) throw new CircuitOpenError({ retryAfter: 1000 });
        return 'permit';
      },
      onSuccess: () => outcomes.push('ok'),
      onFailure: (_p: unknown, e: unknown) => outcomes.push(`fail ${(e as Error).message}`),
    };
    const fn = vi.fn(async () => { throw new Error('down'); });
    const p = retryAsync(fn, { clock, policy: noJitter, maxAttempts: 5, circuitBreaker: breaker });
    const caught = p.catch((e: unknown) => e);
    await clock.runAll();
    expect(await caught).toBeInstanceOf(CircuitOpenError);
    expect(fn).toHaveBeenCalledTimes(2);
    expect(outcomes).toEqual(['fail down', 'fail down']);
  });

  it('policy.circuitBreaker assigned after construction is used', async () => {
    const policy = new RetryPolicy({ strategy: new FixedDelayStrategy({ delay: 0 }) });
    const acquirePermit = vi.fn(() => undefined);
    policy.circuitBreaker = { acquirePermit, onSuccess() {}, onFailure() {} };
    await retryAsync(async () => 1, { policy });
    expect(acquirePermit).toHaveBeenCalledTimes(1);
  });

  it('a refusing budget rejects with RetryBudgetExceededError carrying the last error', async () => {
    const error = new Error('x');
    const budget = { recordFirstAttempt: vi.fn(), tryAcquireRetry: () => false };
    const p = retryAsync(async () => { throw error; }, { policy: noJitter, budget });
    const err = (await p.catch((e: unknown) => e)) as RetryBudgetExceededError;
    expect(err).toBeInstanceOf(RetryBudgetExceededError);
    expect(err.lastError).toBe(error);
    expect(budget.recordFirstAttempt).toHaveBeenCalledTimes(1);
  });

  it('feeds the adaptive strategy one outcome per attempt', async () => {
    const recordOutcome = vi.fn();
    const base = new FixedDelayStrategy({ delay: 0, maxAttempts: 3 });
    const strategy = {
      maxAttempts: 3,
      calculateDelay: (n: number) => base.calculateDelay(n),
      getDelay: (n: number) => base.getDelay(n),
      shouldRetry: (n: number) => n < 3,
      recordOutcome,
    };
    await retryAsync(flaky(2, 1), { strategy });
    expect(recordOutcome.mock.calls.map((c) => c[0])).toEqual([false, false, true]);
  });
});

describe('retryAsync: bad input fails fast', () => {
  it.each([
    [{ maxAttempts: 0 }, RangeError, /`maxAttempts`.*got 0/],
    [{ maxAttempts: 1.5 }, RangeError, /maxAttempts/],
    [{ maxAttempts: '3' }, TypeError, /`maxAttempts`.*got "3"/],
    [{ delay: -1 }, RangeError, /`delay`.*got -1/],
    [{ delay: Number.NaN }, RangeError, /`delay`.*got NaN/],
    [{ backoffMultiplier: 0 }, RangeError, /backoffMultiplier/],
    [{ maxDelay: Infinity }, RangeError, /maxDelay/],
    [{ timeout: -5 }, RangeError, /`timeout`.*got -5/],
    [{ attemptTimeout: 0 }, RangeError, /attemptTimeout/],
    [{ onRetry: 'x' }, TypeError, /onRetry/],
    [{ maxAttempt: 3 }, TypeError, /unknown option `maxAttempt`/],
    [{ policy: {} }, TypeError, /policy/],
  ])('%o throws', (options, type, message) => {
    expect(() => retryAsync(async () => 1, options as never)).toThrow(type);
    expect(() => retryAsync(async () => 1, options as never)).toThrow(message);
  });
});
