import { afterEach, describe, expect, it, vi } from 'vitest';
import { CircuitBreaker } from '../../src/breaker/circuit-breaker.js';
import { retryAsync } from '../../src/core/retry-async.js';
import { flush } from '../../src/core/virtual-clock.js';
import { RetryTimeoutError } from '../../src/errors/library-errors.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('executor edges', () => {
  it("a caller's abort frees the breaker permit and counts no failure", async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1 });
    const ac = new AbortController();
    const p = retryAsync(({ signal }) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))), {
      signal: ac.signal,
      circuitBreaker: breaker,
    });
    const caught = p.catch((e: unknown) => e);
    await flush();
    ac.abort(new Error('user cancelled'));
    expect(((await caught) as Error).message).toBe('user cancelled');
    await flush();
    expect(breaker.state).toBe('closed');
  });

  it('many calls sharing one signal add one abort listener and all settle on abort', async () => {
    const ac = new AbortController();
    const add = vi.spyOn(ac.signal, 'addEventListener');
    const remove = vi.spyOn(ac.signal, 'removeEventListener');
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    const calls = Array.from({ length: 50 }, () => retryAsync(() => new Promise(() => {}), { signal: ac.signal }).catch((e: unknown) => e));
    expect(add).toHaveBeenCalledTimes(1);
    ac.abort('stop');
    expect(await Promise.all(calls)).toEqual(Array(50).fill('stop'));
    const done = Array.from({ length: 20 }, () => retryAsync(async () => 1, { signal: new AbortController().signal }));
    await Promise.all(done);
    await flush();
    process.off('warning', onWarning);
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    expect(remove).not.toHaveBeenCalled(); // the abort itself removed the once-listener
  });

  it('the last call leaving a shared signal removes its listener', async () => {
    const ac = new AbortController();
    const remove = vi.spyOn(ac.signal, 'removeEventListener');
    await Promise.all([retryAsync(async () => 1, { signal: ac.signal }), retryAsync(async () => 2, { signal: ac.signal })]);
    expect(remove).toHaveBeenCalledTimes(1);
  });

  it('deadlines still fire after fake timers were installed and removed', async () => {
    vi.useFakeTimers();
    await retryAsync(() => 'ok', { timeout: 30 });
    vi.useRealTimers();
    const p = retryAsync(() => new Promise(() => {}), { timeout: 30 });
    await expect(p).rejects.toBeInstanceOf(RetryTimeoutError);
  });

  it('a total timeout under vitest fake timers fires when time is advanced', async () => {
    vi.useFakeTimers();
    const p = retryAsync(() => new Promise(() => {}), { timeout: 5000 });
    const check = expect(p).rejects.toBeInstanceOf(RetryTimeoutError);
    await vi.advanceTimersByTimeAsync(5000);
    await check;
  });
});

describe('currentAttempt()', () => {
  it('is the running attempt during the synchronous part of fn, undefined outside', async () => {
    const { currentAttempt } = await import('../../src/core/retry-async.js');
    const { asyncRetry } = await import('../../src/decorators/wrappers.js');
    const { VirtualClock } = await import('../../src/core/virtual-clock.js');
    const clock = new VirtualClock();
    const seen: Array<{ attempt: number | undefined; signal: AbortSignal | undefined }> = [];
    const wrapped = asyncRetry({ maxAttempts: 3, attemptTimeout: 100, clock, delay: 1 })(async (x: number) => {
      const a = currentAttempt();
      seen.push({ attempt: a?.attempt, signal: a?.signal });
      if (seen.length === 1) return new Promise<number>(() => {}); // hangs: the attempt timeout aborts it
      return x * 2;
    });
    expect(currentAttempt()).toBeUndefined();
    const p = wrapped(21);
    expect(currentAttempt()).toBeUndefined();
    await clock.runAll();
    expect(await p).toBe(42);
    expect(seen.map((s) => s.attempt)).toEqual([1, 2]);
    expect(seen[0]!.signal!.aborted).toBe(true);
    expect(seen[1]!.signal!.aborted).toBe(false);
  });
});
