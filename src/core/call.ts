/**
 * The retry loop: one call of the executor as a small state machine (see `Call`).
 */
import { readSafely, retryAfterOf } from '../classify/retry-after.js';
import {
  CircuitOpenError,
  MaxRetriesExceededError,
  RetryBudgetExceededError,
  RetryTimeoutError,
} from '../errors/library-errors.js';
import { NonRetryableError, RequestTimeoutError } from '../errors/vocabulary.js';
import {
  attemptChannel,
  failureChannel,
  publish,
  retryChannel,
  successChannel,
  watched,
} from '../observability/diagnostics.js';
import { type AbortSubscriber, subscribe, unsubscribe } from './abort-registry.js';
import { type AttemptContext, type Deferred, defer, type Fn, invoke, isThenable } from './attempt-context.js';
import { type RetryAttempt, snapshot } from './attempt.js';
import { clampDelay } from './clock.js';
import { type DeadlineEntry, DeadlineList, DeadlineNode, deadlineList } from './deadline.js';
import type { BreakerGuard } from './hooks.js';
import type { Plan } from './options.js';
import { budgetAllows, safeHook, safeInvoke } from './safe-invoke.js';

/** A first attempt that ran before the call existed and keeps its place in the deadline list. */
export interface FirstAttemptEntry extends DeadlineEntry {
  readonly start: number;
}

/** One zero wait in this many goes through a timer, so that a zero-delay loop yields to timers and I/O. */
const ZERO_YIELD = 100;

/** An open breaker's rejection and the user's `NonRetryableError` end a call at once. */
const endsAtOnce = (error: unknown): boolean => {
  try {
    return error instanceof CircuitOpenError || error instanceof NonRetryableError;
  } catch {
    return false; // a Proxy whose traps throw is just an error
  }
};

const NOT_ABORTED: unique symbol = Symbol('not aborted');

/**
 * The context of attempt `attempt` of a `Call`. Each attempt owns its signal, created on first
 * use: reading an older attempt's signal late never disturbs the running one's.
 */
class Context implements AttemptContext {
  private controller: AbortController | undefined = undefined;
  /** Why this attempt was told to stop, before or after its signal existed. */
  private reason: unknown = NOT_ABORTED;
  constructor(
    private readonly call: Call<unknown>,
    readonly attempt: number,
  ) {}
  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.reason === NOT_ABORTED) this.reason = this.call.lateReason(this.attempt);
      if (this.reason !== NOT_ABORTED) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }
  /** Stop this attempt (a timeout, the caller's abort): its signal aborts now or when first read. */
  abort(reason: unknown): void {
    if (this.reason !== NOT_ABORTED) return;
    this.reason = reason;
    this.controller?.abort(reason);
  }
}

/**
 * One call of `retryAsync`: the only retry loop of the library, as a small state machine.
 * With a `sleepSync` (the `retry` wrapper) it starts in synchronous mode: waits block, the
 * outcome is kept in `result`, and the first thenable (from `fn` or an asynchronous breaker)
 * switches the call to the asynchronous mode for good (`goAsync`).
 */
export class Call<T> implements AbortSubscriber, DeadlineEntry {
  // The call is its own entry in the total-timeout deadline list (no extra allocation).
  at = 0;
  prev: DeadlineEntry | null = null;
  next: DeadlineEntry | null = null;
  list: DeadlineList | null = null;
  /** What stands in the deadline list for this call: itself, or the guarded first attempt. */
  private entry: DeadlineEntry = this;
  promise!: Promise<T>;
  private resolve!: (value: T) => void;
  private reject!: (error: unknown) => void;
  /** Sync mode: 1 resolved / 2 rejected with `result`. */
  outcome: 0 | 1 | 2 = 0;
  result: unknown = undefined;
  private settled = false;
  private reason: unknown = undefined;
  private attempt = 0;
  /** Highest attempt whose outcome was recorded (breaker, adaptive); guards double reports. */
  private ended = 0;
  private start = 0;
  private totalDelay = 0;
  /** Zero waits so far (see `sleep`). */
  private zeroWaits = 0;
  private prevDelay: number | undefined = undefined;
  private lastError: unknown = undefined;
  private errors: unknown[] | undefined = undefined;
  private readonly breaker: BreakerGuard | undefined;
  private permit: unknown = undefined;
  private attemptStart = 0;
  private attemptDeadline: DeadlineNode | undefined = undefined;
  private sleepTimer: unknown = undefined;
  /** The context of the latest attempt (the one timeouts and aborts stop). */
  private current: Context | undefined = undefined;
  private readonly timed: boolean;
  /** The caller's signal aborted: in-flight attempts are released, not counted, by the breaker. */
  private callerAborted = false;

  constructor(
    private readonly plan: Plan,
    private readonly fn: Fn<T>,
    private readonly signal: AbortSignal | undefined,
    /**
     * The first attempt already ran on a lean path (its budget deposit is made); a `GuardedFirst`
     * also hands over its start time and its place in the deadline list.
     */
    resumed: boolean | FirstAttemptEntry,
    /** Set: synchronous mode, waits block with it. */
    private sleepSync?: ((ms: number) => void) | undefined,
  ) {
    if (sleepSync === undefined) this.newPromise();
    else {
      this.resolve = (value) => {
        this.outcome = 1;
        this.result = value;
      };
      this.reject = (error) => {
        this.outcome = 2;
        this.result = error;
      };
    }
    this.breaker = plan.breaker ?? plan.policy.circuitBreaker;
    this.timed = plan.timed || watched();
    if (typeof resumed === 'object') {
      // The guarded first attempt stays the deadline list's entry and forwards its expiry here.
      this.start = resumed.start;
      this.entry = resumed;
    } else {
      if (this.timed || plan.timeout !== undefined) this.start = plan.clock.now();
      // Sync mode: no timer can fire while the thread is busy; step 5 guards every wait.
      if (plan.timeout !== undefined && sleepSync === undefined) deadlineList(plan.clock, plan.timeout).add(this, this.start);
    }
    if (signal !== undefined) {
      // Already aborted (and someone records calls): settle now, as a call of 0 attempts.
      if (signal.aborted) {
        this.callerAborted = true;
        this.finishWith(signal.reason, true);
        return;
      }
      subscribe(signal, this);
    }
    if (!resumed) safeHook(plan.budget, 'recordFirstAttempt');
  }

  /**
   * Take over a call whose first attempt already ran on the lean path and failed: it counts as
   * attempt 1 (no breaker, no deadline, no hooks were involved).
   */
  resume(error: unknown): Promise<T> {
    this.attempt = 1;
    if (this.failed(error, 1)) this.run();
    return this.promise;
  }

  /**
   * Start attempts for as long as they fail synchronously with no wait (a trampoline). Runs from
   * timers and promise callbacks: anything unexpected settles the call rather than escaping.
   */
  run(): void {
    try {
      this.loop();
    } catch (internal) {
      this.finishWith(internal, true);
    }
  }

  /**
   * Run `step` from a promise callback or a timer: whatever it throws (a custom clock, a
   * strategy hook) settles the call with that error instead of leaving it pending. Returns what
   * `step` returned, false if it threw.
   */
  private guard(step: () => boolean | void): boolean {
    try {
      return step() === true;
    } catch (internal) {
      this.finishWith(internal, true);
      return false;
    }
  }

  private loop(): void {
    while (!this.settled) {
      const breaker = this.breaker;
      let permit: unknown;
      if (breaker !== undefined) {
        let pending: boolean;
        try {
          permit = breaker.acquirePermit();
          pending = isThenable(permit);
        } catch (error) {
          this.finishWith(error, true);
          return;
        }
        if (pending) {
          if (this.sleepSync !== undefined) this.goAsync();
          (permit as PromiseLike<unknown>).then(
            (p) => {
              if (this.settled) releasePermit(breaker, p);
              else if (this.guard(() => this.begin(p))) this.run();
            },
            (error: unknown) => this.finishWith(error, true),
          );
          return;
        }
      }
      if (!this.begin(permit)) return;
    }
  }

  /** Run one attempt. Returns true when the next attempt should start at once. */
  private begin(permit: unknown): boolean {
    const n = ++this.attempt;
    const plan = this.plan;
    this.permit = permit;
    if (this.timed) {
      const snap = this.snap(n, 0);
      safeHook(plan.events, 'onRetryStart', snap);
      publish(attemptChannel, { attempt: snap });
      // The hook aborted the caller's signal: this attempt must not start (its permit was
      // already released when the abort ended it).
      if (this.settled) return false;
    }
    if (this.breaker !== undefined || plan.attemptTimeout !== undefined) this.attemptStart = plan.clock.now();
    if (plan.attemptTimeout !== undefined && this.sleepSync === undefined) {
      const node = (this.attemptDeadline ??= new DeadlineNode(() => this.onAttemptTimeout()));
      deadlineList(plan.clock, plan.attemptTimeout).add(node, this.attemptStart);
    }
    let result: T | PromiseLike<T>;
    let pending: boolean;
    const ctx = new Context(this as Call<unknown>, n);
    this.current = ctx;
    try {
      result = invoke(this.fn, ctx);
      pending = isThenable(result); // a throwing `then` getter fails the attempt, as a rejection would
    } catch (error) {
      return this.failed(error, n);
    }
    if (pending) {
      if (this.sleepSync !== undefined) this.goAsync();
      Promise.resolve(result as PromiseLike<T>).then(
        (value) => this.guard(() => this.succeeded(value, n)),
        (error: unknown) => {
          if (this.failed(error, n)) this.run();
        },
      );
      return false;
    }
    this.succeeded(result as T, n);
    return false;
  }

  /** Record the end of attempt `n` once (breaker, adaptive strategy). False if already ended. */
  private endAttempt(n: number, ok: boolean, error: unknown): boolean {
    if (n <= this.ended) return false;
    this.ended = n;
    const plan = this.plan;
    if (this.attemptDeadline?.list) this.attemptDeadline.list.remove(this.attemptDeadline);
    const breaker = this.breaker;
    if (breaker !== undefined) {
      const duration = plan.clock.now() - this.attemptStart;
      try {
        // A caller's cancellation says nothing about the dependency: free the permit, count nothing.
        if (this.callerAborted) releasePermit(breaker, this.permit);
        else if (ok) breaker.onSuccess(this.permit, duration);
        else breaker.onFailure(this.permit, error, duration);
      } catch {
        // a breaker never breaks a call
      }
    }
    if (plan.adaptive && !this.callerAborted) {
      try {
        (plan.strategy as unknown as { recordOutcome(ok: boolean): void }).recordOutcome(ok);
      } catch {
        // a strategy's learning never breaks a call
      }
    }
    return true;
  }

  private succeeded(value: T, n: number): void {
    if (!this.endAttempt(n, true, undefined) || this.settled) return;
    this.settled = true;
    this.cleanup();
    const plan = this.plan;
    if (this.timed) {
      try {
        const snap = this.snap(n, 0);
        safeHook(plan.events, 'onRetrySuccess', snap);
        publish(successChannel, { attempt: snap });
        this.record(true);
      } catch {
        // reporting (a custom clock read for `elapsed`) never changes the outcome
      }
    }
    this.resolve(value);
  }

  /**
   * Attempt `n` failed with `error`: apply the decision order. True: retry at once. Whatever
   * throws on the way (a custom strategy or clock, a policy subclass) settles the call with
   * that error instead of leaving it pending forever.
   */
  private failed(error: unknown, n: number): boolean {
    try {
      return this.decide(error, n);
    } catch (internal) {
      return this.finishWith(internal, false, n);
    }
  }

  private decide(error: unknown, n: number): boolean {
    if (!this.endAttempt(n, false, error) || this.settled) return false;
    const plan = this.plan;
    this.lastError = error;
    (this.errors ??= []).push(error);
    safeHook(plan.metrics, 'recordFailure', error);
    // 1. the caller aborted
    if (this.signal?.aborted) return this.finishWith(this.signal.reason, false);
    // 2. an open breaker ends the loop at once, and so does the user's own NonRetryableError —
    // even under `exceptions`/`retryCondition` that would match it (SPEC §5: "to stop retrying
    // at once"; `exceptions: [Error]` must not defeat the escape hatch)
    if (endsAtOnce(error)) return this.finishWith(error, false, n);
    // 3. classification
    let retryable: boolean;
    if (plan.retryCondition !== undefined) {
      try {
        retryable = plan.retryCondition(error, this.snap(n, 0)) === true;
      } catch {
        retryable = false;
      }
    } else {
      try {
        retryable = plan.exceptions !== undefined ? plan.exceptions(error) : plan.policy.matchesLists(error);
      } catch {
        retryable = false; // a policy subclass that throws: re-throw the user's error unchanged
      }
    }
    if (!retryable || this.settled) return this.finishWith(error, false, n);
    // 4. attempts
    if (n >= plan.maxAttempts) {
      const exceeded = new MaxRetriesExceededError({
        maxAttempts: plan.maxAttempts,
        attempts: n,
        lastError: error,
        errors: this.errors,
      });
      return this.finishWith(exceeded, false, n, true);
    }
    // 5. the wait, and the deadline it must not cross
    let wait = plan.strategy.getDelay(n, this.prevDelay);
    const retryAfter = retryAfterOf(error);
    if (retryAfter !== undefined && retryAfter > wait) wait = retryAfter;
    if (!(wait >= 0)) wait = 0;
    // (step 2 again) the breaker this failure opened would still refuse after the wait: end now
    const openFor = this.breaker === undefined ? 0 : breakerOpenFor(this.breaker);
    if (openFor > wait) return this.finishWith(openError(this.breaker as BreakerGuard, openFor, error), false, n);
    if (plan.timeout !== undefined && plan.clock.now() - this.start + wait >= plan.timeout) {
      return this.finishWith(this.timeoutError(wait), false, n);
    }
    // 6. the shared budget
    if (plan.budget !== undefined && !budgetAllows(plan.budget)) {
      return this.finishWith(new RetryBudgetExceededError({ lastError: error }), false, n);
    }
    // 7. wait and try again
    this.prevDelay = wait;
    if (this.timed || retryChannel?.hasSubscribers) {
      const snap = this.snap(n, wait);
      safeHook(plan.events, 'onRetryFailure', snap);
      publish(retryChannel, { attempt: snap, error });
      const hook = safeInvoke(plan.onRetry, undefined, snap);
      // Sync mode cannot await an asynchronous onRetry: it runs on its own.
      if (hook !== undefined && this.sleepSync === undefined) {
        hook.then(() => {
          if (this.settled) return;
          // the hook took time: step 5 again, from now
          const late = this.guard(() => plan.timeout !== undefined && plan.clock.now() - this.start + wait >= plan.timeout);
          if (this.settled) return;
          if (late) this.finishWith(this.timeoutError(wait), true);
          else if (this.guard(() => this.sleep(wait))) this.run();
        });
        return false;
      }
    }
    return this.sleep(wait);
  }

  /**
   * Wait `ms` (no timer for 0). True: go on at once. A long run of zero waits would starve
   * timers and I/O — a caller's abort could never get in — so every `ZERO_YIELD`-th one goes
   * through a 0 ms timer (asynchronous mode only: a synchronous call blocks by design).
   */
  private sleep(ms: number): boolean {
    if (this.settled) return false; // a hook aborted the caller's signal meanwhile
    if (ms === 0 && (this.sleepSync !== undefined || ++this.zeroWaits % ZERO_YIELD !== 0)) return true;
    if (this.sleepSync !== undefined) {
      this.sleepSync(clampDelay(ms));
      this.totalDelay += ms;
      return true;
    }
    this.sleepTimer = this.plan.clock.setTimeout(() => {
      this.sleepTimer = undefined;
      this.totalDelay += ms;
      this.run();
    }, clampDelay(ms));
    return false;
  }

  /**
   * Settle with `error`. Unless `beforeAttempt` (the call ends from outside: abort, timeout, an
   * open breaker before an attempt), attempt `n` (> 0) is the one that failed and still gets
   * its onRetryFailure event; `exceeded`: attempts ran out.
   */
  private finishWith(error: unknown, beforeAttempt: boolean, n = 0, exceeded = false): false {
    if (this.settled) return false;
    this.settled = true;
    this.reason = error;
    this.cleanup();
    const plan = this.plan;
    if (this.timed || failureChannel?.hasSubscribers) {
      try {
        const events = plan.events;
        if (n > 0 && !beforeAttempt) {
          const snap = this.snap(n, 0);
          safeHook(events, 'onRetryFailure', snap);
          if (exceeded) safeHook(events, 'onMaxRetriesExceeded', snap);
        }
        publish(failureChannel, { attempt: this.snap(this.attempt, 0), error });
        this.record(false);
      } catch {
        // reporting (a custom clock read for `elapsed`) never changes the outcome
      }
    }
    this.reject(error);
    return false;
  }

  private record(succeeded: boolean): void {
    const metrics = this.plan.metrics;
    if (metrics === undefined) return;
    safeHook(metrics, 'recordCall', {
      succeeded,
      attempts: this.attempt,
      duration: this.plan.clock.now() - this.start,
      totalDelay: this.totalDelay,
    });
  }

  private snap(n: number, nextDelay: number): RetryAttempt {
    const elapsed = this.timed ? this.plan.clock.now() - this.start : 0;
    return snapshot(n, this.plan.maxAttempts, this.lastError, nextDelay, elapsed, this.totalDelay);
  }

  /** `nextDelay`: the wait that would cross the deadline (step 5), when giving up early. */
  private timeoutError(nextDelay?: number): RetryTimeoutError {
    const init = { timeout: this.plan.timeout ?? 0, attempts: this.attempt, lastError: this.lastError };
    return new RetryTimeoutError(nextDelay === undefined ? init : { ...init, nextDelay });
  }

  /** The total timeout expired (called by the deadline list, already unlinked). */
  expire(): void {
    if (this.settled) return;
    const error = this.timeoutError();
    this.abortAttempt(error);
    this.endRunning(error);
    this.finishWith(error, true);
  }

  private onAttemptTimeout(): void {
    const n = this.attempt;
    if (this.settled || n <= this.ended) return;
    const error = new RequestTimeoutError(`Attempt ${n} timed out after ${this.plan.attemptTimeout} ms`);
    this.abortAttempt(error);
    if (this.failed(error, n)) this.run();
  }

  onSignalAbort(reason: unknown): void {
    if (this.settled) return;
    this.callerAborted = true;
    try {
      this.abortAttempt(reason);
      this.endRunning(reason);
    } finally {
      this.finishWith(reason, true);
    }
  }

  /**
   * The call gives up on the attempt still running: its outcome is settled now (a total timeout
   * counts as a failure for the breaker, the caller's abort frees the permit), so a probe slot is
   * not held until the work happens to end; its late outcome is then ignored.
   */
  private endRunning(error: unknown): void {
    const n = this.attempt;
    if (n > this.ended) this.endAttempt(n, false, error);
  }

  /** Stop the attempt that is running, if one is: its signal aborts (now, or when first read). */
  private abortAttempt(reason: unknown): void {
    const current = this.current;
    if (current !== undefined && current.attempt === this.attempt && this.attempt > this.ended) current.abort(reason);
  }

  /**
   * Why attempt `n`'s signal, first read only now, must already be aborted — or NOT_ABORTED.
   * One rule, whenever the signal is read: it is aborted when that attempt was told to stop
   * while it ran (a timeout, the caller's abort — recorded on its context by `abortAttempt`),
   * never merely because it ended. Here: a running attempt whose caller already aborted.
   */
  lateReason(n: number): unknown {
    if (n > this.ended && this.signal?.aborted) return this.signal.reason;
    return NOT_ABORTED;
  }

  private newPromise(): void {
    defer(this as unknown as Deferred<T>);
  }

  /**
   * Leave sync mode (an attempt or the breaker returned a thenable): from now on the call is
   * the asynchronous one, with its deadlines armed for the time that is left.
   */
  private goAsync(): void {
    this.sleepSync = undefined;
    this.newPromise();
    const plan = this.plan;
    const now = plan.clock.now();
    if (plan.timeout !== undefined) {
      const left = this.start + plan.timeout - now;
      new DeadlineList(plan.clock, left > 0 ? left : 0, false).add(this, now);
    }
    if (plan.attemptTimeout !== undefined && this.ended < this.attempt) {
      const node = (this.attemptDeadline ??= new DeadlineNode(() => this.onAttemptTimeout()));
      const left = this.attemptStart + plan.attemptTimeout - now;
      new DeadlineList(plan.clock, left > 0 ? left : 0, false).add(node, now);
    }
  }

  private cleanup(): void {
    const plan = this.plan;
    const entry = this.entry;
    if (entry.list !== null) entry.list.remove(entry);
    if (this.attemptDeadline?.list) this.attemptDeadline.list.remove(this.attemptDeadline);
    if (this.sleepTimer !== undefined) {
      plan.clock.clearTimeout(this.sleepTimer);
      this.sleepTimer = undefined;
    }
    if (this.signal !== undefined) unsubscribe(this.signal, this);
  }
}

/** The `CircuitOpenError` of a breaker a failed attempt left open, named as the breaker names itself. */
const openError = (breaker: BreakerGuard, retryAfter: number, cause: unknown): CircuitOpenError => {
  const name = readSafely(breaker, 'name');
  const who = typeof name === 'string' ? `Circuit "${name}"` : 'Circuit';
  return new CircuitOpenError({ retryAfter, cause, message: `${who} is open; retry after ${Math.ceil(retryAfter)} ms` });
};

/** The breaker's `retryAfter` (0 when it has none, or reading it throws). */
const breakerOpenFor = (breaker: BreakerGuard): number => {
  const ms = readSafely(breaker, 'retryAfter');
  return typeof ms === 'number' && ms > 0 ? ms : 0;
};

export const releasePermit = (breaker: BreakerGuard, permit: unknown): void => {
  const release = (breaker as { releasePermit?: (p: unknown) => void }).releasePermit;
  if (typeof release === 'function') {
    try {
      release.call(breaker, permit);
    } catch {
      // ignore
    }
  }
};
