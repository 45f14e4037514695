/** A frozen snapshot of where a call stands, handed to hooks and event handlers. */
export interface RetryAttempt {
  /** 1-based; in `onRetry`/`onRetryFailure`: the attempt that just failed. */
  readonly number: number;
  readonly maxAttempts: number;
  /** Error of the latest failed attempt (`undefined` before any). */
  readonly lastError: unknown;
  /** Ms to wait before the next attempt (0 if none). */
  readonly nextDelay: number;
  /** Ms since the first attempt started. */
  readonly elapsed: number;
  /** Ms waited so far. */
  readonly totalDelay: number;
}

export function snapshot(
  number: number,
  maxAttempts: number,
  lastError: unknown,
  nextDelay: number,
  elapsed: number,
  totalDelay: number,
): RetryAttempt {
  return Object.freeze({ number, maxAttempts, lastError, nextDelay, elapsed, totalDelay });
}
