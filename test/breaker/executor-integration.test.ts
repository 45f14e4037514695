import { describe, expect, it, vi } from 'vitest';
import { AdvancedCircuitBreaker } from '../../src/breaker/advanced-circuit-breaker.js';
import { CircuitBreaker } from '../../src/breaker/circuit-breaker.js';
import { MemoryBreakerStore } from '../../src/breaker/memory-store.js';
import { retryAsync } from '../../src/core/retry-async.js';
import { VirtualClock } from '../../src/core/virtual-clock.js';
import { CircuitOpenError, MaxRetriesExceededError } from '../../src/errors/library-errors.js';
import { RetryPolicy } from '../../src/policies/retry-policy.js';
import { FixedDelayStrategy } from '../../src/strategies/fixed.js';
import { asyncStore } from './helpers.js';

/** Retries every error up to 10 attempts, 100 ms apart. */
const policy = () => new RetryPolicy({ strategy: new FixedDelayStrategy({ maxAttempts: 10, delay: 100 }) });

const down = () =>
  vi.fn(async (): Promise<string> => {
    throw new Error('down');
  });

/** Run a retryAsync call to completion in virtual time; resolves with its value or error. */
async function settle<T>(clock: VirtualClock, p: Promise<T>): Promise<T | unknown> {
  const caught = p.catch((e: unknown) => e);
  await clock.runAll();
  return caught;
}

describe('CircuitBreaker guarding retryAsync', () => {
  it('each attempt runs through the breaker; once it opens the retry loop ends at once with CircuitOpenError', async () => {
    const clock = new VirtualClock();
    const breaker = new CircuitBreaker({ failureThreshold: 3, recoveryTimeout: 10_000, clock });
    const fn = down();
    const error = await settle(clock, retryAsync(fn, { clock, policy: policy(), circuitBreaker: breaker }));
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect(fn).toHaveBeenCalledTimes(3); // not 10: the 3rd failure opened it
    // opened at t=200 by the 3rd failure; the next wait (100 ms) ends long before recovery, so
    // the call does not wait for a certain refusal: it rejects at t=200, with no 4th admission
    expect((error as CircuitOpenError).retryAfter).toBe(10_000);
    expect(clock.now()).toBe(200);
    expect(breaker.getStats().totals).toMatchObject({ admitted: 3, failed: 3, rejected: 0 });
  });

  it('an open breaker rejects the call before its first attempt, with no wait and no timer', async () => {
    const clock = new VirtualClock();
    const breaker = new CircuitBreaker({ failureThreshold: 1, recoveryTimeout: 5000, clock });
    await expect(breaker.execute(() => Promise.reject(new Error('x')))).rejects.toThrow('x');
    const fn = vi.fn(async () => 'never');
    const p = retryAsync(fn, { clock, policy: policy(), circuitBreaker: breaker });
    expect(clock.pending).toBe(0);
    await expect(p).rejects.toMatchObject({ name: 'CircuitOpenError', retryAfter: 5000 });
    expect(fn).not.toHaveBeenCalled();
  });

  it('successful attempts are recorded: a call that recovers keeps the breaker closed', async () => {
    const clock = new VirtualClock();
    const breaker = new CircuitBreaker({ failureThreshold: 3, clock });
    let n = 0;
    const value = await settle(
      clock,
      retryAsync(
        async () => {
          if (++n < 3) throw new Error('flaky');
          return 'ok';
        },
        { clock, policy: policy(), circuitBreaker: breaker },
      ),
    );
    expect(value).toBe('ok');
    expect(breaker.getStats()).toMatchObject({ state: 'closed', consecutiveFailures: 0, totals: { admitted: 3, failed: 2, succeeded: 1 } });
  });

  it('policy.circuitBreaker assigned after construction guards the call', async () => {
    const clock = new VirtualClock();
    const breaker = new CircuitBreaker({ failureThreshold: 2, clock });
    const p = policy();
    p.circuitBreaker = breaker;
    const fn = down();
    expect(await settle(clock, retryAsync(fn, { clock, policy: p }))).toBeInstanceOf(CircuitOpenError);
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('errors outside expectedException are retried without counting, until attempts run out', async () => {
    class Counted extends Error {}
    const clock = new VirtualClock();
    const breaker = new CircuitBreaker({ failureThreshold: 2, clock, expectedException: Counted });
    const fn = down();
    expect(await settle(clock, retryAsync(fn, { clock, policy: policy(), circuitBreaker: breaker }))).toBeInstanceOf(
      MaxRetriesExceededError,
    );
    expect(fn).toHaveBeenCalledTimes(10);
    expect(breaker.getStats()).toMatchObject({ state: 'closed', totals: { ignored: 10 } });
  });

  it('a retry that lands after recoveryTimeout is the half-open probe; its failure re-opens and ends the loop', async () => {
    const clock = new VirtualClock();
    const breaker = new CircuitBreaker({ failureThreshold: 2, recoveryTimeout: 150, clock });
    const transitions: string[] = [];
    breaker.on('stateChange', (e) => transitions.push(`${e.from}->${e.to}@${e.at}`));
    // opens the breaker at t=0 from outside
    await expect(breaker.execute(() => Promise.reject(new Error('a')))).rejects.toThrow();
    await expect(breaker.execute(() => Promise.reject(new Error('b')))).rejects.toThrow();
    clock.setTimeout(() => {}, 150);
    await clock.runAll(); // t = 150: due for a probe
    const fn = down();
    const error = await settle(clock, retryAsync(fn, { clock, policy: policy(), circuitBreaker: breaker }));
    expect(fn).toHaveBeenCalledTimes(1); // the probe; its failure re-opens for 150 ms > the 100 ms wait
    expect(error).toMatchObject({ name: 'CircuitOpenError', retryAfter: 150 });
    expect(clock.now()).toBe(150); // rejected at once, not after the wait
    expect(transitions).toEqual(['closed->open@0', 'open->half-open@150', 'half-open->open@150']);
  });

  it('a successful probe inside a retry loop closes the breaker', async () => {
    const clock = new VirtualClock();
    const breaker = new CircuitBreaker({ failureThreshold: 1, recoveryTimeout: 100, clock });
    await expect(breaker.execute(() => Promise.reject(new Error('a')))).rejects.toThrow();
    clock.setTimeout(() => {}, 100);
    await clock.runAll();
    expect(await settle(clock, retryAsync(async () => 'back', { clock, policy: policy(), circuitBreaker: breaker }))).toBe('back');
    expect(breaker.state).toBe('closed');
  });

  it('works with a breaker whose store answers with promises', async () => {
    const clock = new VirtualClock();
    const breaker = new CircuitBreaker({ failureThreshold: 2, clock, store: asyncStore(new MemoryBreakerStore()) });
    const fn = down();
    expect(await settle(clock, retryAsync(fn, { clock, policy: policy(), circuitBreaker: breaker }))).toBeInstanceOf(CircuitOpenError);
    expect(fn).toHaveBeenCalledTimes(2);
    expect(await settle(clock, retryAsync(async () => 1, { clock, policy: policy(), circuitBreaker: breaker }))).toBeInstanceOf(
      CircuitOpenError,
    );
  });

  it('concurrent calls in half-open: exactly halfOpenMaxCalls probes reach the service', async () => {
    const clock = new VirtualClock();
    const breaker = new AdvancedCircuitBreaker({ failureThreshold: 1, recoveryTimeout: 100, halfOpenMaxCalls: 2, successThreshold: 2, clock });
    await expect(breaker.execute(() => Promise.reject(new Error('a')))).rejects.toThrow();
    clock.setTimeout(() => {}, 100);
    await clock.runAll();
    let calls = 0;
    const service = async () => {
      calls++;
      await new Promise<void>((r) => clock.setTimeout(r, 10));
      return 'ok';
    };
    const results = await settle(
      clock,
      Promise.allSettled(Array.from({ length: 6 }, () => retryAsync(service, { clock, policy: policy(), circuitBreaker: breaker }))),
    );
    const statuses = (results as PromiseSettledResult<string>[]).map((r) => r.status);
    expect(calls).toBe(2);
    expect(statuses.filter((s) => s === 'fulfilled')).toHaveLength(2);
    expect(statuses.filter((s) => s === 'rejected')).toHaveLength(4);
    expect(breaker.state).toBe('closed');
  });
});

describe('found by review', () => {
  it('a wait that outlasts recoveryTimeout keeps its retry: that attempt is the probe', async () => {
    const clock = new VirtualClock();
    const breaker = new CircuitBreaker({ failureThreshold: 1, recoveryTimeout: 50, clock });
    let n = 0;
    const fn = vi.fn(async () => {
      if (++n === 1) throw new Error('down');
      return 'recovered';
    });
    const value = await settle(clock, retryAsync(fn, { clock, policy: policy(), circuitBreaker: breaker }));
    expect(value).toBe('recovered');
    expect(clock.now()).toBe(100);
    expect(breaker.state).toBe('closed');
  });

  it('breaker.retryAfter: the time left while open, 0 otherwise', async () => {
    const clock = new VirtualClock();
    const breaker = new CircuitBreaker({ failureThreshold: 1, recoveryTimeout: 1000, clock });
    expect(breaker.retryAfter).toBe(0);
    await breaker.execute(() => Promise.reject(new Error('x'))).catch(() => {});
    expect(breaker.retryAfter).toBe(1000);
    await clock.advance(400);
    expect(breaker.retryAfter).toBe(600);
    await clock.advance(600);
    expect(breaker.retryAfter).toBe(0); // half-open
  });

  it('execute() rejects (never throws) when the result has a throwing `then` getter, and frees the probe slot', async () => {
    const clock = new VirtualClock();
    const breaker = new CircuitBreaker({ failureThreshold: 1, recoveryTimeout: 1000, clock });
    await breaker.execute(() => Promise.reject(new Error('x'))).catch(() => {});
    await clock.advance(1000); // half-open: one probe slot
    const boom = new Error('then getter');
    const weird = {
      get then(): never {
        throw boom;
      },
    };
    let p: Promise<unknown> | undefined;
    expect(() => {
      p = breaker.execute(() => weird);
    }).not.toThrow();
    await expect(p).rejects.toBe(boom);
    expect(breaker.state).toBe('open'); // the probe failed, it did not leak
  });

  it('totals ignore the outcomes of calls admitted before reset()', async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 5 });
    let fail: (e: Error) => void = () => {};
    const p = breaker.execute(() => new Promise((_, reject) => (fail = reject))).catch(() => {});
    breaker.reset();
    fail(new Error('late'));
    await p;
    expect(breaker.getStats().totals).toEqual({ admitted: 0, rejected: 0, succeeded: 0, failed: 0, ignored: 0 });
  });
});

describe('an attempt the call gives up on does not hold its permit (found by review)', () => {
  const openAndWait = async (clock: VirtualClock, breaker: CircuitBreaker) => {
    await breaker.execute(() => Promise.reject(new Error('x'))).catch(() => {});
    await clock.advance(1000); // half-open: one probe slot
  };

  it('the total timeout ends a hung probe: it counts as a failure and the breaker re-opens at once', async () => {
    const clock = new VirtualClock();
    const breaker = new CircuitBreaker({ failureThreshold: 1, recoveryTimeout: 1000, clock });
    await openAndWait(clock, breaker);
    const p = retryAsync(() => new Promise(() => {}), { clock, policy: policy(), circuitBreaker: breaker, timeout: 200 });
    const outcome = p.catch((e: unknown) => e);
    await clock.advance(200);
    expect(await outcome).toMatchObject({ name: 'RetryTimeoutError' });
    expect(breaker.getStats()).toMatchObject({ state: 'open', halfOpenCalls: 0 });
  });

  it("the caller's abort frees the probe slot without counting: the next call is the probe", async () => {
    const clock = new VirtualClock();
    const breaker = new CircuitBreaker({ failureThreshold: 1, recoveryTimeout: 1000, clock });
    await openAndWait(clock, breaker);
    const controller = new AbortController();
    const p = retryAsync(() => new Promise(() => {}), { clock, policy: policy(), circuitBreaker: breaker, signal: controller.signal });
    const outcome = p.catch((e: unknown) => e);
    controller.abort(new Error('user cancelled'));
    expect(await outcome).toMatchObject({ message: 'user cancelled' });
    expect(breaker.state).toBe('half-open');
    await expect(breaker.execute(() => 'probe ok')).resolves.toBe('probe ok');
    expect(breaker.state).toBe('closed');
  });
});
