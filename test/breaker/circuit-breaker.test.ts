import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { describe, expect, it, vi } from 'vitest';
import { CIRCUIT_BREAKER_DEFAULTS, CircuitBreaker } from '../../src/breaker/circuit-breaker.js';
import { CircuitOpenError } from '../../src/errors/library-errors.js';
import { CHANNEL_NAMES } from '../../src/observability/diagnostics.js';
import { boom, ManualClock } from './helpers.js';

class Transient extends Error {}
class Permanent extends Error {}

const make = (options: ConstructorParameters<typeof CircuitBreaker>[0] = {}) => {
  const clock = new ManualClock(1000);
  const breaker = new CircuitBreaker({ failureThreshold: 3, recoveryTimeout: 500, clock, ...options });
  const events: unknown[] = [];
  breaker.on('stateChange', (e) => events.push({ ...e }));
  return { clock, breaker, events };
};

const fail = (error: unknown = boom()) => () => {
  throw error;
};

/** Drive `n` counted failures through `execute`. */
async function failTimes(breaker: CircuitBreaker, n: number, error: unknown = boom()) {
  for (let i = 0; i < n; i++) await expect(breaker.execute(fail(error))).rejects.toBe(error);
}

/** A call whose promise settles only when told. */
function pending<T = string>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject, fn: () => promise };
}

describe('CircuitBreaker options', () => {
  it('has the defaults of SPEC §6, frozen', () => {
    expect(CIRCUIT_BREAKER_DEFAULTS).toEqual({
      failureThreshold: 5,
      recoveryTimeout: 30_000,
      expectedException: undefined,
      name: undefined,
    });
    expect(Object.isFrozen(CIRCUIT_BREAKER_DEFAULTS)).toBe(true);
  });

  it('uses the defaults: 5 consecutive failures open it, 30000 ms later it half-opens', async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({ clock, failureThreshold: undefined });
    await failTimes(breaker, 4);
    expect(breaker.state).toBe('closed');
    await failTimes(breaker, 1);
    expect(breaker.state).toBe('open');
    clock.t = 29_999;
    expect(breaker.state).toBe('open');
    clock.t = 30_000;
    expect(breaker.state).toBe('half-open');
  });

  it.each([
    [{ failureThreshold: 0 }, RangeError, /`failureThreshold` must be an integer >= 1, got 0/],
    [{ failureThreshold: 2.5 }, RangeError, /`failureThreshold`.*got 2.5/],
    [{ failureThreshold: '5' }, TypeError, /`failureThreshold`.*got "5"/],
    [{ recoveryTimeout: 0 }, RangeError, /`recoveryTimeout` must be a finite number > 0, got 0/],
    [{ recoveryTimeout: -1 }, RangeError, /`recoveryTimeout`.*got -1/],
    [{ recoveryTimeout: Number.NaN }, RangeError, /`recoveryTimeout`.*got NaN/],
    [{ recoveryTimeout: Infinity }, RangeError, /`recoveryTimeout`.*got Infinity/],
    [{ expectedException: 'Error' }, TypeError, /`expectedException\[0\]`/],
    [{ name: '' }, TypeError, /`name` must be a non-empty string/],
    [{ clock: {} }, TypeError, /`clock` must be a Clock/],
    [{ store: { acquire() {} } }, TypeError, /`store` must be a BreakerStore/],
    [{ failureTreshold: 3 }, TypeError, /unknown option `failureTreshold`/],
  ])('rejects bad options at construction: %j', (options, type, message) => {
    expect(() => new CircuitBreaker(options as never)).toThrow(type);
    expect(() => new CircuitBreaker(options as never)).toThrow(message);
  });

  it('rejects options that are not an object', () => {
    expect(() => new CircuitBreaker(5 as never)).toThrow(TypeError);
    expect(() => new CircuitBreaker(null as never)).toThrow(TypeError);
  });
});

describe('CircuitBreaker in closed state', () => {
  it('passes values and errors through unchanged, sync or async', async () => {
    const { breaker } = make();
    expect(await breaker.execute(() => 42)).toBe(42);
    expect(await breaker.execute(async () => 'x')).toBe('x');
    const error = new Permanent('mine');
    await expect(breaker.execute(fail(error))).rejects.toBe(error);
    await expect(breaker.execute(() => Promise.reject(error))).rejects.toBe(error);
    const thenable: PromiseLike<number> = { then: ((ok: (v: number) => void) => ok(7)) as never };
    expect(await breaker.execute(() => thenable)).toBe(7);
  });

  it('execute rejects a non-function with a TypeError and counts nothing', async () => {
    const { breaker } = make();
    await expect(breaker.execute(42 as never)).rejects.toThrow(TypeError);
    expect(breaker.getStats().totals.admitted).toBe(0);
  });

  it('opens after failureThreshold consecutive counted failures (sync throws count)', async () => {
    const { breaker, events } = make();
    await failTimes(breaker, 2);
    expect(breaker.state).toBe('closed');
    await failTimes(breaker, 1);
    expect(breaker.state).toBe('open');
    expect(events).toEqual([{ from: 'closed', to: 'open', at: 1000 }]);
  });

  it('a success resets the consecutive count', async () => {
    const { breaker } = make();
    await failTimes(breaker, 2);
    await breaker.execute(() => 1);
    await failTimes(breaker, 2);
    expect(breaker.state).toBe('closed');
    expect(breaker.getStats().consecutiveFailures).toBe(2);
  });

  it('errors that do not match expectedException pass through without counting', async () => {
    const { breaker } = make({ expectedException: Transient });
    const other = new Permanent('not counted');
    for (let i = 0; i < 10; i++) await expect(breaker.execute(fail(other))).rejects.toBe(other);
    expect(breaker.state).toBe('closed');
    await failTimes(breaker, 2, new Transient());
    await expect(breaker.execute(fail(other))).rejects.toBe(other); // does not reset the streak either
    await failTimes(breaker, 1, new Transient());
    expect(breaker.state).toBe('open');
    expect(breaker.getStats().totals).toMatchObject({ failed: 3, ignored: 11 });
  });

  it('expectedException accepts predicates and lists; a throwing predicate is "no match"', async () => {
    const byCode = make({ expectedException: (e) => (e as { code?: string }).code === 'ECONNRESET' }).breaker;
    await failTimes(byCode, 3, Object.assign(new Error('x'), { code: 'EPIPE' }));
    expect(byCode.state).toBe('closed');
    await failTimes(byCode, 3, Object.assign(new Error('x'), { code: 'ECONNRESET' }));
    expect(byCode.state).toBe('open');

    const throwing = make({
      expectedException: () => {
        throw new Error('bad predicate');
      },
    }).breaker;
    await failTimes(throwing, 5);
    expect(throwing.state).toBe('closed');

    const list = make({ expectedException: [Transient, Permanent] }).breaker;
    await failTimes(list, 3, new Permanent());
    expect(list.state).toBe('open');
  });

  it("a CircuitOpenError from an inner breaker never counts as this breaker's failure", async () => {
    const { breaker } = make();
    const inner = new CircuitOpenError({ retryAfter: 10 });
    for (let i = 0; i < 5; i++) await expect(breaker.execute(fail(inner))).rejects.toBe(inner);
    expect(breaker.state).toBe('closed');
  });

  it('reads no clock on the closed fast path (no time window, no slow-call detection)', async () => {
    const { breaker, clock } = make();
    const before = clock.reads;
    for (let i = 0; i < 50; i++) await breaker.execute(async () => i);
    for (let i = 0; i < 50; i++) breaker.onSuccess(breaker.acquirePermit(), 5);
    expect(clock.reads).toBe(before);
  });
});

describe('CircuitBreaker open and half-open', () => {
  it('open rejects at once with CircuitOpenError carrying retryAfter, without calling fn', async () => {
    const { breaker, clock } = make({ name: 'payments' });
    await failTimes(breaker, 3);
    clock.t = 1200;
    const fn = vi.fn(() => 1);
    const error = await breaker.execute(fn).catch((e: unknown) => e);
    expect(fn).not.toHaveBeenCalled();
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect(error).toMatchObject({ retryAfter: 300, name: 'CircuitOpenError' });
    expect((error as Error).message).toBe('Circuit "payments" is open; retry after 300 ms');
    expect(() => breaker.acquirePermit()).toThrow(CircuitOpenError);
    expect(breaker.getStats().totals.rejected).toBe(2);
  });

  it('reads half-open lazily once recoveryTimeout has passed, with the transition stamped at that moment', async () => {
    const { breaker, clock, events } = make();
    await failTimes(breaker, 3);
    clock.t = 1499;
    expect(breaker.state).toBe('open');
    clock.t = 1800;
    expect(breaker.state).toBe('half-open');
    expect(events).toEqual([
      { from: 'closed', to: 'open', at: 1000 },
      { from: 'open', to: 'half-open', at: 1500 },
    ]);
    expect(breaker.getStats().lastTransitionAt).toBe(1500);
  });

  it('admits exactly one probe; the others are rejected with retryAfter 0 while it runs', async () => {
    const { breaker, clock } = make();
    await failTimes(breaker, 3);
    clock.t = 1500;
    const probe = pending();
    const running = breaker.execute(probe.fn);
    const fn = vi.fn();
    const rejected = await breaker.execute(fn).catch((e: unknown) => e);
    expect(rejected).toMatchObject({ retryAfter: 0 });
    expect((rejected as Error).message).toMatch(/half-open and its 1 probe slot is busy/);
    expect(fn).not.toHaveBeenCalled();
    probe.resolve('ok');
    expect(await running).toBe('ok');
    expect(breaker.state).toBe('closed');
  });

  it('a successful probe closes it; counters start fresh', async () => {
    const { breaker, clock, events } = make();
    await failTimes(breaker, 3);
    clock.t = 1600;
    expect(await breaker.execute(() => 'probe')).toBe('probe');
    expect(breaker.state).toBe('closed');
    expect(events.at(-1)).toEqual({ from: 'half-open', to: 'closed', at: 1600 });
    await failTimes(breaker, 2);
    expect(breaker.state).toBe('closed');
  });

  it('a failed probe re-opens it for a full recoveryTimeout from the failure', async () => {
    const { breaker, clock, events } = make();
    await failTimes(breaker, 3);
    clock.t = 1700;
    await failTimes(breaker, 1);
    expect(breaker.state).toBe('open');
    expect(events.at(-1)).toEqual({ from: 'half-open', to: 'open', at: 1700 });
    clock.t = 2199;
    await expect(breaker.execute(() => 1)).rejects.toMatchObject({ retryAfter: 1 });
    clock.t = 2200;
    expect(breaker.state).toBe('half-open');
  });

  it('a probe failing with a non-counted error frees the slot without closing or re-opening', async () => {
    const { breaker, clock } = make({ expectedException: Transient });
    await failTimes(breaker, 3, new Transient());
    clock.t = 1500;
    await expect(breaker.execute(fail(new Permanent()))).rejects.toBeInstanceOf(Permanent);
    expect(breaker.state).toBe('half-open');
    expect(breaker.getStats().halfOpenCalls).toBe(0);
    expect(await breaker.execute(() => 'next probe')).toBe('next probe');
    expect(breaker.state).toBe('closed');
  });

  it('a probe that never settles is lost after recoveryTimeout: it re-opens, then probes again (never stuck)', async () => {
    const { breaker, clock, events } = make();
    await failTimes(breaker, 3);
    clock.t = 1500;
    const lost = pending();
    void breaker.execute(lost.fn);
    clock.t = 1999;
    await expect(breaker.execute(() => 1)).rejects.toMatchObject({ retryAfter: 0 });
    clock.t = 2000;
    expect(breaker.state).toBe('open');
    clock.t = 2500;
    expect(await breaker.execute(() => 'fresh probe')).toBe('fresh probe');
    expect(breaker.state).toBe('closed');
    lost.resolve('late'); // a late outcome of a lost probe is stale
    await lost.promise;
    expect(breaker.state).toBe('closed');
    expect(events.map((e) => (e as { to: string }).to)).toEqual(['open', 'half-open', 'open', 'half-open', 'closed']);
  });

  it('releasePermit frees a probe slot that will not be used', async () => {
    const { breaker, clock } = make();
    await failTimes(breaker, 3);
    clock.t = 1500;
    const permit = breaker.acquirePermit();
    expect(() => breaker.acquirePermit()).toThrow(CircuitOpenError);
    breaker.releasePermit(permit);
    expect(breaker.state).toBe('half-open');
    expect(() => breaker.acquirePermit()).not.toThrow();
  });
});

describe('CircuitBreaker under concurrency', () => {
  it('many calls failing in flight open it once; late outcomes of that era are ignored', async () => {
    const { breaker, clock, events } = make();
    const calls = Array.from({ length: 20 }, () => pending());
    const results = calls.map((c) => breaker.execute(c.fn).catch((e: unknown) => e));
    for (const c of calls.slice(0, 10)) c.reject(boom());
    await Promise.all(results.slice(0, 10));
    expect(breaker.state).toBe('open');
    clock.t = 1500;
    const probe = pending();
    const probing = breaker.execute(probe.fn);
    for (const c of calls.slice(10)) c.resolve('late success'); // closed-era: must not close it
    await Promise.all(results);
    expect(breaker.state).toBe('half-open');
    probe.reject(boom());
    await expect(probing).rejects.toThrow('boom');
    expect(breaker.state).toBe('open');
    expect(events).toEqual([
      { from: 'closed', to: 'open', at: 1000 },
      { from: 'open', to: 'half-open', at: 1500 },
      { from: 'half-open', to: 'open', at: 1500 },
    ]);
  });

  it('successes of the closed era that finish after it opened do not reset anything', async () => {
    const { breaker } = make();
    const slow = pending();
    const running = breaker.execute(slow.fn);
    await failTimes(breaker, 3);
    slow.resolve('done');
    await running;
    expect(breaker.state).toBe('open');
  });
});

describe('CircuitBreaker events, reset and stats', () => {
  it('listeners get frozen { from, to, at }; off removes; adding twice registers once', async () => {
    const { breaker } = make();
    const seen: unknown[] = [];
    const listener = (e: unknown) => seen.push(e);
    expect(breaker.on('stateChange', listener)).toBe(breaker);
    breaker.on('stateChange', listener);
    await failTimes(breaker, 3);
    expect(seen).toHaveLength(1);
    expect(Object.isFrozen(seen[0])).toBe(true);
    expect(breaker.off('stateChange', listener)).toBe(breaker);
    breaker.reset();
    expect(seen).toHaveLength(1);
  });

  it('a throwing or rejecting listener breaks nothing, and later listeners still run', async () => {
    const { breaker, clock } = make();
    const later = vi.fn();
    breaker.on('stateChange', () => {
      throw new Error('listener bug');
    });
    breaker.on('stateChange', () => Promise.reject(new Error('async listener bug')));
    breaker.on('stateChange', later);
    await failTimes(breaker, 3);
    clock.t = 1500;
    expect(await breaker.execute(() => 'ok')).toBe('ok');
    expect(later).toHaveBeenCalledTimes(3);
  });

  it('a listener removing itself during an event does not disturb the others', async () => {
    const { breaker } = make();
    const second = vi.fn();
    const first = () => breaker.off('stateChange', first);
    breaker.on('stateChange', first).on('stateChange', second);
    await failTimes(breaker, 3);
    expect(second).toHaveBeenCalledTimes(1);
  });

  it('rejects unknown events and non-function listeners', () => {
    const { breaker } = make();
    expect(() => breaker.on('open' as never, () => {})).toThrow(TypeError);
    expect(() => breaker.on('stateChange', 'x' as never)).toThrow(TypeError);
  });

  it('publishes every transition on the zenoo-retry:circuit diagnostics channel', async () => {
    const { breaker } = make({ name: 'db' });
    const got: unknown[] = [];
    const sub = (m: unknown) => got.push(m);
    subscribe(CHANNEL_NAMES.circuit, sub);
    try {
      await failTimes(breaker, 3);
    } finally {
      unsubscribe(CHANNEL_NAMES.circuit, sub);
    }
    expect(got).toEqual([{ breaker, name: 'db', from: 'closed', to: 'open', at: 1000 }]);
  });

  it('reset() closes it, emits the change, clears totals, and outcomes in flight no longer count', async () => {
    const { breaker, clock, events } = make();
    const inFlight = pending();
    const running = breaker.execute(inFlight.fn).catch(() => {});
    await failTimes(breaker, 3);
    clock.t = 1100;
    breaker.reset();
    expect(breaker.state).toBe('closed');
    expect(events.at(-1)).toEqual({ from: 'open', to: 'closed', at: 1100 });
    expect(breaker.getStats().totals).toEqual({ admitted: 0, rejected: 0, succeeded: 0, failed: 0, ignored: 0 });
    await failTimes(breaker, 2);
    inFlight.reject(boom()); // admitted before the reset: stale
    await running;
    expect(breaker.state).toBe('closed');
    expect(breaker.getStats().consecutiveFailures).toBe(2);
  });

  it('getStats reports counts, rates, state and the last transition time', async () => {
    const { breaker, clock } = make({ expectedException: Transient });
    await breaker.execute(() => 1);
    await failTimes(breaker, 1, new Transient());
    await expect(breaker.execute(fail(new Permanent()))).rejects.toBeInstanceOf(Permanent);
    await breaker.execute(() => 1);
    await failTimes(breaker, 1, new Transient());
    expect(breaker.getStats()).toEqual({
      state: 'closed',
      lastTransitionAt: 1000,
      consecutiveFailures: 1,
      calls: 4,
      failures: 2,
      slowCalls: 0,
      failureRate: 0.5,
      slowCallRate: 0,
      halfOpenCalls: 0,
      halfOpenSuccesses: 0,
      totals: { admitted: 5, rejected: 0, succeeded: 2, failed: 2, ignored: 1 },
    });
    await failTimes(breaker, 2, new Transient());
    clock.t = 1234;
    expect(breaker.getStats()).toMatchObject({ state: 'open', lastTransitionAt: 1000, calls: 0, failureRate: 0 });
    expect(Object.isFrozen(breaker.getStats())).toBe(true);
  });

  it('onSuccess/onFailure never throw, whatever the permit', () => {
    const { breaker } = make();
    for (const permit of [undefined, null, -1, 'x', {}, 99]) {
      expect(() => breaker.onSuccess(permit, 1)).not.toThrow();
      expect(() => breaker.onFailure(permit, boom(), 1)).not.toThrow();
    }
    expect(breaker.state).toBe('closed');
  });

  it('holds no timers: the test clock refuses setTimeout through a whole open → half-open → closed cycle', async () => {
    const { breaker, clock } = make();
    await failTimes(breaker, 3);
    clock.t = 5000;
    await breaker.execute(() => 1);
    expect(breaker.state).toBe('closed');
  });
});
