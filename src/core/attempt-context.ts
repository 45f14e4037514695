/**
 * What each attempt of `fn` gets, and how the running attempt is made visible to wrapped
 * functions (`currentAttempt()`).
 */

/** What the executor hands to each attempt of `fn`. */
export interface AttemptContext {
  /** 1-based attempt number. */
  readonly attempt: number;
  /**
   * Aborted when this attempt should stop while it runs: the call's `signal` aborted, the total
   * `timeout` expired, or `attemptTimeout` elapsed. An attempt that already ended (succeeded or
   * failed) is never aborted afterwards. Created on first access (free when unused); the same
   * rule holds whenever it is first read.
   */
  readonly signal: AbortSignal;
}

export type Fn<T> = (ctx: AttemptContext) => T | PromiseLike<T>;

export const isThenable = (v: unknown): v is PromiseLike<unknown> =>
  v !== null &&
  (typeof v === 'object' || typeof v === 'function') &&
  typeof (v as PromiseLike<unknown>).then === 'function';

let current: AttemptContext | undefined;

/** Call `fn(ctx)` with `ctx` visible to `currentAttempt()` during its synchronous part. */
export function invoke<T>(fn: Fn<T>, ctx: AttemptContext): T | PromiseLike<T> {
  const outer = current;
  current = ctx;
  try {
    return fn(ctx);
  } finally {
    current = outer;
  }
}

/**
 * The attempt that is running, for functions wrapped by `asyncRetry` & co. (which keep their own
 * parameters, so they get no `ctx`): call it **synchronously at the start** of the function,
 * before the first `await`, and pass its `signal` on, so a total or attempt timeout really
 * stops the work. Outside a retried call (or after an `await`) it returns `undefined`.
 * @example
 * const getUser = asyncRetry({ attemptTimeout: 2_000 })(async (id: string) => {
 *   const signal = currentAttempt()?.signal;
 *   const res = await fetch(`/users/${id}`, { signal });
 *   return res.json();
 * });
 */
export function currentAttempt(): AttemptContext | undefined {
  return current;
}

/**
 * Attempt 1's context on the lean and guarded paths. Its signal is made on first read; an abort
 * that comes first (the total timeout) is remembered, so a later read gets an aborted signal.
 */
export class LeanContext implements AttemptContext {
  readonly attempt = 1;
  private c: AbortController | undefined = undefined;
  private aborted = false;
  private reason: unknown = undefined;
  get signal(): AbortSignal {
    if (this.c === undefined) {
      this.c = new AbortController();
      if (this.aborted) this.c.abort(this.reason);
    }
    return this.c.signal;
  }
  /** Abort the signal, now or when it is first read. */
  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.c?.abort(reason);
  }
}

/** A promise and its settle functions, without a closure per promise (the executor is shared). */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (error: unknown) => void;
}
let capturedResolve: ((value: never) => void) | undefined;
let capturedReject: ((error: unknown) => void) | undefined;
const capture = (resolve: (value: never) => void, reject: (error: unknown) => void): void => {
  capturedResolve = resolve;
  capturedReject = reject;
};
/** Make `target.promise` a new pending promise and set `target.resolve` / `target.reject`. */
export function defer<T>(target: Deferred<T>): void {
  target.promise = new Promise<T>(capture);
  target.resolve = capturedResolve as Deferred<T>['resolve'];
  target.reject = capturedReject as Deferred<T>['reject'];
  capturedResolve = capturedReject = undefined;
}
