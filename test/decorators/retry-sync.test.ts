import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RetryBudget } from '../../src/budget/retry-budget.js';
import { CircuitBreaker } from '../../src/breaker/circuit-breaker.js';
import type { RetryAttempt } from '../../src/core/attempt.js';
import { retryAsync } from '../../src/core/retry-async.js';
import { blockFor, sleeperFor } from '../../src/core/retry-sync.js';
import { realClock } from '../../src/core/clock.js';
import { retry } from '../../src/decorators/wrappers.js';
import { CircuitOpenError, MaxRetriesExceededError, RetryTimeoutError } from '../../src/errors/library-errors.js';
import { NonRetryableError } from '../../src/errors/vocabulary.js';
import { RetryPolicy } from '../../src/policies/retry-policy.js';
import { ExponentialBackoffStrategy } from '../../src/strategies/exponential.js';
import { FixedDelayStrategy } from '../../src/strategies/fixed.js';
import { RecordingClock } from '../helpers/recording-clock.js';
import { SyncClock, flakySync } from './sync-clock.js';

const policy = (maxAttempts = 5) =>
  new RetryPolicy({ strategy: new ExponentialBackoffStrategy({ maxAttempts, baseDelay: 100, jitter: false }) });

afterEach(() => {
  vi.restoreAllMocks();
});

describe('retry on a synchronous function stays synchronous', () => {
  it('returns the value (not a Promise) after blocking waits of the strategy delays', () => {
    const clock = new SyncClock();
    const fn = flakySync(2, 'ok');
    const out = retry({ clock, policy: policy() })(fn)();
    expect(out).toBe('ok');
    expect(fn.calls).toBe(3);
    expect(clock.sleeps).toEqual([100, 200]);
    expect(clock.now()).toBe(300);
  });

  it('throws MaxRetriesExceededError synchronously when attempts run out', () => {
    const clock = new SyncClock();
    const fn = flakySync(10, 0);
    expect(() => retry({ clock, policy: policy(), maxAttempts: 3 })(fn)()).toThrow(MaxRetriesExceededError);
    expect(fn.calls).toBe(3);
  });

  it('re-throws a non-retryable error unchanged, at once', () => {
    const clock = new SyncClock();
    const error = new NonRetryableError('stop');
    const fn = flakySync(10, 0, () => error);
    let caught: unknown;
    try {
      retry({ clock })(fn)();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBe(error);
    expect(fn.calls).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('preserves this and the arguments', () => {
    const clock = new SyncClock();
    const obj = {
      k: 3,
      calls: 0,
      mul: retry({ clock, policy: policy() })(function (this: { k: number; calls: number }, a: number, b: number) {
        if (++this.calls < 2) throw new Error('again');
        return this.k * a * b;
      }),
    };
    expect(obj.mul(2, 5)).toBe(30);
  });

  it('never sleeps into the total timeout: RetryTimeoutError before the wait (step 5)', () => {
    const clock = new SyncClock();
    const fn = flakySync(10, 0);
    expect(() => retry({ clock, policy: policy(), timeout: 250 })(fn)()).toThrow(RetryTimeoutError);
    expect(clock.sleeps).toEqual([100]); // 100 + 200 would end at 300 >= 250
    expect(fn.calls).toBe(2);
  });

  it('honours Retry-After: waits max(strategy delay, retryAfter)', () => {
    const clock = new SyncClock();
    const fn = flakySync(1, 'ok', () => Object.assign(new Error('429'), { retryAfter: 700 }));
    expect(retry({ clock, policy: policy() })(fn)()).toBe('ok');
    expect(clock.sleeps).toEqual([700]);
  });

  it('an aborted signal throws its reason synchronously, without calling fn', () => {
    const fn = vi.fn(() => 1);
    expect(() => retry({ signal: AbortSignal.abort('gone') })(fn)()).toThrow('gone');
    expect(fn).not.toHaveBeenCalled();
  });

  it('an abort during an attempt ends the call with signal.reason', () => {
    const clock = new SyncClock();
    const controller = new AbortController();
    const fn = vi.fn(() => {
      controller.abort('inside');
      throw new Error('fails too');
    });
    expect(() => retry({ clock, policy: policy() })(fn).withSignal(controller.signal)()).toThrow('inside');
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('an asynchronous onRetry is called but not awaited (the thread cannot wait for it)', () => {
    const clock = new SyncClock();
    const seen: number[] = [];
    const onRetry = (a: RetryAttempt) => {
      seen.push(a.number);
      return new Promise<void>(() => {}); // never resolves
    };
    expect(retry({ clock, policy: policy(), onRetry })(flakySync(2, 'ok'))()).toBe('ok');
    expect(seen).toEqual([1, 2]);
  });

  it('the breaker guards each attempt; an open breaker ends the loop with CircuitOpenError', () => {
    const clock = new SyncClock();
    const breaker = new CircuitBreaker({ failureThreshold: 2, recoveryTimeout: 10_000, clock });
    const fn = flakySync(10, 0);
    expect(() => retry({ clock, policy: policy(), circuitBreaker: breaker })(fn)()).toThrow(CircuitOpenError);
    expect(fn.calls).toBe(2);
  });

  it('without an injected sleepSync, waits block with Atomics.wait', () => {
    const wait = vi.spyOn(Atomics, 'wait').mockReturnValue('timed-out');
    const fn = flakySync(2, 'ok');
    const strategy = new FixedDelayStrategy({ maxAttempts: 3, delay: 40 });
    expect(retry({ strategy, timeout: Infinity })(fn)()).toBe('ok');
    expect(wait).toHaveBeenCalledTimes(2);
    expect(wait.mock.calls.map((c) => c.slice(1))).toEqual([
      [0, 0, 40],
      [0, 0, 40],
    ]);
  });

  it('blockFor falls back to a busy wait where Atomics.wait is refused', () => {
    vi.spyOn(Atomics, 'wait').mockImplementation(() => {
      throw new TypeError('Atomics.wait cannot be called in this context');
    });
    const now = vi.spyOn(Date, 'now');
    let t = 1000;
    now.mockImplementation(() => (t += 5));
    blockFor(20);
    expect(now.mock.calls.length).toBeGreaterThanOrEqual(4);
    blockFor(0);
    expect(sleeperFor(realClock)).toBe(blockFor);
  });
});

describe('retry on a function returning a thenable behaves as asyncRetry', () => {
  it('returns a Promise and retries asynchronously', async () => {
    const clock = new RecordingClock();
    let n = 0;
    const fn = () => (++n < 3 ? Promise.reject(new Error('x')) : Promise.resolve(n));
    const out = retry({ clock, policy: policy() })(fn)();
    expect(out).toBeInstanceOf(Promise);
    await clock.runAll();
    await expect(out).resolves.toBe(3);
    expect(clock.delays).toEqual([100, 200]);
  });

  it('an async function is detected at wrap time and retried as by asyncRetry', async () => {
    const clock = new RecordingClock();
    let n = 0;
    const out = retry({ clock, policy: policy() })(async () => {
      if (++n < 2) throw new Error('x');
      return 'async';
    })();
    await clock.runAll();
    await expect(out).resolves.toBe('async');
  });

  it('sync failures first, then a thenable: the call switches to async and keeps its attempts and deadline', async () => {
    const clock = new SyncClock();
    let n = 0;
    const fn = (): string | Promise<string> => {
      n++;
      if (n === 1) throw new Error('sync failure');
      if (n === 2) return Promise.reject(new Error('async failure'));
      return Promise.resolve(`done after ${n}`);
    };
    const out = retry({ clock, policy: policy(4), timeout: 10_000 })(fn)();
    expect(clock.sleeps).toEqual([100]); // the first wait blocked
    expect(out).toBeInstanceOf(Promise);
    await clock.runAll();
    await expect(out).resolves.toBe('done after 3');
    expect(clock.now()).toBe(300);
  });

  it('after the switch, the total timeout still counts from the first attempt', async () => {
    const clock = new SyncClock();
    let n = 0;
    const fn = (): Promise<never> | never => {
      if (++n === 1) throw new Error('sync');
      return new Promise<never>(() => {}); // hangs
    };
    const out = retry({ clock, policy: policy(), timeout: 1000 })(fn)() as Promise<never>;
    const check = expect(out).rejects.toBeInstanceOf(RetryTimeoutError);
    expect(clock.now()).toBe(100);
    await clock.advance(899);
    let settled = false;
    void out.catch(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    await clock.advance(1);
    await check;
  });
});

describe('retry: what turns a synchronous call asynchronous', () => {
  it('attemptTimeout still applies to an attempt that returned a thenable after the switch', async () => {
    const clock = new SyncClock();
    let n = 0;
    const fn = (): string | Promise<string> => {
      n++;
      if (n === 1) throw new Error('sync');
      if (n === 2) return new Promise<string>(() => {}); // hangs: the attempt timeout ends it
      return 'third';
    };
    const out = retry({ clock, strategy: new FixedDelayStrategy({ maxAttempts: 3, delay: 10 }), attemptTimeout: 500, timeout: Infinity })(fn)();
    expect(out).toBeInstanceOf(Promise);
    await clock.advance(499);
    expect(n).toBe(2);
    await clock.advance(1 + 10);
    await expect(out).resolves.toBe('third');
    expect(clock.now()).toBe(10 + 500 + 10);
  });

  it('a breaker that answers with a promise (a remote store) turns the call asynchronous', async () => {
    const clock = new SyncClock();
    const seen: string[] = [];
    const breaker = {
      acquirePermit: () => Promise.resolve('permit'),
      onSuccess: (p: unknown) => void seen.push(`ok:${String(p)}`),
      onFailure: (p: unknown) => void seen.push(`fail:${String(p)}`),
    };
    const fn = flakySync(1, 'value');
    const out = retry({ clock, policy: policy(), circuitBreaker: breaker })(fn)();
    expect(out).toBeInstanceOf(Promise);
    await clock.runAll();
    await expect(out).resolves.toBe('value');
    expect(seen).toEqual(['fail:permit', 'ok:permit']);
  });
});

// --- the same decision order as the async executor --------------------------------------------

type Outcome = { kind: 'ok' } | { kind: 'retryable'; retryAfter?: number } | { kind: 'fatal' };

const outcomeArb: fc.Arbitrary<Outcome> = fc.oneof(
  { weight: 2, arbitrary: fc.constant<Outcome>({ kind: 'ok' }) },
  { weight: 5, arbitrary: fc.constant<Outcome>({ kind: 'retryable' }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 3000 }).map<Outcome>((retryAfter) => ({ kind: 'retryable', retryAfter })) },
  { weight: 1, arbitrary: fc.constant<Outcome>({ kind: 'fatal' }) },
);

class Fatal extends Error {}

function scenarioFn(outcomes: Outcome[]) {
  let i = 0;
  return () => {
    const o = outcomes[Math.min(i++, outcomes.length - 1)]!;
    if (o.kind === 'ok') return `ok@${i}`;
    if (o.kind === 'fatal') throw new Fatal(`fatal@${i}`);
    throw Object.assign(new Error(`retryable@${i}`), o.retryAfter === undefined ? {} : { retryAfter: o.retryAfter });
  };
}

const describeResult = (r: { ok: boolean; value: unknown }) => {
  if (r.ok) return { ok: true, value: r.value };
  const e = r.value as Error & { attempts?: number };
  return { ok: false, name: e.name, message: e.message, attempts: e.attempts };
};

describe('retry (sync) applies the same decision order as retryAsync', () => {
  it('same outcome, attempts, waits and hook calls for any scenario', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(outcomeArb, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 400 }),
        fc.option(fc.integer({ min: 1, max: 5000 }), { nil: undefined }),
        fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
        async (outcomes, maxAttempts, delay, timeout, budgetFloor) => {
          const run = (mode: 'sync' | 'async') => {
            const clock = mode === 'sync' ? new SyncClock() : new RecordingClock();
            const log: unknown[] = [];
            const snap = (tag: string) => (a: RetryAttempt) => {
              log.push([tag, a.number, a.nextDelay, a.totalDelay, a.elapsed, (a.lastError as Error | undefined)?.message]);
            };
            const options = {
              clock,
              policy: new RetryPolicy({
                strategy: new ExponentialBackoffStrategy({ maxAttempts: 6, baseDelay: 100, jitter: false }),
                nonRetryableErrors: [Fatal],
              }),
              maxAttempts,
              delay,
              timeout: timeout ?? Infinity,
              onRetry: snap('onRetry'),
              eventHandler: {
                onRetryStart: snap('start'),
                onRetrySuccess: snap('success'),
                onRetryFailure: snap('failure'),
                onMaxRetriesExceeded: snap('exceeded'),
              },
              ...(budgetFloor === undefined
                ? {}
                : { budget: new RetryBudget({ ratio: 0, minRetriesPerSecond: budgetFloor / 10, window: 10_000, clock }) }),
            };
            return { clock, log, options };
          };
          const s = run('sync');
          let syncResult: { ok: boolean; value: unknown };
          try {
            syncResult = { ok: true, value: retry(s.options)(scenarioFn(outcomes))() };
          } catch (error) {
            syncResult = { ok: false, value: error };
          }
          const a = run('async');
          const fn = scenarioFn(outcomes);
          const p = retryAsync(async () => fn(), a.options).then(
            (value) => ({ ok: true, value }),
            (value: unknown) => ({ ok: false, value }),
          );
          await (a.clock as RecordingClock).runAll();
          const asyncResult = await p;
          expect(describeResult(syncResult)).toEqual(describeResult(asyncResult));
          expect(s.log).toEqual(a.log);
          expect(s.clock.now()).toBe(a.clock.now());
        },
      ),
      { numRuns: 150 },
    );
  });
});
