import { afterEach, describe, expect, it, vi } from 'vitest';
import { retryWithFallback } from '../../src/decorators/fallback.js';
import {
  WRAPPER_DEFAULTS,
  databaseRetry,
  networkRetry,
  quickRetry,
  retryWithTimeout,
} from '../../src/decorators/presets-wrappers.js';
import {
  CircuitOpenError,
  MaxRetriesExceededError,
  RetryTimeoutError,
} from '../../src/errors/library-errors.js';
import { ConnectionError, DatabaseError, HTTPError, ValidationError } from '../../src/errors/vocabulary.js';
import { PRESETS } from '../../src/policies/presets.js';
import { FixedDelayStrategy } from '../../src/strategies/fixed.js';
import { RecordingClock, flaky } from '../helpers/recording-clock.js';

afterEach(() => {
  vi.restoreAllMocks();
});

/** Run one wrapped call to the end in virtual time. */
async function settle<T>(clock: RecordingClock, p: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  const out = p.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  await clock.runAll();
  return out;
}

describe('preset wrappers: their policy and its defaults', () => {
  it('WRAPPER_DEFAULTS repeats the preset policies of SPEC §2 (one source: PRESETS)', () => {
    expect(WRAPPER_DEFAULTS.networkRetry).toMatchObject({ maxAttempts: 5, baseDelay: 2000, maxDelay: 60_000, timeout: 120_000 });
    expect(WRAPPER_DEFAULTS.databaseRetry).toMatchObject({ maxAttempts: 3, baseDelay: 2000, maxDelay: 60_000, timeout: 180_000 });
    expect(WRAPPER_DEFAULTS.quickRetry).toMatchObject({ maxAttempts: 2, baseDelay: 100, maxDelay: 1000, timeout: 5000 });
    expect(WRAPPER_DEFAULTS.networkRetry.maxAttempts).toBe(PRESETS.NetworkRetryPolicy.maxAttempts);
    expect(Object.isFrozen(WRAPPER_DEFAULTS)).toBe(true);
    expect(Object.isFrozen(WRAPPER_DEFAULTS.networkRetry)).toBe(true);
  });

  it('networkRetry(): 5 attempts on network errors, waits base 2000 ×2 with full jitter (pinned at 0.5)', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const clock = new RecordingClock();
    const fn = flaky(10, 'x', () => new ConnectionError('reset'));
    const { error } = await settle(clock, networkRetry({ clock })(fn)());
    expect(error).toBeInstanceOf(MaxRetriesExceededError);
    expect(fn.calls).toBe(5);
    expect(clock.delays.filter((d) => d !== 120_000)).toEqual([1000, 2000, 4000, 8000]);
  });

  it('networkRetry({ baseDelay, maxAttempts, maxDelay }) overrides the preset strategy, keeping its policy', async () => {
    const clock = new RecordingClock();
    const fn = flaky(10, 'x', () => new HTTPError(503));
    const { error } = await settle(
      clock,
      networkRetry({ clock, baseDelay: 100, maxAttempts: 4, maxDelay: 300, timeout: Infinity })(fn)(),
    );
    expect(error).toBeInstanceOf(MaxRetriesExceededError);
    expect(fn.calls).toBe(4);
    expect(clock.delays).toHaveLength(3);
    for (const d of clock.delays) expect(d).toBeLessThanOrEqual(300);
  });

  it('networkRetry does not retry what NetworkRetryPolicy does not (a 404, a ValidationError)', async () => {
    const clock = new RecordingClock();
    const notFound = flaky(10, 'x', () => new HTTPError(404));
    const { error } = await settle(clock, networkRetry({ clock })(notFound)());
    expect((error as HTTPError).status).toBe(404);
    expect(notFound.calls).toBe(1);
    const invalid = flaky(10, 'x', () => new ValidationError('bad'));
    expect((await settle(clock, networkRetry({ clock })(invalid)())).error).toBeInstanceOf(ValidationError);
  });

  it('databaseRetry(): 3 attempts on transient database errors; a custom strategy keeps its own values', async () => {
    const clock = new RecordingClock();
    const fn = flaky(10, 'x', () => new DatabaseError('serialization failure', { code: '40001' }));
    const { error } = await settle(
      clock,
      databaseRetry({ clock, strategy: new FixedDelayStrategy({ maxAttempts: 3, delay: 50 }) })(fn)(),
    );
    expect(error).toBeInstanceOf(MaxRetriesExceededError);
    expect(fn.calls).toBe(3);
    expect(clock.delays.filter((d) => d !== 180_000)).toEqual([50, 50]);
  });

  it('quickRetry(): 2 attempts, 100 ms apart, no jitter', async () => {
    const clock = new RecordingClock();
    const fn = flaky(10, 'x');
    const { error } = await settle(clock, quickRetry({ clock })(fn)());
    expect(error).toBeInstanceOf(MaxRetriesExceededError);
    expect(fn.calls).toBe(2);
    expect(clock.delays.filter((d) => d !== 5000)).toEqual([100]);
  });

  it('quickRetry({ maxAttempts: 4 }) waits 100, 200, 400', async () => {
    const clock = new RecordingClock();
    const fn = flaky(3, 'ok');
    const { value } = await settle(clock, quickRetry({ clock, maxAttempts: 4 })(fn)());
    expect(value).toBe('ok');
    expect(clock.delays.filter((d) => d !== 5000)).toEqual([100, 200, 400]);
  });

  it('refuses `policy` and `delay` with a hint, and validates baseDelay by its own name', () => {
    // @ts-expect-error the preset is the policy
    expect(() => networkRetry({ policy: undefined })).toThrow(/networkRetry: unknown option `policy` \(networkRetry uses its own policy/);
    // @ts-expect-error presets call it baseDelay
    expect(() => databaseRetry({ delay: 5 })).toThrow(/databaseRetry: unknown option `delay` \(use `baseDelay`\)/);
    expect(() => quickRetry({ baseDelay: -5 })).toThrow(/^quickRetry: `baseDelay` must be a finite number >= 0, got -5$/);
    expect(() => networkRetry({ maxAttempts: 0 })).toThrow(RangeError);
    // @ts-expect-error unknown key
    expect(() => quickRetry({ retries: 2 })).toThrow(/quickRetry: unknown option `retries`/);
  });

  it('jittered preset delays stay within the preset bounds', async () => {
    const clock = new RecordingClock();
    const fn = flaky(10, 'x', () => new ConnectionError('reset'));
    await settle(clock, networkRetry({ clock, maxAttempts: 4, timeout: Infinity })(fn)());
    expect(clock.delays).toHaveLength(3);
    clock.delays.forEach((d, i) => {
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(2000 * 2 ** i);
    });
  });
});

describe('retryWithTimeout', () => {
  it('rejects with RetryTimeoutError carrying totalTimeout when time runs out', async () => {
    const clock = new RecordingClock();
    const fn = flaky(100, 'x');
    const wrapped = retryWithTimeout({
      clock,
      strategy: new FixedDelayStrategy({ maxAttempts: 100, delay: 100 }),
      totalTimeout: 450,
    })(fn);
    const { error } = await settle(clock, wrapped());
    expect(error).toBeInstanceOf(RetryTimeoutError);
    expect((error as RetryTimeoutError).timeout).toBe(450);
    expect(fn.calls).toBe(5); // at 0, 100, 200, 300, 400; a wait ending at 500 would cross 450
    expect(clock.now()).toBe(400);
  });

  it('rejects at the deadline even while an attempt is still running', async () => {
    const clock = new RecordingClock();
    const wrapped = retryWithTimeout({ clock, totalTimeout: 1000 })(() => new Promise<never>(() => {}));
    const p = wrapped();
    const check = expect(p).rejects.toBeInstanceOf(RetryTimeoutError);
    await clock.advance(1000);
    await check;
  });

  it('maps maxAttempts and baseDelay onto the strategy', async () => {
    const clock = new RecordingClock();
    const fn = flaky(10, 'x');
    const wrapped = retryWithTimeout({
      clock,
      strategy: new FixedDelayStrategy(),
      maxAttempts: 3,
      baseDelay: 25,
      totalTimeout: 10_000,
    })(fn);
    const { error } = await settle(clock, wrapped());
    expect(error).toBeInstanceOf(MaxRetriesExceededError);
    expect(clock.delays.filter((d) => d !== 10_000)).toEqual([25, 25]);
  });

  it('totalTimeout is required and must be > 0; `timeout` and `delay` are refused with a hint', () => {
    // @ts-expect-error totalTimeout is required
    expect(() => retryWithTimeout({ maxAttempts: 3 })).toThrow(/^retryWithTimeout: `totalTimeout` must be a finite number > 0, got undefined$/);
    expect(() => retryWithTimeout({ totalTimeout: 0 })).toThrow(RangeError);
    // @ts-expect-error the wrapper calls it totalTimeout
    expect(() => retryWithTimeout({ totalTimeout: 5, timeout: 5 })).toThrow(/unknown option `timeout` \(use `totalTimeout`\)/);
  });
});

describe('retryWithFallback', () => {
  it('resolves with fallbackValue when attempts run out', async () => {
    const clock = new RecordingClock();
    const fn = flaky(10, ['real']);
    const wrapped = retryWithFallback({ clock, maxAttempts: 2, delay: 10, fallbackValue: [] as string[] })(fn);
    expect((await settle(clock, wrapped())).value).toEqual([]);
    expect(fn.calls).toBe(2);
  });

  it('resolves with the real result when an attempt succeeds', async () => {
    const clock = new RecordingClock();
    const wrapped = retryWithFallback({ clock, maxAttempts: 3, delay: 10, fallbackValue: 'fallback' })(flaky(1, 'real'));
    expect((await settle(clock, wrapped())).value).toBe('real');
  });

  it('fallback(error) gets what the call would have rejected with: a non-retryable error, unchanged', async () => {
    const clock = new RecordingClock();
    const invalid = new ValidationError('bad input');
    const seen: unknown[] = [];
    const wrapped = retryWithFallback({
      clock,
      fallback: (error) => {
        seen.push(error);
        return 'from fallback';
      },
    })(flaky(10, 'x', () => invalid));
    expect((await settle(clock, wrapped())).value).toBe('from fallback');
    expect(seen).toEqual([invalid]);
  });

  it('replaces MaxRetriesExceededError, RetryTimeoutError and CircuitOpenError failures', async () => {
    const clock = new RecordingClock();
    const names: string[] = [];
    const fallback = (error: unknown) => {
      names.push((error as Error).name);
      return 0;
    };
    await settle(clock, retryWithFallback({ clock, maxAttempts: 2, delay: 1, fallback })(flaky(9, 1))());
    await settle(clock, retryWithFallback({ clock, timeout: 5, strategy: new FixedDelayStrategy({ delay: 10 }), fallback })(flaky(9, 1))());
    await settle(clock, retryWithFallback({ clock, fallback })(flaky(9, 1, () => new CircuitOpenError({ retryAfter: 5 })))());
    expect(names).toEqual(['MaxRetriesExceededError', 'RetryTimeoutError', 'CircuitOpenError']);
  });

  it('an async fallback is awaited; a throwing fallback rejects the call with its error', async () => {
    const clock = new RecordingClock();
    const a = retryWithFallback({ clock, maxAttempts: 1, fallback: async () => 'later' })(flaky(9, 'x'));
    expect((await settle(clock, a())).value).toBe('later');
    const boom = new Error('fallback failed');
    const b = retryWithFallback({
      clock,
      maxAttempts: 1,
      fallback: () => {
        throw boom;
      },
    })(flaky(9, 'x'));
    expect((await settle(clock, b())).error).toBe(boom);
  });

  it('an abort is not swallowed: the call rejects with signal.reason', async () => {
    const clock = new RecordingClock();
    const controller = new AbortController();
    const wrapped = retryWithFallback({ clock, delay: 100, fallbackValue: 'never used', signal: controller.signal })(flaky(9, 'x'));
    const p = wrapped();
    const check = expect(p).rejects.toBe('user cancelled');
    controller.abort('user cancelled');
    await check;
    const perCall = new AbortController();
    const q = retryWithFallback({ clock, delay: 100, fallbackValue: 'never used' })(flaky(9, 'x')).withSignal(perCall.signal)();
    const check2 = expect(q).rejects.toBe('per call');
    perCall.abort('per call');
    await check2;
  });

  it('neither given: resolves with undefined; both given: TypeError at wrap time', async () => {
    const clock = new RecordingClock();
    expect((await settle(clock, retryWithFallback({ clock, maxAttempts: 1 })(flaky(9, 'x'))())).value).toBeUndefined();
    expect(() => retryWithFallback({ fallbackValue: 1, fallback: () => 2 })).toThrow(
      /retryWithFallback: give `fallback` or `fallbackValue`, not both/,
    );
    // @ts-expect-error fallback must be a function
    expect(() => retryWithFallback({ fallback: 5 })).toThrow(/retryWithFallback: `fallback` must be a function, got 5/);
  });
});
