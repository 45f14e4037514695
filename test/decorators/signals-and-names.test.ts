/**
 * Per-call signals through helpers, the options signal under load, the first attempt's signal
 * read late, classes given to a decorator, and the names of decorated symbol methods. Each case
 * was a bug once (found by review, reproduced, then fixed).
 */
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { currentAttempt } from '../../src/core/attempt-context.js';
import { retryAsync } from '../../src/core/retry-async.js';
import { VirtualClock } from '../../src/core/virtual-clock.js';
import { withSignal } from '../../src/decorators/call-signal.js';
import { retryWithTimeout } from '../../src/decorators/presets-wrappers.js';
import { asyncRetry, retry } from '../../src/decorators/wrappers.js';
import { RetryTimeoutError } from '../../src/errors/library-errors.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("the first attempt's signal, read after the total timeout expired", () => {
  it('retryAsync (default fast path): ctx.signal is aborted with the RetryTimeoutError', async () => {
    const clock = new VirtualClock();
    let ctx: { signal: AbortSignal } | undefined;
    const call = retryAsync(
      (c) => {
        ctx = c;
        return new Promise((resolve) => clock.setTimeout(() => resolve(undefined), 40));
      },
      { timeout: 5, clock },
    ).catch((e: unknown) => e);
    await clock.runAll();
    const error = await call;
    expect(error).toBeInstanceOf(RetryTimeoutError);
    expect(ctx?.signal.aborted).toBe(true);
    expect(ctx?.signal.reason).toBe(error);
  });

  it('retryWithTimeout: currentAttempt().signal taken at the start, read after the expiry, is aborted', async () => {
    const clock = new VirtualClock();
    let attempt: { signal: AbortSignal } | undefined;
    const call = retryWithTimeout({ totalTimeout: 5, clock })(async () => {
      attempt = currentAttempt();
      await new Promise((resolve) => clock.setTimeout(() => resolve(undefined), 40));
    });
    const outcome = expect(call()).rejects.toBeInstanceOf(RetryTimeoutError);
    await clock.runAll();
    await outcome;
    expect(attempt?.signal.aborted).toBe(true);
  });
});

describe('withSignal through helpers', () => {
  const failing = () => asyncRetry({ maxAttempts: 2, delay: 0, timeout: Infinity })(async () => {
    await tick();
    throw new Error('down');
  });

  it('a helper that adds its own withSignal keeps the caller’s: both signals apply, nothing throws or is orphaned', async () => {
    const get = asyncRetry({ maxAttempts: 5, delay: 0, timeout: Infinity })(({ signal }: { signal?: AbortSignal } = {}) =>
      new Promise((_, reject) => {
        const s = signal ?? (currentAttempt()?.signal as AbortSignal);
        s.addEventListener('abort', () => reject(s.reason), { once: true });
      }),
    );
    const helper = () => withSignal(new AbortController().signal, () => get());
    const caller = new AbortController();
    const p = withSignal(caller.signal, () => helper());
    await tick();
    caller.abort(new Error('caller gave up'));
    await expect(p).rejects.toThrow('caller gave up');
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
  });

  it('withSignal around fn.withSignal(s)(): the call takes both signals', async () => {
    const get = asyncRetry({ maxAttempts: 5, delay: 0, timeout: Infinity })(() => {
      const s = currentAttempt()?.signal as AbortSignal;
      return new Promise((_, reject) => s.addEventListener('abort', () => reject(s.reason), { once: true }));
    });
    const caller = new AbortController();
    const p = withSignal(caller.signal, () => get.withSignal(AbortSignal.timeout(60_000))());
    await tick();
    caller.abort('stop');
    await expect(p).rejects.toBe('stop');
  });

  it('a failing nested call rejects its own promise (no unhandled rejection)', async () => {
    const api = failing();
    const p = withSignal(new AbortController().signal, () => withSignal(new AbortController().signal, () => api()));
    await expect(p).rejects.toThrow();
  });

  it('fn.withSignal(s) keeps the name and length of the original', () => {
    const get = asyncRetry()(async function getUser(_id: string, _opts?: object) {
      return 1;
    });
    const bound = get.withSignal(new AbortController().signal);
    expect(bound.name).toBe('getUser');
    expect(bound.length).toBe(2);
  });
});

describe('an options signal shared by many calls with per-call signals', () => {
  it('holds one listener however many calls are in flight, and none after they settle', async () => {
    const shutdown = new AbortController();
    const clock = new VirtualClock();
    const get = asyncRetry({ signal: shutdown.signal, timeout: Infinity, clock })(
      () => new Promise((resolve) => clock.setTimeout(() => resolve(undefined), 5)),
    );
    const calls = Array.from({ length: 20 }, () => get.withSignal(new AbortController().signal)());
    expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(1);
    await clock.runAll();
    await Promise.all(calls);
    expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(0);
  });

  it('aborting the options signal still stops every call with its reason', async () => {
    const shutdown = new AbortController();
    const get = asyncRetry({ signal: shutdown.signal, timeout: Infinity })(() => {
      const s = currentAttempt()?.signal as AbortSignal;
      return new Promise((_, reject) => s.addEventListener('abort', () => reject(s.reason), { once: true }));
    });
    const calls = Array.from({ length: 5 }, () => get.withSignal(new AbortController().signal)().catch((e: unknown) => e));
    shutdown.abort('shutting down');
    expect(await Promise.all(calls)).toEqual(Array(5).fill('shutting down'));
  });
});

describe('what a decorator accepts', () => {
  it('a class (a legacy class decorator, or wrapping a class) is a TypeError naming it', () => {
    class Service {}
    expect(() => asyncRetry()(Service as never)).toThrow(/not a class \(`Service`\)/);
    expect(() => retry()(class {} as never)).toThrow(TypeError);
  });

  it('a plain function and an async function are still wrapped', () => {
    expect(typeof asyncRetry()(function plain() {})).toBe('function');
    expect(typeof asyncRetry()(async () => {})).toBe('function');
  });
});

const load = Symbol('load');
const anonymous = Symbol();

class Repo {
  @asyncRetry()
  async [load](): Promise<number> {
    return 1;
  }
  @asyncRetry()
  async [anonymous](): Promise<number> {
    return 2;
  }
}

describe('names of decorated symbol methods', () => {
  it('are what JavaScript gives them: "[load]", and "" for Symbol()', async () => {
    const repo = new Repo();
    expect(Repo.prototype[load].name).toBe('[load]');
    expect(Repo.prototype[anonymous].name).toBe('');
    await expect(repo[load]()).resolves.toBe(1);
  });
});

describe('found by the review of the session diff', () => {
  it('nested withSignal around a thenable without finally', async () => {
    const get = asyncRetry({ timeout: Infinity })(() => 1);
    const thenable = (): PromiseLike<number> => ({ then: (ok, ko) => get().then(ok, ko) });
    const out = withSignal(new AbortController().signal, () => withSignal(new AbortController().signal, () => (get(), thenable())));
    await expect(Promise.resolve(out)).resolves.toBe(1);
  });

  it('a method named `class` is still wrapped', () => {
    // built from source text: a transpiler would drop the space after `class`, which is the point
    const o = new Function('return { class () { return 1; } };')() as { class: () => number };
    expect(typeof asyncRetry()(o.class)).toBe('function');
  });
});
