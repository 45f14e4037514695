/**
 * `asyncRetry` and `retry`: thin layers over the one executor. Options are compiled once, when
 * the wrapper is made (so bad options throw there, at wrap or decoration time); each call then
 * only captures `this` and the arguments and hands them to `execute` — no validation, no spread.
 */
import { compile, type Plan, type RetryOptions } from '../core/options.js';
import { execute } from '../core/retry-async.js';
import { executeSync, sleeperFor, type SyncClock } from '../core/retry-sync.js';
import { ambient, checkSignal, disposeAfter, takeAmbient, withExtraSignal } from './call-signal.js';
import { dualUse, type AsyncRetryWrapper, type RetryWrapper } from './dual-use.js';

type Fn = (...args: unknown[]) => unknown;
/** How one retried call starts: `(this, args, signal)` → its result. */
type Start = (self: unknown, args: unknown[], signal: AbortSignal | undefined) => unknown;

/**
 * Run wrap-time work `build` for wrapper `where`: a validation error is re-thrown with the
 * wrapper's name in front (same class, original as `cause`), so that it is clear which wrapper
 * (and, thrown at wrap or decoration time, which call site) is misconfigured.
 * @internal
 */
export function atWrapTime<T>(where: string, options: unknown, build: () => T): T {
  if (typeof options === 'function') {
    throw new TypeError(
      `${where}: options must be an object, got a function — write @${where}() (with parentheses) or ${where}()(fn)`,
    );
  }
  try {
    return build();
  } catch (error) {
    if (error instanceof Error && !error.message.startsWith(`${where}:`)) {
      const Ctor = error instanceof RangeError ? RangeError : TypeError;
      throw new Ctor(`${where}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

/** Compile `options` for wrapper `where` (see `atWrapTime`). @internal */
export const compileFor = (where: string, options: RetryOptions | undefined): Plan =>
  atWrapTime(where, options, () => compile(options, where));

/**
 * The retried function around `fn`: keeps `this`, the arguments, `name` and `length`, picks up a
 * pending `withSignal(signal, …)` signal, and carries `withSignal(signal)`.
 * @internal
 */
export function retried(fn: Fn, name: string, base: AbortSignal | undefined, start: Start, where: string): Fn {
  function wrapped(this: unknown, ...args: unknown[]): unknown {
    const extra = ambient.signal;
    if (extra === undefined) return start(this, args, base);
    ambient.signal = undefined;
    ambient.taken = true;
    return withExtraSignal(base, extra, (signal) => start(this, args, signal));
  }
  Object.defineProperty(wrapped, 'name', { value: name, configurable: true });
  Object.defineProperty(wrapped, 'length', { value: fn.length, configurable: true });
  Object.defineProperty(wrapped, 'withSignal', {
    configurable: true,
    writable: true,
    value: (signal: AbortSignal) => {
      checkSignal(`${where}(…).withSignal`, signal);
      const bound = function (this: unknown, ...args: unknown[]): unknown {
        const own = takeAmbient(signal); // inside withSignal(outer, …): both signals apply
        let out: unknown;
        try {
          out = withExtraSignal(base, own.signal, (s) => start(this, args, s));
        } catch (error) {
          own.dispose();
          throw error;
        }
        return disposeAfter(out, own.dispose);
      };
      Object.defineProperty(bound, 'name', { value: name, configurable: true });
      Object.defineProperty(bound, 'length', { value: fn.length, configurable: true });
      return bound;
    },
  });
  return wrapped;
}

/** Retried `fn` whose every call goes through `execute` (a Promise). @internal */
export function asyncRetried(plan: Plan, fn: Fn, name: string, where: string): Fn {
  const start: Start = (self, args, signal) => execute(plan, () => fn.apply(self, args), signal);
  return retried(fn, name, plan.signal, start, where);
}

const isAsyncFunction = (fn: Fn): boolean => {
  const tag = Object.prototype.toString.call(fn);
  return tag === '[object AsyncFunction]' || tag === '[object AsyncGeneratorFunction]';
};

/**
 * A wrapper and decorator that retries a function: every call returns a Promise of the result.
 * Options are validated here (a TypeError/RangeError naming the option), once; the policy and
 * strategy you pass are never changed (overrides derive new ones).
 *
 * @param options Every `RetryOptions` field; without `policy`, `DefaultRetryPolicy`.
 * @returns A function that wraps a function (`asyncRetry(o)(fn)`) or decorates an async method
 *   (`@asyncRetry(o)`, TC39 standard decorators or legacy `experimentalDecorators`).
 * @example
 * const getUser = asyncRetry({ maxAttempts: 3, delay: 200 })(async (id: string) => api.user(id));
 *
 * class Repo {
 *   @asyncRetry({ maxAttempts: 5, exceptions: [ConnectionError] })
 *   async load(id: string) { return this.db.find(id); }
 * }
 */
export function asyncRetry(options?: RetryOptions): AsyncRetryWrapper {
  const plan = compileFor('asyncRetry', options);
  return dualUse<AsyncRetryWrapper>('asyncRetry', (fn, name) => asyncRetried(plan, fn, name, 'asyncRetry'));
}

/**
 * Options of `retry`: `RetryOptions` whose `clock` may also wait synchronously.
 * @example retry({ maxAttempts: 3, delay: 50, clock: { ...realClock, sleepSync: (ms) => log.push(ms) } });
 */
export interface SyncRetryOptions extends RetryOptions {
  /**
   * Time source; its optional `sleepSync(ms)` replaces the blocking wait (tests use it to
   * move virtual time). @default the real clock, waits blocking with `Atomics.wait`
   */
  clock?: SyncClock;
}

/**
 * Like `asyncRetry`, for functions that may be synchronous: a function that returns (or throws)
 * synchronously stays synchronous — its result is returned, its final error thrown, and waits
 * **block the thread** with `Atomics.wait` (for scripts, CLIs and worker threads; never on a
 * server's main thread). A function that returns a thenable (or an `async` function) is retried
 * exactly as `asyncRetry` does, and the call returns a Promise.
 *
 * In the synchronous mode an asynchronous `onRetry` is not awaited and `attemptTimeout` cannot
 * interrupt an attempt (nothing can interrupt synchronous code); every other rule is the
 * executor's own, since it is the same executor.
 * @example
 * const readConfig = retry({ maxAttempts: 3, delay: 50 })(() => JSON.parse(fs.readFileSync(file, 'utf8')));
 * const config = readConfig(); // synchronous
 */
export function retry(options?: SyncRetryOptions): RetryWrapper {
  const plan = compileFor('retry', options);
  const sleep = sleeperFor(plan.clock);
  return dualUse<RetryWrapper>('retry', (fn, name) => {
    if (isAsyncFunction(fn)) return asyncRetried(plan, fn, name, 'retry');
    const start: Start = (self, args, signal) => executeSync(plan, () => fn.apply(self, args), signal, sleep);
    return retried(fn, name, plan.signal, start, 'retry');
  });
}
