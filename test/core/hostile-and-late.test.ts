/**
 * What a demanding user does to the executor that the happy paths never do: read an attempt's
 * signal late, abort from inside hooks, hand over objects whose getters throw, take time in
 * `onRetry`, throw `NonRetryableError` under `exceptions: [Error]`, and listen only to the
 * success channel. Each case was a bug once (found by review, reproduced, then fixed).
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { describe, expect, it } from 'vitest';
import { retryAsync } from '../../src/core/retry-async.js';
import { VirtualClock, flush } from '../../src/core/virtual-clock.js';
import { MaxRetriesExceededError, RetryTimeoutError } from '../../src/errors/library-errors.js';
import { ConnectionError, NonRetryableError, RequestTimeoutError } from '../../src/errors/vocabulary.js';
import { RetryPolicy } from '../../src/policies/retry-policy.js';
import { FixedDelayStrategy } from '../../src/strategies/fixed.js';

const fixed = (delay: number, maxAttempts: number) => new RetryPolicy({ strategy: new FixedDelayStrategy({ delay, maxAttempts }) });
const hang = (signal: AbortSignal) =>
  new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));

describe('each attempt owns its signal', () => {
  it('an older attempt reading its signal late does not stop the running attempt from being aborted', async () => {
    const clock = new VirtualClock();
    let second: AbortSignal | undefined;
    const p = retryAsync(
      async (ctx) => {
        if (ctx.attempt === 1) {
          await new Promise((r) => clock.setTimeout(() => r(undefined), 40)); // outlives its 25 ms
          void ctx.signal; // looks at its own signal only now, while attempt 2 runs
          return new Promise(() => {});
        }
        second = ctx.signal;
        return hang(ctx.signal);
      },
      { clock, policy: fixed(1, 2), attemptTimeout: 25 },
    );
    const outcome = p.catch((e: unknown) => e);
    await clock.runAll();
    const error = (await outcome) as MaxRetriesExceededError;
    expect(error).toBeInstanceOf(MaxRetriesExceededError);
    expect(error.lastError).toBeInstanceOf(RequestTimeoutError);
    expect(second?.aborted).toBe(true);
    expect(second?.reason).toBe(error.lastError);
  });

  it('returns the same signal on every read, whatever other attempts read', async () => {
    const contexts: { attempt: number; signal: AbortSignal }[] = [];
    await retryAsync(
      (ctx) => {
        contexts.push(ctx);
        if (ctx.attempt === 1) throw new ConnectionError('x');
        return 'ok';
      },
      { policy: fixed(0, 2), signal: new AbortController().signal },
    );
    const [first, second] = contexts;
    const a = second?.signal;
    void first?.signal;
    expect(second?.signal).toBe(a);
    expect(first?.signal).toBe(first?.signal);
  });

  it("a timed-out attempt's signal, first read afterwards, carries that attempt's own timeout error", async () => {
    const clock = new VirtualClock();
    const contexts: { signal: AbortSignal }[] = [];
    const p = retryAsync(
      (ctx) => {
        contexts.push(ctx);
        return ctx.attempt === 1 ? new Promise(() => {}) : 'second';
      },
      { clock, policy: fixed(0, 2), attemptTimeout: 10 },
    );
    await clock.runAll();
    await expect(p).resolves.toBe('second');
    expect(contexts[0]?.signal.aborted).toBe(true);
    expect(contexts[0]?.signal.reason).toBeInstanceOf(RequestTimeoutError);
  });
});

describe('an abort from inside a hook', () => {
  for (const where of ['onRetry', 'onRetryFailure', 'retryCondition'] as const) {
    it(`in ${where}: the call rejects with the reason and leaves no timer`, async () => {
      const clock = new VirtualClock();
      const controller = new AbortController();
      const stop = () => controller.abort('stop');
      const p = retryAsync(
        () => {
          throw new ConnectionError('x');
        },
        {
          clock,
          policy: fixed(3000, 3),
          signal: controller.signal,
          ...(where === 'onRetry' ? { onRetry: stop } : {}),
          ...(where === 'onRetryFailure' ? { eventHandler: { onRetryFailure: stop } } : {}),
          ...(where === 'retryCondition' ? { retryCondition: () => (stop(), true) } : {}),
        },
      );
      await expect(p).rejects.toBe('stop');
      expect(clock.pending).toBe(0);
    });
  }

  it('in onRetryStart: that attempt does not start', async () => {
    const controller = new AbortController();
    let calls = 0;
    const p = retryAsync(
      () => {
        calls++;
        throw new ConnectionError('x');
      },
      {
        policy: fixed(0, 3),
        signal: controller.signal,
        eventHandler: { onRetryStart: (a: { number: number }) => void (a.number === 2 && controller.abort('stop')) },
      },
    );
    await expect(p).rejects.toBe('stop');
    expect(calls).toBe(1);
  });
});

describe('objects whose getters throw', () => {
  it('a result with a throwing `then` getter fails the attempt: the promise rejects, nothing throws synchronously, no deadline stays', async () => {
    const clock = new VirtualClock();
    const boom = new Error('then getter throws');
    const hostile = {
      get then(): never {
        throw boom;
      },
    };
    let call: Promise<unknown> | undefined;
    expect(() => {
      call = retryAsync(() => hostile, { clock, policy: fixed(0, 2), timeout: 300 });
    }).not.toThrow();
    const error = (await (call as Promise<unknown>).catch((e: unknown) => e)) as MaxRetriesExceededError;
    expect(error).toBeInstanceOf(MaxRetriesExceededError);
    expect(error.errors).toEqual([boom, boom]);
    expect(clock.pending).toBe(0);
  });

  it('an eventHandler or metrics object whose getters throw is ignored; the call still succeeds', async () => {
    const clock = new VirtualClock();
    const throwing = (): never => {
      throw new Error('getter boom');
    };
    const eventHandler = Object.defineProperties({}, {
      onRetryStart: { get: throwing },
      onRetryFailure: { get: throwing },
      onRetrySuccess: { get: throwing },
    });
    const metrics = Object.defineProperties({ recordCall() {}, recordFailure() {} }, { recordFailure: { get: throwing } });
    let n = 0;
    const p = retryAsync(
      () => {
        if (++n < 3) throw new ConnectionError('c');
        return 'v';
      },
      { clock, policy: fixed(5, 3), eventHandler, metrics },
    );
    await clock.runAll();
    await expect(p).resolves.toBe('v');
  });

  it('a budget that throws lets the retry go ahead (a guard never breaks a call)', async () => {
    const budget = {
      recordFirstAttempt(): void {
        throw new Error('deposit failed');
      },
      tryAcquireRetry(): boolean {
        throw new Error('store down');
      },
    };
    let n = 0;
    await expect(
      retryAsync(
        () => {
          if (++n < 2) throw new ConnectionError('c');
          return 'v';
        },
        { policy: fixed(0, 2), budget },
      ),
    ).resolves.toBe('v');
    await expect(retryAsync(() => 'first', { policy: fixed(0, 2), budget, timeout: 1000 })).resolves.toBe('first');
  });
});

describe('custom parts that throw settle the call instead of leaving it pending', () => {
  it('a strategy whose getDelay throws: the call rejects with that error', async () => {
    const broken = new Error('getDelay broke');
    const strategy = {
      maxAttempts: 3,
      getDelay(): number {
        throw broken;
      },
      calculateDelay: () => 0,
      shouldRetry: () => true,
      delays: () => [],
    };
    const p = retryAsync(
      () => {
        throw new ConnectionError('x');
      },
      { policy: new RetryPolicy({ strategy: strategy as never }), timeout: 1000 },
    );
    await expect(p).rejects.toBe(broken);
  });

  it('an error class matcher whose hasInstance throws is no match: the error is re-thrown unchanged', async () => {
    class Weird {
      static [Symbol.hasInstance](): boolean {
        throw new Error('hasInstance broke');
      }
    }
    const original = new ConnectionError('x');
    const p = retryAsync(
      () => {
        throw original;
      },
      { policy: fixed(0, 3), exceptions: [Weird] },
    );
    await expect(p).rejects.toBe(original);
  });
});

describe('step 5 after an asynchronous onRetry', () => {
  it('is checked again when the hook ends: no sleeping into a deadline that cannot be met', async () => {
    const clock = new VirtualClock();
    const p = retryAsync(
      () => {
        throw new ConnectionError('x');
      },
      {
        clock,
        timeout: 1000,
        policy: fixed(500, 5),
        onRetry: () => new Promise<void>((resolve) => clock.setTimeout(resolve, 800)),
      },
    );
    const outcome = p.then(
      () => 'resolved',
      (e: unknown) => [e instanceof RetryTimeoutError, clock.now(), (e as Error).message],
    );
    await clock.runAll();
    // the message says why it gave up early, not a time that never passed
    expect(await outcome).toEqual([true, 800, 'Gave up after 1 attempt: the next wait (500 ms) would end past the 1000 ms timeout: ConnectionError: x']);
    expect(clock.pending).toBe(0);
  });
});

describe('NonRetryableError stops at once whatever would match it', () => {
  for (const [label, options] of [
    ['exceptions: [Error]', { exceptions: [Error] }],
    ['retryCondition: () => true', { retryCondition: () => true }],
    ['a policy that retries everything', {}],
  ] as const) {
    it(label, async () => {
      const stop = new NonRetryableError('stop now');
      let calls = 0;
      const error = await retryAsync(
        () => {
          calls++;
          throw stop;
        },
        { policy: fixed(0, 3), ...options },
      ).catch((e: unknown) => e);
      expect(error).toBe(stop);
      expect(calls).toBe(1);
    });
  }
});

describe('diagnostics: a first-attempt success is published to success-only subscribers', () => {
  for (const [label, options] of [
    ['lean path (no timeout)', { timeout: Infinity }],
    ['guarded path (60 s default timeout)', {}],
  ] as const) {
    it(label, async () => {
      const seen: number[] = [];
      const onSuccess = (message: unknown) => seen.push((message as { attempt: { number: number } }).attempt.number);
      subscribe('zenoo-retry:success', onSuccess);
      try {
        await retryAsync(() => 'first try', options);
        let n = 0;
        await retryAsync(
          () => {
            if (n++ === 0) throw new ConnectionError('x');
            return 'second try';
          },
          { ...options, delay: 0 },
        );
        await flush();
      } finally {
        unsubscribe('zenoo-retry:success', onSuccess);
      }
      expect(seen).toEqual([1, 2]);
    });
  }
});

describe('diagnostics: failure-only and retry-only subscribers see real elapsed times', () => {
  it('elapsed counts from the first attempt, whoever else listens', async () => {
    const clock = new VirtualClock();
    const seen: string[] = [];
    const onRetry = (m: unknown) => seen.push(`retry ${(m as { attempt: { elapsed: number } }).attempt.elapsed}`);
    const onFailure = (m: unknown) => seen.push(`failure ${(m as { attempt: { elapsed: number } }).attempt.elapsed}`);
    subscribe('zenoo-retry:retry', onRetry);
    subscribe('zenoo-retry:failure', onFailure);
    try {
      const p = retryAsync(
        () => {
          throw new ConnectionError('x');
        },
        { clock, policy: fixed(100, 3), timeout: Infinity },
      ).catch(() => {});
      await clock.runAll();
      await p;
    } finally {
      unsubscribe('zenoo-retry:retry', onRetry);
      unsubscribe('zenoo-retry:failure', onFailure);
    }
    expect(seen).toEqual(['retry 0', 'retry 100', 'failure 200']);
  });
});

describe('a call whose signal was already aborted (found by review)', () => {
  it('is a failed call of 0 attempts for metrics and the failure channel; fn never runs', async () => {
    const { RetryMetrics } = await import('../../src/observability/metrics.js');
    const metrics = new RetryMetrics();
    const seen: number[] = [];
    const onFailure = (m: unknown) => seen.push((m as { attempt: { number: number } }).attempt.number);
    subscribe('zenoo-retry:failure', onFailure);
    let calls = 0;
    try {
      const reason = new Error('already stopped');
      const p = retryAsync(
        () => {
          calls++;
          return 1;
        },
        { signal: AbortSignal.abort(reason), metrics },
      );
      await expect(p).rejects.toBe(reason);
    } finally {
      unsubscribe('zenoo-retry:failure', onFailure);
    }
    expect(calls).toBe(0);
    expect(seen).toEqual([0]);
    expect(metrics.getStats()).toMatchObject({ totalCalls: 1, failedCalls: 1, totalAttempts: 0, totalRetries: 0 });
  });
});

describe('regressions found by the second review', () => {
  it('sync retry: a pre-aborted signal is recorded as a failed call of 0 attempts too', async () => {
    const { retry } = await import('../../src/decorators/wrappers.js');
    const { RetryMetrics } = await import('../../src/observability/metrics.js');
    const metrics = new RetryMetrics();
    const reason = new Error('stopped');
    const wrapped = retry({ metrics, signal: AbortSignal.abort(reason) })(() => 1);
    expect(() => wrapped()).toThrow(reason);
    expect(metrics.getStats()).toMatchObject({ totalCalls: 1, failedCalls: 1, totalAttempts: 0 });
  });

  it('retryAsync(fn, null) is a TypeError whatever ran before', async () => {
    await retryAsync(() => 1);
    expect(() => retryAsync(() => 1, null as never)).toThrow(/options must be an object/);
  });

  it("the plan memo sees a custom strategy's maxAttempts change", async () => {
    const strategy = { maxAttempts: 2, getDelay: () => 0, calculateDelay: () => 0, shouldRetry: () => true, delays: () => [] };
    const policy = new RetryPolicy({ strategy: strategy as never });
    const attempts = async () => {
      let n = 0;
      await retryAsync(
        () => {
          n++;
          throw new ConnectionError('x');
        },
        { policy },
      ).catch(() => {});
      return n;
    };
    expect(await attempts()).toBe(2);
    strategy.maxAttempts = 4;
    expect(await attempts()).toBe(4);
  });

  it('a caller abort during the wait does not abort the signal of the attempt that already failed', async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    let first: AbortSignal | undefined;
    const p = retryAsync(
      (ctx) => {
        first = ctx.signal;
        throw new ConnectionError('x');
      },
      { clock, policy: fixed(100, 3), signal: controller.signal },
    );
    const outcome = p.catch((e: unknown) => e);
    await flush(); // attempt 1 failed; the call waits 100 ms
    controller.abort('stop');
    expect(await outcome).toBe('stop');
    expect(first?.aborted).toBe(false);
  });

  it("an attempt's signal aborts only if that attempt was told to stop while it ran, whenever it is read", async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    const contexts: { signal: AbortSignal }[] = [];
    let early: AbortSignal | undefined;
    const p = retryAsync(
      (ctx) => {
        contexts.push(ctx);
        if (ctx.attempt === 1) {
          early = ctx.signal;
          throw new ConnectionError('x'); // ends normally (a failure)
        }
        return new Promise(() => {}); // attempt 2 hangs until the caller aborts
      },
      { clock, policy: fixed(100, 3), signal: controller.signal },
    );
    const outcome = p.catch((e: unknown) => e);
    await flush();
    expect(early?.aborted).toBe(false); // the caller has not aborted yet; attempt 1 simply failed
    await clock.advance(100); // attempt 2 starts
    controller.abort('stop');
    expect(await outcome).toBe('stop');
    expect(early?.aborted).toBe(false); // attempt 1 had ended: nothing to stop
    expect(contexts[1]?.signal.aborted).toBe(true); // attempt 2 was running: stopped, read late
    expect(contexts[1]?.signal.reason).toBe('stop');
  });

  it('a successful attempt read late is not aborted', async () => {
    let ctx: { signal: AbortSignal } | undefined;
    await retryAsync(
      (c) => {
        ctx = c;
        return 'ok';
      },
      { policy: fixed(0, 2), onRetry: () => {} },
    );
    expect(ctx?.signal.aborted).toBe(false);
  });

  it('an early CircuitOpenError carries the failed attempt’s error as its cause', async () => {
    const { CircuitBreaker } = await import('../../src/breaker/circuit-breaker.js');
    const clock = new VirtualClock();
    const breaker = new CircuitBreaker({ failureThreshold: 1, recoveryTimeout: 10_000, clock });
    const down = new Error('db down');
    const error = await retryAsync(() => Promise.reject(down), { clock, policy: fixed(100, 3), circuitBreaker: breaker }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ name: 'CircuitOpenError', retryAfter: 10_000 });
    expect((error as Error).cause).toBe(down);
  });

  it('an attempt abandoned at the total timeout counts as a failure for AdaptiveStrategy, breaker or not', async () => {
    const { AdaptiveStrategy } = await import('../../src/strategies/adaptive.js');
    const clock = new VirtualClock();
    const strategy = new AdaptiveStrategy({ maxAttempts: 2, baseDelay: 10 });
    let finish: (v: string) => void = () => {};
    const p = retryAsync(() => new Promise<string>((resolve) => (finish = resolve)), {
      clock,
      policy: new RetryPolicy({ strategy }),
      timeout: 50,
    }).catch((e: unknown) => e);
    await clock.advance(50);
    expect(await p).toBeInstanceOf(RetryTimeoutError);
    finish('late'); // the abandoned attempt's late success is ignored
    await flush();
    expect(strategy.getSuccessRate()).toBe(0);
  });
});

describe('found by the review of the session diff', () => {
  it('an abort from onRetryStart releases the half-open permit once (no extra probe slot)', async () => {
    const { AdvancedCircuitBreaker } = await import('../../src/breaker/advanced-circuit-breaker.js');
    const clock = new VirtualClock();
    const breaker = new AdvancedCircuitBreaker({ failureThreshold: 1, recoveryTimeout: 100, halfOpenMaxCalls: 2, clock });
    await breaker.execute(() => Promise.reject(new Error('x'))).catch(() => {});
    await clock.advance(100); // half-open: two probe slots
    const hang = () => new Promise(() => {});
    void retryAsync(hang, { clock, policy: fixed(0, 1), circuitBreaker: breaker, timeout: Infinity }).catch(() => {}); // probe A holds slot 1
    const controller = new AbortController();
    await retryAsync(() => 1, {
      clock,
      policy: fixed(0, 1),
      circuitBreaker: breaker,
      signal: controller.signal,
      eventHandler: { onRetryStart: () => controller.abort('stop') },
    }).catch(() => {});
    void breaker.execute(hang); // slot 2 (B gave its back once)
    await expect(breaker.execute(hang)).rejects.toMatchObject({ name: 'CircuitOpenError' }); // only 2 slots
  });

  it('a clock that throws after an await: the call still settles (never left pending)', async () => {
    const broken = new Error('clock broke');
    let reads = 0;
    const clock = {
      now: () => {
        if (++reads > 2) throw broken;
        return 0;
      },
      setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
      clearTimeout: (h: unknown) => clearTimeout(h as never),
    };
    const p = retryAsync(async () => 'ok', { clock, policy: fixed(0, 2), onRetry: () => {}, timeout: 1000 });
    const outcome = await Promise.race([
      p.then(
        (v) => v,
        (e: unknown) => e,
      ),
      new Promise((resolve) => setTimeout(() => resolve('still pending'), 200)),
    ]);
    expect([broken, 'ok']).toContain(outcome);
  });

  it('a strategy whose recordOutcome throws never changes the outcome', async () => {
    const { AdaptiveStrategy } = await import('../../src/strategies/adaptive.js');
    class Broken extends AdaptiveStrategy {
      override recordOutcome(): void {
        throw new Error('learning broke');
      }
    }
    const strategy = new Broken({ maxAttempts: 2, baseDelay: 0 });
    await expect(retryAsync(async () => 'ok', { policy: new RetryPolicy({ strategy }) })).resolves.toBe('ok');
    const original = new ConnectionError('x');
    let n = 0;
    await expect(
      retryAsync(
        async () => {
          if (n++ === 0) throw original;
          return 'second';
        },
        { policy: new RetryPolicy({ strategy }) },
      ),
    ).resolves.toBe('second');
  });

  it('a Proxy error whose traps throw still ends in the library error', async () => {
    const hostile = new Proxy(new Error('x'), {
      get() {
        throw new Error('trap');
      },
      getPrototypeOf() {
        throw new Error('trap');
      },
    });
    const error = await retryAsync(
      () => {
        throw hostile;
      },
      { policy: fixed(0, 2) },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MaxRetriesExceededError);
  });
});

describe('found by the hostile-input pass', () => {
  it('a zero-delay retry loop lets timers in: an abort already due stops a million-attempt call', async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    const stop = new Error('stop');
    clock.setTimeout(() => controller.abort(stop), 0); // due before the loop's first yield
    let n = 0;
    const call = retryAsync(
      async () => {
        n++;
        throw new ConnectionError('x');
      },
      { clock, policy: fixed(0, 1_000_000), timeout: Infinity, signal: controller.signal },
    ).catch((e: unknown) => e);
    await clock.runAll();
    expect(await call).toBe(stop);
    expect(n).toBe(100); // one yield every 100 zero waits
  });

  it('policy.circuitBreaker: null detaches, anything but a breaker is a TypeError at assignment', () => {
    const policy = new RetryPolicy();
    policy.circuitBreaker = null as never;
    expect(policy.circuitBreaker).toBeUndefined();
    expect(() => {
      policy.circuitBreaker = {} as never;
    }).toThrow(/`circuitBreaker` must be a CircuitBreaker, got \{\}/);
    expect(() => new RetryPolicy({ circuitBreaker: null as never })).toThrow(TypeError);
  });

  it('policy.with() without overrides is a copy, for presets too', async () => {
    const { NetworkRetryPolicy } = await import('../../src/policies/presets.js');
    expect(new RetryPolicy({ timeout: 5 }).with().timeout).toBe(5);
    expect(new NetworkRetryPolicy().with()).toBeInstanceOf(NetworkRetryPolicy);
  });

  it('a Proxy option value whose traps throw is reported as a TypeError naming the option', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
      },
    );
    expect(() => retryAsync(() => 1, { maxAttempts: hostile as never })).toThrow(/`maxAttempts` must be an integer/);
  });

  it('VirtualClock refuses bad times', () => {
    const clock = new VirtualClock();
    expect(() => new VirtualClock('5' as never)).toThrow(TypeError);
    return Promise.all([
      expect(clock.advance(-1)).rejects.toThrow(RangeError),
      expect(clock.advance(Number.NaN)).rejects.toThrow(RangeError),
      expect(clock.advance('5' as never)).rejects.toThrow(TypeError),
    ]);
  });
});

describe('found by the observability review', () => {
  it('an early CircuitOpenError names the breaker, as a refusal does', async () => {
    const { CircuitBreaker } = await import('../../src/breaker/circuit-breaker.js');
    const clock = new VirtualClock();
    const breaker = new CircuitBreaker({ name: 'payments', failureThreshold: 1, recoveryTimeout: 1000, clock });
    const error = await retryAsync(() => Promise.reject(new Error('down')), { clock, policy: fixed(10, 3), circuitBreaker: breaker }).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toBe('Circuit "payments" is open; retry after 1000 ms');
  });

  it('a failure subscriber that attached during the attempt hears of a total timeout on the fast path', async () => {
    const clock = new VirtualClock();
    const seen: unknown[] = [];
    const onFailure = (m: unknown) => seen.push((m as { attempt: { elapsed: number } }).attempt.elapsed);
    const p = retryAsync(() => new Promise(() => {}), { clock, timeout: 50 }).catch(() => {});
    subscribe('zenoo-retry:failure', onFailure);
    try {
      await clock.advance(50);
      await p;
    } finally {
      unsubscribe('zenoo-retry:failure', onFailure);
    }
    expect(seen).toEqual([50]);
  });
});
