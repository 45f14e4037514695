import { describe, expect, it } from 'vitest';
import {
  ADVANCED_CIRCUIT_BREAKER_DEFAULTS,
  AdvancedCircuitBreaker,
  type AdvancedCircuitBreakerOptions,
  MAX_COUNT_WINDOW_SIZE,
} from '../../src/breaker/advanced-circuit-breaker.js';
import { CircuitBreaker } from '../../src/breaker/circuit-breaker.js';
import { CircuitOpenError } from '../../src/errors/library-errors.js';
import { boom, ManualClock } from './helpers.js';

class Transient extends Error {}
class Permanent extends Error {}

const make = (options: AdvancedCircuitBreakerOptions = {}) => {
  const clock = new ManualClock(1000);
  const breaker = new AdvancedCircuitBreaker({ recoveryTimeout: 500, clock, ...options });
  const transitions: string[] = [];
  breaker.on('stateChange', (e) => transitions.push(`${e.from}->${e.to}@${e.at}`));
  return { clock, breaker, transitions };
};

const fail = (error: unknown = boom()) => () => {
  throw error;
};
const failTimes = async (breaker: CircuitBreaker, n: number, error: unknown = boom()) => {
  for (let i = 0; i < n; i++) await expect(breaker.execute(fail(error))).rejects.toBe(error);
};
const succeedTimes = async (breaker: CircuitBreaker, n: number) => {
  for (let i = 0; i < n; i++) await breaker.execute(() => i);
};
/** A call lasting `ms` on the manual clock. */
const lasting = (clock: ManualClock, ms: number, error?: unknown) => () => {
  clock.advance(ms);
  if (error !== undefined) throw error;
  return 'done';
};
function pending() {
  let resolve!: (v: string) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<string>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject, fn: () => promise };
}

describe('AdvancedCircuitBreaker options', () => {
  it('has the defaults of SPEC §6 (rate mode off), frozen', () => {
    expect(ADVANCED_CIRCUIT_BREAKER_DEFAULTS).toEqual({
      failureThreshold: 10,
      recoveryTimeout: 60_000,
      halfOpenMaxCalls: 3,
      expectedExceptions: undefined,
      successThreshold: 2,
      failureRateThreshold: undefined,
      slidingWindow: { type: 'count', size: 100, maxAge: Infinity },
      minimumThroughput: 10,
      slowCallDuration: undefined,
      slowCallRateThreshold: undefined,
      name: undefined,
    });
    expect(Object.isFrozen(ADVANCED_CIRCUIT_BREAKER_DEFAULTS)).toBe(true);
    expect(Object.isFrozen(ADVANCED_CIRCUIT_BREAKER_DEFAULTS.slidingWindow)).toBe(true);
  });

  it('uses the defaults: 10 consecutive failures, 60000 ms, 3 probes, 2 successes', async () => {
    const clock = new ManualClock();
    const breaker = new AdvancedCircuitBreaker({ clock });
    await failTimes(breaker, 9);
    expect(breaker.state).toBe('closed');
    await failTimes(breaker, 1);
    expect(breaker.state).toBe('open');
    clock.t = 59_999;
    expect(breaker.state).toBe('open');
    clock.t = 60_000;
    const probes = [pending(), pending(), pending()];
    const running = probes.map((p) => breaker.execute(p.fn));
    await expect(breaker.execute(() => 1)).rejects.toMatchObject({ retryAfter: 0 });
    probes[0]?.resolve('a');
    await running[0];
    expect(breaker.state).toBe('half-open');
    probes[1]?.resolve('b');
    await running[1];
    expect(breaker.state).toBe('closed');
  });

  it('is a CircuitBreaker (instanceof, and usable wherever one is)', () => {
    expect(new AdvancedCircuitBreaker()).toBeInstanceOf(CircuitBreaker);
  });

  it.each([
    [{ halfOpenMaxCalls: 0 }, RangeError, /`halfOpenMaxCalls` must be an integer >= 1, got 0/],
    [{ successThreshold: 1.5 }, RangeError, /`successThreshold`.*got 1.5/],
    [{ failureThreshold: -1 }, RangeError, /`failureThreshold`/],
    [{ failureRateThreshold: 0 }, RangeError, /`failureRateThreshold` must be a finite number > 0 and <= 1, got 0/],
    [{ failureRateThreshold: 1.2 }, RangeError, /`failureRateThreshold`.*got 1.2/],
    [{ slowCallRateThreshold: 0.5 }, TypeError, /`slowCallRateThreshold` needs `slowCallDuration`/],
    [{ slowCallDuration: 0 }, RangeError, /`slowCallDuration`.*got 0/],
    [{ slowCallDuration: 100, slowCallRateThreshold: -0.1 }, RangeError, /`slowCallRateThreshold`/],
    [{ failureRateThreshold: 0.5, slidingWindow: { type: 'sliding', size: 10 } }, RangeError, /`slidingWindow.type` must be one of 'count', 'time', got "sliding"/],
    [{ failureRateThreshold: 0.5, slidingWindow: { type: 'count', size: 0 } }, RangeError, /`slidingWindow.size`.*got 0/],
    [{ failureRateThreshold: 0.5, slidingWindow: { type: 'count', size: 2.5 } }, RangeError, /`slidingWindow.size`.*integer/],
    [{ failureRateThreshold: 0.5, slidingWindow: { type: 'count', size: 1_000_001 } }, RangeError, /`slidingWindow.size` must be .*<= 1000000, got 1000001/],
    [{ failureRateThreshold: 0.5, slidingWindow: { type: 'count', size: 1e308 } }, RangeError, /`slidingWindow.size` must be .*<= 1000000, got 1e\+308/],
    [{ failureRateThreshold: 0.5, slidingWindow: { type: 'time' } }, TypeError, /`slidingWindow.size`.*got undefined/],
    [{ failureRateThreshold: 0.5, slidingWindow: { type: 'time', size: 1000, maxAge: 10 } }, TypeError, /count windows only/],
    [{ failureRateThreshold: 0.5, slidingWindow: { type: 'count', size: 10, maxAge: 0 } }, RangeError, /`slidingWindow.maxAge`/],
    [{ failureRateThreshold: 0.5, slidingWindow: { type: 'count', size: 10, sizes: 3 } }, TypeError, /unknown option `sizes`/],
    [{ failureRateThreshold: 0.5, slidingWindow: 'count' }, TypeError, /`slidingWindow` must be/],
    [{ failureRateThreshold: 0.5, slidingWindow: { type: 'count', size: 5 }, minimumThroughput: 6 }, RangeError, /`minimumThroughput` must be <= `slidingWindow.size` \(5\)/],
    [{ failureRateThreshold: 0.5, minimumThroughput: 0 }, RangeError, /`minimumThroughput`/],
    [{ slidingWindow: { type: 'count', size: 10 } }, TypeError, /`slidingWindow` has no effect without `failureRateThreshold`/],
    [{ minimumThroughput: 5 }, TypeError, /`minimumThroughput` has no effect/],
    [{ expectedExceptions: [Transient, 3] }, TypeError, /`expectedExceptions\[1\]`/],
    [{ expectedException: Transient }, TypeError, /unknown option `expectedException`/],
  ])('rejects bad options at construction: %j', (options, type, message) => {
    expect(() => new AdvancedCircuitBreaker(options as never)).toThrow(type);
    expect(() => new AdvancedCircuitBreaker(options as never)).toThrow(message);
  });

  it('a count window holds at most MAX_COUNT_WINDOW_SIZE (1,000,000) calls; a time window has no such cap', () => {
    expect(MAX_COUNT_WINDOW_SIZE).toBe(1_000_000);
    expect(() => new AdvancedCircuitBreaker({ failureRateThreshold: 0.5, slidingWindow: { type: 'count', size: MAX_COUNT_WINDOW_SIZE } })).not.toThrow();
    expect(() => new AdvancedCircuitBreaker({ failureRateThreshold: 0.5, slidingWindow: { type: 'time', size: 10 * MAX_COUNT_WINDOW_SIZE } })).not.toThrow();
  });

  it('an explicit undefined never wipes a default', async () => {
    const clock = new ManualClock();
    const breaker = new AdvancedCircuitBreaker({ clock, failureThreshold: undefined, halfOpenMaxCalls: undefined });
    await failTimes(breaker, 10);
    expect(breaker.state).toBe('open');
  });
});

describe('AdvancedCircuitBreaker half-open', () => {
  it('admits at most halfOpenMaxCalls concurrent probes; a finished probe frees a slot', async () => {
    const { breaker, clock } = make({ failureThreshold: 1, halfOpenMaxCalls: 2, successThreshold: 3 });
    await failTimes(breaker, 1);
    clock.t = 1500;
    const a = pending();
    const b = pending();
    const ra = breaker.execute(a.fn);
    const rb = breaker.execute(b.fn);
    const rejected = await breaker.execute(() => 1).catch((e: unknown) => e);
    expect(rejected).toBeInstanceOf(CircuitOpenError);
    expect(rejected).toMatchObject({ retryAfter: 0 });
    expect((rejected as Error).message).toMatch(/2 probe slots are busy/);
    expect(breaker.getStats()).toMatchObject({ state: 'half-open', halfOpenCalls: 2 });
    a.resolve('a');
    await ra;
    expect(breaker.getStats()).toMatchObject({ halfOpenCalls: 1, halfOpenSuccesses: 1 });
    expect(await breaker.execute(() => 'third')).toBe('third');
    expect(breaker.state).toBe('half-open');
    b.resolve('b');
    await rb;
    expect(breaker.state).toBe('closed');
  });

  it('one failed probe re-opens it, even after successes', async () => {
    const { breaker, clock, transitions } = make({ failureThreshold: 1, successThreshold: 3 });
    await failTimes(breaker, 1);
    clock.t = 1500;
    await succeedTimes(breaker, 2);
    await failTimes(breaker, 1);
    expect(breaker.state).toBe('open');
    expect(transitions).toEqual(['closed->open@1000', 'open->half-open@1500', 'half-open->open@1500']);
  });

  it('a late failure of a probe from a previous round does not re-open a new round', async () => {
    const { breaker, clock } = make({ failureThreshold: 1, halfOpenMaxCalls: 1, successThreshold: 1 });
    await failTimes(breaker, 1);
    clock.t = 1500;
    const lost = pending();
    const r = breaker.execute(lost.fn).catch(() => {});
    clock.t = 2000; // lost → open at 2000
    clock.t = 2500; // half-open again
    await succeedTimes(breaker, 1);
    expect(breaker.state).toBe('closed');
    lost.reject(boom());
    await r;
    expect(breaker.state).toBe('closed');
  });
});

describe('AdvancedCircuitBreaker consecutive mode', () => {
  it('counts only expectedExceptions (classes and predicates)', async () => {
    const { breaker } = make({
      failureThreshold: 2,
      expectedExceptions: [Transient, (e) => (e as { code?: string }).code === 'ETIMEDOUT'],
    });
    await failTimes(breaker, 5, new Permanent());
    expect(breaker.state).toBe('closed');
    await failTimes(breaker, 1, new Transient());
    await failTimes(breaker, 1, Object.assign(new Error('t'), { code: 'ETIMEDOUT' }));
    expect(breaker.state).toBe('open');
  });

  it('an empty expectedExceptions list counts every error', async () => {
    const { breaker } = make({ failureThreshold: 2, expectedExceptions: [] });
    await failTimes(breaker, 2, new Permanent());
    expect(breaker.state).toBe('open');
  });

  it('slowCallDuration alone only reports slow calls in stats', async () => {
    const { breaker, clock } = make({ slowCallDuration: 100 });
    await breaker.execute(lasting(clock, 150));
    await breaker.execute(lasting(clock, 99));
    await breaker.execute(lasting(clock, 100));
    expect(breaker.getStats()).toMatchObject({ state: 'closed', calls: 3, slowCalls: 2, slowCallRate: 2 / 3 });
  });
});

describe('AdvancedCircuitBreaker failure-rate mode', () => {
  it('opens when the failure rate over a count window reaches the threshold, not before minimumThroughput', async () => {
    const { breaker } = make({
      failureRateThreshold: 0.5,
      slidingWindow: { type: 'count', size: 10 },
      minimumThroughput: 6,
      failureThreshold: 1, // unused in rate mode
    });
    await failTimes(breaker, 5);
    expect(breaker.state).toBe('closed');
    expect(breaker.getStats()).toMatchObject({ calls: 5, failures: 5, failureRate: 1 });
    await succeedTimes(breaker, 1);
    expect(breaker.state).toBe('open'); // 5/6 >= 0.5
  });

  it('stays closed while the rate is below the threshold, however many failures in a row were in it', async () => {
    const { breaker } = make({ failureRateThreshold: 0.5, slidingWindow: { type: 'count', size: 10 }, minimumThroughput: 10 });
    await succeedTimes(breaker, 6);
    await failTimes(breaker, 4);
    expect(breaker.getStats()).toMatchObject({ state: 'closed', failureRate: 0.4, consecutiveFailures: 4 });
    await failTimes(breaker, 1); // window: 5 successes + 5 failures
    expect(breaker.state).toBe('open');
  });

  it('only counted errors go into the window', async () => {
    const { breaker } = make({
      failureRateThreshold: 0.5,
      slidingWindow: { type: 'count', size: 4 },
      minimumThroughput: 4,
      expectedExceptions: [Transient],
    });
    await failTimes(breaker, 10, new Permanent());
    await succeedTimes(breaker, 2);
    await failTimes(breaker, 1, new Transient());
    expect(breaker.getStats()).toMatchObject({ calls: 3, failures: 1, state: 'closed' });
    await failTimes(breaker, 1, new Transient());
    expect(breaker.state).toBe('open');
  });

  it('a time window forgets failures from before an idle period (cockatiel #64)', async () => {
    const { breaker, clock } = make({
      failureRateThreshold: 0.5,
      slidingWindow: { type: 'time', size: 10_000 },
      minimumThroughput: 4,
    });
    await failTimes(breaker, 3);
    clock.advance(60 * 60_000);
    await failTimes(breaker, 1);
    expect(breaker.getStats()).toMatchObject({ state: 'closed', calls: 1, failures: 1 });
    await succeedTimes(breaker, 2);
    await failTimes(breaker, 1); // 2 of 4 in the window
    expect(breaker.state).toBe('open');
  });

  it('a time window keeps calls for at least size * 19/20 ms and at most size ms', async () => {
    const { breaker, clock } = make({ failureRateThreshold: 1, slidingWindow: { type: 'time', size: 2000 }, minimumThroughput: 5 });
    clock.t = 10_000; // start of a 100 ms bucket
    await failTimes(breaker, 1);
    clock.t = 11_899;
    expect(breaker.getStats().calls).toBe(1);
    clock.t = 12_000;
    expect(breaker.getStats().calls).toBe(0);
    clock.t = 12_099; // end of a bucket
    await failTimes(breaker, 1);
    clock.t = 13_999;
    expect(breaker.getStats().calls).toBe(1);
  });

  it('a count window with maxAge forgets outcomes older than maxAge', async () => {
    const { breaker, clock } = make({
      failureRateThreshold: 0.5,
      slidingWindow: { type: 'count', size: 10, maxAge: 5000 },
      minimumThroughput: 2,
    });
    await failTimes(breaker, 1);
    clock.advance(5000);
    await succeedTimes(breaker, 1);
    expect(breaker.getStats()).toMatchObject({ calls: 1, failures: 0, state: 'closed' });
  });

  it('opens on the slow-call rate; a slow call is measured by the injected clock', async () => {
    const { breaker, clock, transitions } = make({
      slowCallDuration: 1000,
      slowCallRateThreshold: 0.5,
      slidingWindow: { type: 'count', size: 4 },
      minimumThroughput: 4,
    });
    await breaker.execute(lasting(clock, 10));
    await breaker.execute(lasting(clock, 1000));
    await breaker.execute(lasting(clock, 10));
    expect(breaker.getStats()).toMatchObject({ calls: 3, slowCalls: 1, failures: 0 });
    await breaker.execute(lasting(clock, 2000));
    expect(breaker.state).toBe('open');
    expect(transitions).toEqual(['closed->open@4020']);
  });

  it('slow failures count as both failures and slow calls', async () => {
    const { breaker, clock } = make({
      failureRateThreshold: 1,
      slowCallDuration: 100,
      slowCallRateThreshold: 1,
      slidingWindow: { type: 'count', size: 10 },
      minimumThroughput: 5,
    });
    await expect(breaker.execute(lasting(clock, 200, boom()))).rejects.toThrow('boom');
    expect(breaker.getStats()).toMatchObject({ calls: 1, failures: 1, slowCalls: 1 });
  });

  it('a slow probe fails the probe when slowCallRateThreshold is set', async () => {
    const { breaker, clock } = make({
      slowCallDuration: 100,
      slowCallRateThreshold: 1,
      slidingWindow: { type: 'count', size: 2 },
      minimumThroughput: 2,
      successThreshold: 1,
    });
    await breaker.execute(lasting(clock, 100));
    await breaker.execute(lasting(clock, 100));
    expect(breaker.state).toBe('open');
    clock.advance(500);
    await breaker.execute(lasting(clock, 150));
    expect(breaker.state).toBe('open');
    clock.advance(500);
    await breaker.execute(lasting(clock, 50));
    expect(breaker.state).toBe('closed');
  });

  it('the executor-side BreakerGuard path takes the duration it is given', () => {
    const { breaker } = make({ slowCallDuration: 100, slowCallRateThreshold: 1, slidingWindow: { type: 'count', size: 2 }, minimumThroughput: 2 });
    breaker.onSuccess(breaker.acquirePermit(), 100);
    breaker.onFailure(breaker.acquirePermit(), boom(), 250);
    expect(breaker.state).toBe('open');
  });

  it('reads the clock in closed state only for what needs time (time window, maxAge, slow calls)', async () => {
    const reads = async (options: AdvancedCircuitBreakerOptions) => {
      const { breaker, clock } = make(options);
      const before = clock.reads;
      for (let i = 0; i < 20; i++) await breaker.execute(async () => i);
      for (let i = 0; i < 20; i++) breaker.onSuccess(breaker.acquirePermit(), 1);
      return clock.reads - before;
    };
    expect(await reads({})).toBe(0);
    expect(await reads({ failureRateThreshold: 0.5, slidingWindow: { type: 'count', size: 10 } })).toBe(0);
    expect(await reads({ failureRateThreshold: 0.5, slidingWindow: { type: 'count', size: 10, maxAge: 1000 } })).toBe(40);
    expect(await reads({ failureRateThreshold: 0.5, slidingWindow: { type: 'time', size: 1000 } })).toBe(40);
    expect(await reads({ slowCallDuration: 100 })).toBe(40); // execute: start and end; the guard path gets the duration
  });

  it('the window starts empty after every transition', async () => {
    const { breaker, clock } = make({
      failureRateThreshold: 0.5,
      slidingWindow: { type: 'count', size: 4 },
      minimumThroughput: 4,
      successThreshold: 1,
    });
    await failTimes(breaker, 4);
    clock.advance(500);
    await succeedTimes(breaker, 1);
    expect(breaker.getStats()).toMatchObject({ state: 'closed', calls: 0 });
    await failTimes(breaker, 3);
    expect(breaker.state).toBe('closed');
  });
});

describe('rate mode with windows that age (found by review)', () => {
  for (const slidingWindow of [
    { type: 'count' as const, size: 100, maxAge: 1000 },
    { type: 'time' as const, size: 1000 },
  ]) {
    it(`${slidingWindow.type} window${'maxAge' in slidingWindow ? ' with maxAge' : ''}: a success after older successes aged out opens at a rate above the threshold`, async () => {
      const clock = new ManualClock();
      const b = new AdvancedCircuitBreaker({ failureRateThreshold: 0.5, minimumThroughput: 4, slidingWindow, clock });
      for (let i = 0; i < 10; i++) await b.execute(() => 'ok');
      clock.advance(500);
      for (let i = 0; i < 6; i++) await b.execute(() => Promise.reject(new Error('x'))).catch(() => {});
      expect(b.state).toBe('closed'); // 6 of 16
      clock.advance(600); // the 10 successes leave the window
      await b.execute(() => 'ok'); // 6 of 7 once counted
      expect(b.state).toBe('open');
    });
  }
});

describe('options that were never given are never blamed (found by review)', () => {
  it('a count window smaller than the default minimumThroughput: the default shrinks to the size', async () => {
    const clock = new ManualClock();
    const b = new AdvancedCircuitBreaker({ failureRateThreshold: 0.5, slidingWindow: { type: 'count', size: 4 }, clock });
    for (let i = 0; i < 4; i++) await b.execute(() => Promise.reject(new Error('x'))).catch(() => {});
    expect(b.state).toBe('open');
  });

  it('a window without a rate threshold names the window, not minimumThroughput', () => {
    expect(() => new AdvancedCircuitBreaker({ slidingWindow: { type: 'count', size: 5 } })).toThrow(
      /`slidingWindow` has no effect without `failureRateThreshold`/,
    );
  });

  it('a minimumThroughput the caller gave above the size is still refused', () => {
    expect(() => new AdvancedCircuitBreaker({ failureRateThreshold: 0.5, minimumThroughput: 6, slidingWindow: { type: 'count', size: 5 } })).toThrow(
      RangeError,
    );
  });
});
