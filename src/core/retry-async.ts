import { RetryTimeoutError } from '../errors/library-errors.js';
import { failureChannel, publish, watched } from '../observability/diagnostics.js';
import { snapshot } from './attempt.js';
import { type AttemptContext, defer, type Fn, invoke, isThenable, LeanContext } from './attempt-context.js';
import { Call } from './call.js';
import { type DeadlineEntry, DeadlineList, deadlineList } from './deadline.js';
import { safeHook } from './safe-invoke.js';
import { compileCall, type Plan, type RetryOptions } from './options.js';

export type { AttemptContext } from './attempt-context.js';
export { currentAttempt } from './attempt-context.js';

/**
 * The first attempt of a call whose only outside end is its total timeout (no signal, no
 * attempt timeout, no breaker, nothing watching): a promise to reject at the deadline, one entry
 * in the shared deadline list, and no state machine unless the attempt fails — then a `Call`
 * takes over, inheriting the start time and this entry (which forwards the expiry to it).
 */
class GuardedFirst<T> implements DeadlineEntry {
  at = 0;
  prev: DeadlineEntry | null = null;
  next: DeadlineEntry | null = null;
  list: DeadlineList | null = null;
  promise!: Promise<T>;
  readonly start: number;
  resolve!: (value: T | PromiseLike<T>) => void;
  reject!: (error: unknown) => void;
  private done = false;
  private call: Call<T> | undefined = undefined;
  private readonly ctx = new LeanContext();

  constructor(
    private readonly plan: Plan,
    private readonly fn: Fn<T>,
  ) {
    defer(this);
    this.start = plan.clock.now();
    deadlineList(plan.clock, plan.timeout as number).add(this, this.start);
    if (plan.budget !== undefined) safeHook(plan.budget, 'recordFirstAttempt');
    let result: T | PromiseLike<T>;
    let pending: boolean;
    try {
      result = invoke(fn, this.ctx);
      pending = isThenable(result); // a throwing `then` getter fails the attempt, as a rejection would
    } catch (error) {
      this.failed(error);
      return;
    }
    if (!pending) this.succeeded(result as T);
    else
      Promise.resolve(result as PromiseLike<T>).then(
        (value) => this.succeeded(value),
        (error: unknown) => this.failed(error),
      );
  }

  private succeeded(value: T): void {
    if (this.done) return;
    this.done = true;
    if (this.list !== null) this.list.remove(this);
    this.resolve(value);
  }

  private failed(error: unknown): void {
    if (this.done) return;
    this.done = true;
    const call = new Call(this.plan, this.fn, undefined, this);
    this.call = call;
    this.resolve(call.resume(error));
  }

  /** The total timeout expired: the call's, if one took over, else this attempt's. */
  expire(): void {
    if (this.call !== undefined) {
      this.call.expire();
      return;
    }
    if (this.done) return;
    this.done = true;
    const error = new RetryTimeoutError({ timeout: this.plan.timeout as number, attempts: 1, lastError: undefined });
    this.ctx.abort(error);
    // a subscriber that attached while the attempt ran still hears of the failure
    if (failureChannel?.hasSubscribers === true) {
      const elapsed = this.plan.clock.now() - this.start;
      publish(failureChannel, { attempt: snapshot(1, this.plan.maxAttempts, undefined, 0, elapsed, 0), error });
    }
    this.reject(error);
  }
}

/** Someone records calls (hooks, metrics, events, diagnostics): even a pre-aborted call is built and reported. */
const recorded = (plan: Plan): boolean => plan.timed || watched();

/**
 * Run `fn` under a resolved plan. The building block of every wrapper: they compile options
 * once and call this per invocation.
 *
 * Lean path: when nothing can end a call from outside (no signal, no total or attempt timeout)
 * and nothing watches attempts (no breaker, hooks, metrics, adaptive strategy, diagnostics
 * subscribers), the first attempt runs with one `.then` and the state machine is built only if
 * it fails. Pay only for what is used.
 * @internal
 */
export function execute<T>(plan: Plan, fn: Fn<T>, signal: AbortSignal | undefined = plan.signal): Promise<T> {
  if (signal === undefined) {
    if (plan.lean && plan.policy.circuitBreaker === undefined && !watched()) {
      if (plan.budget !== undefined) safeHook(plan.budget, 'recordFirstAttempt');
      let result: T | PromiseLike<T>;
      let pending: boolean;
      try {
        result = invoke(fn, new LeanContext());
        pending = isThenable(result);
      } catch (error) {
        return new Call(plan, fn, undefined, true).resume(error);
      }
      if (!pending) return Promise.resolve(result as T);
      return Promise.resolve(result as PromiseLike<T>).then(undefined, (error: unknown) => new Call(plan, fn, undefined, true).resume(error));
    }
    if (plan.guarded && plan.policy.circuitBreaker === undefined && !watched()) {
      return new GuardedFirst(plan, fn).promise;
    }
  } else if (signal.aborted && !recorded(plan)) return Promise.reject(signal.reason);
  const call = new Call(plan, fn, signal, false);
  call.run();
  return call.promise;
}

/**
 * Run `fn` under `plan` in synchronous mode (the `retry` wrapper): waits block with
 * `sleepSync`; a synchronous outcome is returned or thrown synchronously; the first thenable
 * turns the call into the asynchronous one and its Promise is returned.
 * @internal
 */
export function executeMaybeSync<T>(
  plan: Plan,
  fn: Fn<T>,
  signal: AbortSignal | undefined,
  sleepSync: (ms: number) => void,
): T | Promise<T> {
  if (signal?.aborted && !recorded(plan)) throw signal.reason;
  const call = new Call(plan, fn, signal, false, sleepSync);
  call.run();
  if (call.outcome === 1) return call.result as T;
  if (call.outcome === 2) throw call.result;
  return call.promise;
}

/**
 * Call `fn` until it succeeds, a non-retryable error occurs, attempts or time run out, or
 * `signal` aborts. A synchronous throw and a rejection are both failures.
 *
 * @param fn Gets `{ attempt, signal }`: pass `signal` to `fetch` so a timed-out attempt stops.
 * @param options Every wrapper option (SPEC §4); without `policy`, `DefaultRetryPolicy`.
 * @returns The first successful result.
 * Invalid options throw a TypeError/RangeError synchronously (fail fast); everything else
 * rejects the returned promise.
 * @throws The user's own error unchanged when it is not retryable; `MaxRetriesExceededError`,
 *   `RetryTimeoutError`, `CircuitOpenError`, `RetryBudgetExceededError`, or `signal.reason`.
 * @example
 * const data = await retryAsync(({ signal }) => fetch(url, { signal }).then(r => r.json()), {
 *   maxAttempts: 5,
 *   timeout: 10_000,
 * });
 */
export function retryAsync<T>(fn: (ctx: AttemptContext) => T | PromiseLike<T>, options?: RetryOptions): Promise<T> {
  if (typeof fn !== 'function') throw new TypeError(`retryAsync: \`fn\` must be a function, got ${typeof fn}`);
  return execute(compileCall(options), fn as Fn<T>);
}

