import { afterEach, describe, expect, it, vi } from 'vitest';
import { asyncRetry } from '../../src/decorators/wrappers.js';
import { withSignal } from '../../src/decorators/call-signal.js';
import { MaxRetriesExceededError, RetryTimeoutError } from '../../src/errors/library-errors.js';
import { ValidationError } from '../../src/errors/vocabulary.js';
import { RetryPolicy } from '../../src/policies/retry-policy.js';
import { ExponentialBackoffStrategy } from '../../src/strategies/exponential.js';
import { FixedDelayStrategy } from '../../src/strategies/fixed.js';
import { LinearBackoffStrategy } from '../../src/strategies/linear.js';
import { RecordingClock, flaky } from '../helpers/recording-clock.js';

const strategy = () => new ExponentialBackoffStrategy({ maxAttempts: 5, baseDelay: 100, jitter: false });
const policy = () => new RetryPolicy({ strategy: strategy() });

afterEach(() => {
  vi.useRealTimers();
});

describe('asyncRetry(options)(fn): the higher-order form', () => {
  it('retries and resolves with the first success, waiting the strategy delays', async () => {
    const clock = new RecordingClock();
    const fn = flaky(2, 'ok');
    const p = asyncRetry({ clock, policy: policy() })(fn)();
    await clock.runAll();
    await expect(p).resolves.toBe('ok');
    expect(fn.calls).toBe(3);
    expect(clock.delays).toEqual([100, 200]);
  });

  it('preserves this and the arguments on every attempt', async () => {
    const clock = new RecordingClock();
    const seen: unknown[] = [];
    const target = {
      base: 10,
      add: asyncRetry({ clock, policy: policy() })(function (this: { base: number }, a: number, b: number) {
        seen.push([this, a, b]);
        if (seen.length < 3) throw new Error('again');
        return this.base + a + b;
      }),
    };
    const p = target.add(1, 2);
    await clock.runAll();
    await expect(p).resolves.toBe(13);
    expect(seen).toEqual([
      [target, 1, 2],
      [target, 1, 2],
      [target, 1, 2],
    ]);
  });

  it('keeps the function name and length', () => {
    async function loadUser(_id: string, _opts?: object) {
      return 1;
    }
    const wrapped = asyncRetry()(loadUser);
    expect(wrapped.name).toBe('loadUser');
    expect(wrapped.length).toBe(loadUser.length);
  });

  it('returns a Promise even for a synchronous function, and turns its throw into a rejection', async () => {
    const wrapped = asyncRetry({ maxAttempts: 1 })((x: number) => {
      if (x < 0) throw new ValidationError('negative');
      return x * 2;
    });
    const ok = wrapped(2);
    expect(ok).toBeInstanceOf(Promise);
    await expect(ok).resolves.toBe(4);
    await expect(wrapped(-1)).rejects.toBeInstanceOf(ValidationError);
  });

  it('maxAttempts counts the first call; exhaustion rejects with MaxRetriesExceededError', async () => {
    const clock = new RecordingClock();
    const fn = flaky(10, 'never');
    const p = asyncRetry({ clock, policy: policy(), maxAttempts: 3 })(fn)();
    const check = expect(p).rejects.toBeInstanceOf(MaxRetriesExceededError);
    await clock.runAll();
    await check;
    expect(fn.calls).toBe(3);
  });

  it('works with vitest fake timers and the real clock', async () => {
    vi.useFakeTimers();
    const fn = flaky(2, 'done');
    const p = asyncRetry({ policy: policy() })(fn)();
    await vi.advanceTimersByTimeAsync(100);
    expect(fn.calls).toBe(2);
    await vi.advanceTimersByTimeAsync(200);
    await expect(p).resolves.toBe('done');
    expect(fn.calls).toBe(3);
  });

  it('each call is independent: concurrent calls keep their own attempts and arguments', async () => {
    const clock = new RecordingClock();
    const counts = new Map<string, number>();
    const wrapped = asyncRetry({ clock, policy: policy() })(async (key: string) => {
      const n = (counts.get(key) ?? 0) + 1;
      counts.set(key, n);
      if (n < (key === 'a' ? 2 : 3)) throw new Error(key);
      return `${key}${n}`;
    });
    const both = Promise.all([wrapped('a'), wrapped('b')]);
    await clock.runAll();
    await expect(both).resolves.toEqual(['a2', 'b3']);
  });
});

describe('bad configuration fails at wrap time', () => {
  it('maxAttempts: 0 is a RangeError naming the wrapper, the option and the value', () => {
    expect(() => asyncRetry({ maxAttempts: 0 })).toThrow(RangeError);
    expect(() => asyncRetry({ maxAttempts: 0 })).toThrow(/^asyncRetry: `maxAttempts` must be an integer >= 1, got 0$/);
  });

  it('backoffMultiplier with a fixed-delay or linear strategy is a TypeError', () => {
    expect(() => asyncRetry({ strategy: new FixedDelayStrategy(), backoffMultiplier: 2 })).toThrow(TypeError);
    expect(() => asyncRetry({ strategy: new FixedDelayStrategy(), backoffMultiplier: 2 })).toThrow(/asyncRetry: .*backoffMultiplier/);
    expect(() => asyncRetry({ strategy: new LinearBackoffStrategy(), backoffMultiplier: 2 })).toThrow(TypeError);
  });

  it('negative delays, non-finite numbers and unknown keys are refused', () => {
    expect(() => asyncRetry({ delay: -1 })).toThrow(/asyncRetry: `delay` must be a finite number >= 0, got -1/);
    expect(() => asyncRetry({ maxDelay: Number.NaN })).toThrow(RangeError);
    expect(() => asyncRetry({ timeout: 0 })).toThrow(/`timeout`/);
    // @ts-expect-error a typo is caught by the types too
    expect(() => asyncRetry({ maxAttempt: 3 })).toThrow(/asyncRetry: unknown option `maxAttempt`/);
  });

  it('keeps the original error as cause', () => {
    try {
      asyncRetry({ maxAttempts: -2 });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).cause).toBeInstanceOf(RangeError);
    }
  });

  it('a function given as options explains the missing parentheses', () => {
    // @ts-expect-error asyncRetry takes options, not the function
    expect(() => asyncRetry(async () => 1)).toThrow(/write @asyncRetry\(\) \(with parentheses\) or asyncRetry\(\)\(fn\)/);
  });

  it('wrapping something that is not a function is a TypeError', () => {
    const wrap = asyncRetry() as unknown as (x: unknown) => unknown;
    expect(() => wrap(42)).toThrow(/asyncRetry: expected a function to wrap or a method to decorate, got 42/);
  });
});

describe('overrides derive new objects; a shared policy is never mutated', () => {
  it('two wrappers sharing one policy keep their own overrides, and the policy keeps its strategy', async () => {
    const shared = policy();
    const before = shared.strategy;
    const clock = new RecordingClock();
    const fast = asyncRetry({ clock, policy: shared, maxAttempts: 2, delay: 1 });
    const slow = asyncRetry({ clock, policy: shared, maxAttempts: 4, delay: 1000, backoffMultiplier: 3, maxDelay: 5000 });
    const f1 = flaky(10, 0);
    const f2 = flaky(10, 0);
    const p1 = fast(f1)().catch((e: unknown) => e);
    const p2 = slow(f2)().catch((e: unknown) => e);
    await clock.runAll();
    expect(await p1).toBeInstanceOf(MaxRetriesExceededError);
    expect(await p2).toBeInstanceOf(MaxRetriesExceededError);
    expect(f1.calls).toBe(2);
    expect(f2.calls).toBe(4);
    expect([...clock.delays].sort((a, b) => a - b)).toEqual([1, 1000, 3000, 5000]); // 9000 capped at maxDelay
    expect(shared.strategy).toBe(before);
    expect(shared.strategy.maxAttempts).toBe(5);
    expect((shared.strategy as ExponentialBackoffStrategy).baseDelay).toBe(100);
    expect((shared.strategy as ExponentialBackoffStrategy).multiplier).toBe(2);
  });

  it('the options object is not changed', () => {
    const options = Object.freeze({ maxAttempts: 2, delay: 5, policy: policy() });
    expect(() => asyncRetry(options)(async () => 1)).not.toThrow();
    expect(Object.keys(options)).toEqual(['maxAttempts', 'delay', 'policy']);
  });
});

describe('per-call signals', () => {
  it('wrapped.withSignal(signal) aborts that call (and only that one) with signal.reason', async () => {
    const clock = new RecordingClock();
    const fn = flaky(10, 'x');
    const wrapped = asyncRetry({ clock, policy: policy() })(fn);
    const controller = new AbortController();
    const cancelled = wrapped.withSignal(controller.signal)();
    const other = wrapped();
    const check = expect(cancelled).rejects.toBe('stop');
    await clock.advance(150);
    controller.abort('stop');
    await check;
    const otherCheck = expect(other).rejects.toBeInstanceOf(MaxRetriesExceededError);
    await clock.runAll();
    await otherCheck;
  });

  it('withSignal keeps the parameters and this', async () => {
    const obj = {
      k: 2,
      mul: asyncRetry({ maxAttempts: 1 })(function (this: { k: number }, x: number) {
        return this.k * x;
      }),
    };
    const controller = new AbortController();
    const bound = obj.mul.withSignal(controller.signal);
    await expect(bound.call(obj, 21)).resolves.toBe(42);
  });

  it('an already aborted per-call signal rejects without calling fn', async () => {
    const fn = vi.fn(async () => 1);
    await expect(asyncRetry()(fn).withSignal(AbortSignal.abort('early'))()).rejects.toBe('early');
    expect(fn).not.toHaveBeenCalled();
  });

  it('joined with the options signal: either aborts the call; listeners are removed when it settles', async () => {
    const clock = new RecordingClock();
    const base = new AbortController();
    const added: string[] = [];
    const removed: string[] = [];
    const spy = (signal: AbortSignal, name: string) => {
      const add = signal.addEventListener.bind(signal);
      const remove = signal.removeEventListener.bind(signal);
      signal.addEventListener = ((type: string, l: EventListener, o?: AddEventListenerOptions) => {
        added.push(name);
        add(type, l, o);
      }) as typeof signal.addEventListener;
      signal.removeEventListener = ((type: string, l: EventListener) => {
        removed.push(name);
        remove(type, l);
      }) as typeof signal.removeEventListener;
    };
    spy(base.signal, 'base');
    const wrapped = asyncRetry({ clock, policy: policy(), signal: base.signal })(flaky(1, 'ok'));
    const call = new AbortController();
    spy(call.signal, 'call');
    const p = wrapped.withSignal(call.signal)();
    await clock.runAll();
    await expect(p).resolves.toBe('ok');
    expect(added.sort()).toEqual(['base', 'call']);
    expect(removed.sort()).toEqual(['base', 'call']);

    const p2 = wrapped.withSignal(new AbortController().signal)();
    const check = expect(p2).rejects.toBe('shutdown');
    base.abort('shutdown');
    await check;
  });

  it('the per-call signal of a call aborts it even when the options carry another one', async () => {
    const clock = new RecordingClock();
    const wrapped = asyncRetry({ clock, policy: policy(), signal: new AbortController().signal })(flaky(10, 0));
    const call = new AbortController();
    const p = wrapped.withSignal(call.signal)();
    const check = expect(p).rejects.toBe('mine');
    call.abort('mine');
    await check;
  });

  it('withSignal(signal, fn) gives the signal to the retried call fn makes', async () => {
    const clock = new RecordingClock();
    const wrapped = asyncRetry({ clock, policy: policy() })(flaky(10, 0));
    const controller = new AbortController();
    const p = withSignal(controller.signal, () => wrapped());
    const check = expect(p).rejects.toBe('bye');
    await clock.advance(50);
    controller.abort('bye');
    await check;
  });

  it('withSignal(signal, fn) applies to the first retried call only, not to calls nested in it', async () => {
    const clock = new RecordingClock();
    const inner = asyncRetry({ clock, policy: policy() })(flaky(1, 'inner'));
    let innerCall: Promise<string> | undefined;
    const outer = asyncRetry({ clock, policy: policy() })(() => {
      innerCall = inner();
      return 'outer';
    });
    const controller = new AbortController();
    const p = withSignal(controller.signal, () => outer());
    await expect(p).resolves.toBe('outer');
    controller.abort('late');
    await clock.runAll();
    await expect(innerCall).resolves.toBe('inner');
  });

  it('withSignal(signal, fn) throws when fn calls no retried function (the signal would be lost)', () => {
    const controller = new AbortController();
    expect(() => withSignal(controller.signal, () => 1)).toThrow(/withSignal: `fn` made no call of a retried function/);
    // @ts-expect-error not a signal
    expect(() => withSignal({}, () => 1)).toThrow(TypeError);
  });

  it('a bad per-call signal is a TypeError', () => {
    const wrapped = asyncRetry()(async () => 1);
    // @ts-expect-error not a signal
    expect(() => wrapped.withSignal('nope')).toThrow(/asyncRetry\(…\)\.withSignal: `signal` must be an AbortSignal, got "nope"/);
  });
});

describe('the total timeout applies to the wrapped call', () => {
  it('rejects with RetryTimeoutError when the deadline passes during an attempt', async () => {
    const clock = new RecordingClock();
    const wrapped = asyncRetry({ clock, policy: policy(), timeout: 1000 })(
      () => new Promise<never>(() => {}), // never settles
    );
    const p = wrapped();
    const check = expect(p).rejects.toBeInstanceOf(RetryTimeoutError);
    await clock.advance(1000);
    await check;
  });
});
