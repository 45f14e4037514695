/**
 * The facts docs/migration-p-retry.md and docs/migration-cockatiel.md state, checked against
 * the installed p-retry 7 and cockatiel 3 (devDependencies), side by side with zenoo-retry.
 * If an upgrade of either changes a behaviour, this file fails and the page must be updated.
 */
import {
  BrokenCircuitError,
  circuitBreaker,
  ConsecutiveBreaker,
  ExponentialBackoff,
  fallback,
  handleAll,
  handleType,
  noJitterGenerator,
  retry as cockatielRetry,
  wrap,
} from 'cockatiel';
import pRetry, { AbortError } from 'p-retry';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  asyncRetry,
  CircuitBreaker,
  CircuitOpenError,
  ExponentialBackoffStrategy,
  MaxRetriesExceededError,
  NonRetryableError,
  RetryTimeoutError,
  retryAsync,
  retryWithFallback,
} from '../../src/index.js';
import { closedPort } from '../helpers/http-server.js';
import { ImmediateClock } from '../helpers/immediate-clock.js';

/** zenoo-retry with recorded instead of slept waits. */
const fast = () => ({ clock: new ImmediateClock(), timeout: Infinity });
const failing = (error: unknown = new Error('down')) => {
  const calls = { n: 0 };
  const fn = () => {
    calls.n++;
    return Promise.reject(error);
  };
  return { calls, fn };
};
const rejection = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);

afterEach(() => {
  vi.useRealTimers();
});

describe('p-retry 7 and zenoo-retry, side by side', () => {
  it('defaults: p-retry makes 11 calls (retries 10); zenoo-retry 3 (DefaultRetryPolicy)', async () => {
    const p = failing();
    await rejection(pRetry(p.fn, { minTimeout: 0 }));
    const z = failing();
    await rejection(retryAsync(z.fn, fast()));
    expect([p.calls.n, z.calls.n]).toEqual([11, 3]);
  });

  it('`retries: n` is `maxAttempts: n + 1`', async () => {
    const p = failing();
    await rejection(pRetry(p.fn, { retries: 4, minTimeout: 0 }));
    const z = failing();
    await rejection(retryAsync(z.fn, { ...fast(), maxAttempts: 5 }));
    expect([p.calls.n, z.calls.n]).toEqual([5, 5]);
  });

  it('attempts exhausted: p-retry rejects with the last error; zenoo-retry with MaxRetriesExceededError (lastError = cause = it)', async () => {
    const last = new Error('down');
    const p = await rejection(pRetry(() => Promise.reject(last), { retries: 2, minTimeout: 0 }));
    const z = await rejection(retryAsync(() => Promise.reject(last), fast()));
    expect(p).toBe(last);
    expect(z).toBeInstanceOf(MaxRetriesExceededError);
    expect((z as MaxRetriesExceededError).lastError).toBe(last);
    expect((z as MaxRetriesExceededError).cause).toBe(last);
  });

  it('stopping at once: p-retry AbortError(err) rejects with err; NonRetryableError rejects with itself (cause = err)', async () => {
    const original = new Error('404');
    const p = failing(new AbortError(original));
    const pErr = await rejection(pRetry(p.fn, { minTimeout: 0 }));
    const stop = new NonRetryableError('not found', { cause: original });
    const z = failing(stop);
    const zErr = await rejection(retryAsync(z.fn, fast()));
    expect([p.calls.n, z.calls.n]).toEqual([1, 1]);
    expect(pErr).toBe(original);
    expect(zErr).toBe(stop);
    expect((zErr as Error).cause).toBe(original);
  });

  it('a throwing onFailedAttempt ends p-retry with that error; a throwing onRetry is ignored by zenoo-retry', async () => {
    const hookError = new Error('hook');
    const p = failing();
    const pErr = await rejection(pRetry(p.fn, { minTimeout: 0, onFailedAttempt: () => { throw hookError; } }));
    const z = failing();
    const zErr = await rejection(retryAsync(z.fn, { ...fast(), onRetry: () => { throw hookError; } }));
    expect(pErr).toBe(hookError);
    expect(p.calls.n).toBe(1);
    expect(zErr).toBeInstanceOf(MaxRetriesExceededError);
    expect(z.calls.n).toBe(3);
  });

  it('a thrown non-Error: p-retry turns it into a TypeError and stops; zenoo-retry retries it and keeps it as lastError', async () => {
    const p = failing('oops');
    const pErr = await rejection(pRetry(p.fn, { minTimeout: 0 }));
    const z = failing('oops');
    const zErr = await rejection(retryAsync(z.fn, fast()));
    expect(p.calls.n).toBe(1);
    expect(pErr).toBeInstanceOf(TypeError);
    expect((pErr as Error).message).toMatch(/Non-error was thrown/);
    expect(z.calls.n).toBe(3);
    expect((zErr as MaxRetriesExceededError).lastError).toBe('oops');
  });

  it("a programming TypeError is not retried by either; fetch's network TypeError is retried by both", async () => {
    const bug = () => failing(new TypeError('x is not a function'));
    const p = bug();
    await rejection(pRetry(p.fn, { minTimeout: 0 }));
    const z = bug();
    await rejection(retryAsync(z.fn, fast()));
    expect([p.calls.n, z.calls.n]).toEqual([1, 1]);

    const url = `http://127.0.0.1:${await closedPort()}/`;
    let pn = 0;
    let zn = 0;
    await rejection(pRetry(() => (pn++, fetch(url)), { retries: 2, minTimeout: 0 }));
    await rejection(retryAsync(() => (zn++, fetch(url)), fast()));
    expect([pn, zn]).toEqual([3, 3]);
  });

  it('the schedule: p-retry { factor, minTimeout, maxTimeout } = ExponentialBackoffStrategy { multiplier, baseDelay, maxDelay, jitter: false }', async () => {
    vi.useFakeTimers();
    const waits: number[] = [];
    const spy = vi.spyOn(globalThis, 'setTimeout');
    const p = rejection(pRetry(() => Promise.reject(new Error('x')), { retries: 5, factor: 3, minTimeout: 100, maxTimeout: 5000 }));
    await vi.runAllTimersAsync();
    await p;
    for (const call of spy.mock.calls) waits.push(call[1] as number);
    spy.mockRestore();
    const strategy = new ExponentialBackoffStrategy({ maxAttempts: 6, baseDelay: 100, multiplier: 3, maxDelay: 5000, jitter: false });
    expect(waits).toEqual([...strategy.delays()]);
    expect(waits).toEqual([100, 300, 900, 2700, 5000]);
  });

  it('a total time limit: p-retry maxRetryTime lets a running attempt finish; zenoo-retry timeout ends the call at the deadline', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const slow = (signal?: AbortSignal) =>
      new Promise<string>((resolve, reject) => {
        const t = setTimeout(() => resolve('late'), 1000);
        signal?.addEventListener('abort', () => {
          clearTimeout(t);
          reject(signal.reason);
        });
      });
    // A clock that reads the (faked) globals at call time, so both libraries see the same time.
    const clock = {
      now: () => performance.now(),
      setTimeout: (f: () => void, ms: number) => setTimeout(f, ms),
      clearTimeout: (h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>),
    };
    const p = pRetry(() => slow(), { maxRetryTime: 100 });
    const z = rejection(retryAsync(({ signal }) => slow(signal), { timeout: 100, clock }));
    await vi.advanceTimersByTimeAsync(1000);
    expect(await p).toBe('late');
    expect(await z).toBeInstanceOf(RetryTimeoutError);
  });

  it('makeRetriable(fn, options) is asyncRetry(options)(fn)', async () => {
    let n = 0;
    const get = asyncRetry({ ...fast() })(async (x: number) => {
      if (++n < 2) throw new Error('flaky');
      return x * 2;
    });
    expect(await get(21)).toBe(42);
  });
});

describe('cockatiel 3 and zenoo-retry, side by side', () => {
  it('retry(handleAll, { maxAttempts: n }) makes n + 1 calls: it counts retries; zenoo-retry maxAttempts counts calls', async () => {
    const c = failing();
    await rejection(cockatielRetry(handleAll, { maxAttempts: 2 }).execute(c.fn));
    const z = failing();
    await rejection(retryAsync(z.fn, { ...fast(), maxAttempts: 3 }));
    expect([c.calls.n, z.calls.n]).toEqual([3, 3]);
  });

  it('context.attempt: cockatiel numbers the first call 0, zenoo-retry 1', async () => {
    const seen: number[][] = [[], []];
    await rejection(cockatielRetry(handleAll, { maxAttempts: 2 }).execute(({ attempt }) => (seen[0]?.push(attempt), Promise.reject(new Error('x')))));
    await rejection(retryAsync(({ attempt }) => (seen[1]?.push(attempt), Promise.reject(new Error('x'))), { ...fast(), maxAttempts: 3 }));
    expect(seen).toEqual([
      [0, 1, 2],
      [1, 2, 3],
    ]);
  });

  it('giving up: cockatiel rethrows the last error; zenoo-retry rejects with MaxRetriesExceededError', async () => {
    const last = new Error('down');
    const c = await rejection(cockatielRetry(handleAll, { maxAttempts: 1 }).execute(() => Promise.reject(last)));
    const z = await rejection(retryAsync(() => Promise.reject(last), { ...fast(), maxAttempts: 2 }));
    expect(c).toBe(last);
    expect((z as MaxRetriesExceededError).lastError).toBe(last);
  });

  it('handleType(Cls) is exceptions: [Cls]: other errors pass through at once', async () => {
    class Transient extends Error {}
    const other = failing(new Error('other'));
    await rejection(cockatielRetry(handleType(Transient), { maxAttempts: 2 }).execute(other.fn));
    const z = failing(new Error('other'));
    await rejection(retryAsync(z.fn, { ...fast(), maxAttempts: 3, exceptions: [Transient] }));
    expect([other.calls.n, z.calls.n]).toEqual([1, 1]);
  });

  it('ExponentialBackoff with noJitterGenerator = ExponentialBackoffStrategy with jitter: false (cockatiel defaults: 128 ms, ×2)', async () => {
    vi.useFakeTimers();
    const waits: number[] = [];
    const policy = cockatielRetry(handleAll, { maxAttempts: 4, backoff: new ExponentialBackoff({ generator: noJitterGenerator }) });
    policy.onRetry(({ delay }) => void waits.push(delay));
    const p = rejection(policy.execute(() => Promise.reject(new Error('x'))));
    await vi.runAllTimersAsync();
    await p;
    const strategy = new ExponentialBackoffStrategy({ maxAttempts: 5, baseDelay: 128, multiplier: 2, maxDelay: 30_000, jitter: false });
    expect(waits).toEqual([...strategy.delays()]);
    expect(waits).toEqual([128, 256, 512, 1024]);
  });

  it('circuitBreaker(handleAll, { breaker: new ConsecutiveBreaker(3) }) = new CircuitBreaker({ failureThreshold: 3 }): open rejects without calling', async () => {
    const cb = circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(3) });
    const zb = new CircuitBreaker({ failureThreshold: 3, recoveryTimeout: 10_000 });
    const c = failing();
    const z = failing();
    for (let i = 0; i < 3; i++) {
      await rejection(cb.execute(c.fn));
      await rejection(zb.execute(z.fn));
    }
    const cErr = await rejection(cb.execute(c.fn));
    const zErr = await rejection(zb.execute(z.fn));
    expect([c.calls.n, z.calls.n]).toEqual([3, 3]);
    expect(cErr).toBeInstanceOf(BrokenCircuitError);
    expect(zErr).toBeInstanceOf(CircuitOpenError);
    expect(zb.state).toBe('open');
  });

  it('wrap(retry, breaker) is retryAsync(fn, { circuitBreaker }): each attempt goes through the breaker, an open breaker ends the loop', async () => {
    const c = failing();
    const cPolicy = wrap(cockatielRetry(handleAll, { maxAttempts: 5 }), circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(2) }));
    const cErr = await rejection(cPolicy.execute(c.fn));
    const z = failing();
    const zErr = await rejection(retryAsync(z.fn, { ...fast(), maxAttempts: 6, circuitBreaker: new CircuitBreaker({ failureThreshold: 2 }) }));
    expect(c.calls.n).toBe(2);
    expect(cErr).toBeInstanceOf(BrokenCircuitError);
    expect(z.calls.n).toBe(2);
    expect(zErr).toBeInstanceOf(CircuitOpenError);
  });

  it('fallback(handleAll, value) around a retry is retryWithFallback({ fallbackValue })', async () => {
    const c = await wrap(fallback(handleAll, 'stale'), cockatielRetry(handleAll, { maxAttempts: 1 })).execute(() => Promise.reject(new Error('x')));
    const z = await retryWithFallback({ ...fast(), maxAttempts: 2, fallbackValue: 'stale' })(() => Promise.reject(new Error('x')))();
    expect([c, z]).toEqual(['stale', 'stale']);
  });
});
