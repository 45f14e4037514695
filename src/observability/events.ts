import type { RetryAttempt } from '../core/attempt.js';

/**
 * Lifecycle callbacks of a call. Any object with some of these methods works; extend the
 * class to override only what you need. Handlers get frozen snapshots, and a handler that
 * throws or rejects never changes the outcome of a call.
 *
 * Order for one call: `onRetryStart` before every attempt (the first included), then
 * `onRetryFailure` after each failed attempt, and at the end either `onRetrySuccess` (the call
 * succeeded on `attempt.number`) or, when attempts ran out, `onMaxRetriesExceeded`.
 */
export interface RetryEventListener {
  onRetryStart?(attempt: RetryAttempt): unknown;
  onRetrySuccess?(attempt: RetryAttempt): unknown;
  onRetryFailure?(attempt: RetryAttempt): unknown;
  onMaxRetriesExceeded?(attempt: RetryAttempt): unknown;
}

/**
 * Base class for event handlers: every method is a no-op, override what you need.
 * @example
 * class Logger extends RetryEventHandler {
 *   override onRetryFailure(a: RetryAttempt) { console.warn(`attempt ${a.number} failed`, a.lastError); }
 * }
 */
export class RetryEventHandler implements RetryEventListener {
  onRetryStart(_attempt: RetryAttempt): void | Promise<void> {}
  onRetrySuccess(_attempt: RetryAttempt): void | Promise<void> {}
  onRetryFailure(_attempt: RetryAttempt): void | Promise<void> {}
  onMaxRetriesExceeded(_attempt: RetryAttempt): void | Promise<void> {}
}
