/**
 * The seams through which the executor (`retryAsync`) drives breakers, budgets and metrics.
 * Each component implements one of these; the executor knows nothing else about it.
 * These are internal contracts (not exported from the package root).
 */

/** A circuit breaker as the executor sees it. */
export interface BreakerGuard {
  /**
   * Admit one attempt, or throw `CircuitOpenError`. Returns a permit handed back to
   * `onSuccess`/`onFailure` (e.g. to tell a half-open probe from a normal call).
   * A remote store may return a promise.
   */
  acquirePermit(): unknown;
  /** The admitted attempt succeeded after `duration` ms. Never throws. */
  onSuccess(permit: unknown, duration: number): void;
  /** The admitted attempt failed with `error` after `duration` ms. Never throws. */
  onFailure(permit: unknown, error: unknown, duration: number): void;
  /**
   * Optional: ms until the breaker admits a call again (0: now). After a failed attempt the
   * executor rejects with `CircuitOpenError` at once when this outlasts the coming wait.
   */
  readonly retryAfter?: number;
}

/** A retry budget as the executor sees it. */
export interface BudgetGuard {
  /** A call's first attempt is starting (deposits into the budget). */
  recordFirstAttempt(): void;
  /** Ask to retry; `false` refuses (the call then rejects with `RetryBudgetExceededError`). */
  tryAcquireRetry(): boolean;
}

/** One finished call, as metrics see it. */
export interface CallRecord {
  readonly succeeded: boolean;
  /** Attempts made (the first included). */
  readonly attempts: number;
  /** Wall time of the whole call in ms (first attempt start to settle). */
  readonly duration: number;
  /** Ms spent waiting between attempts. */
  readonly totalDelay: number;
}

/** A metrics sink as the executor sees it. */
export interface MetricsSink {
  /** Each failed attempt's error (for `errorsByCategory`). */
  recordFailure(error: unknown): void;
  /** Each settled call. */
  recordCall(call: CallRecord): void;
}
