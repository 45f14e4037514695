import { RetryError } from './retry-error.js';

/** How much of the user's error a message quotes (a 1 MB message must not make a 1 MB error). */
const MAX_QUOTE = 500;

const describe = (error: unknown): string => {
  try {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return text.length > MAX_QUOTE ? `${text.slice(0, MAX_QUOTE)}… (${text.length} characters)` : text;
  } catch {
    // a Proxy or an object whose getters throw: describe it without touching it again
    try {
      return Object.prototype.toString.call(error);
    } catch {
      return '[unprintable error]';
    }
  }
};

/** `init` of a library error's constructor, checked: an object (a clear TypeError otherwise). */
function need<T>(name: string, init: T): T {
  if (init === null || typeof init !== 'object') {
    throw new TypeError(`new ${name}(init): \`init\` must be an object, got ${init === null ? 'null' : typeof init}`);
  }
  return init;
}

/** Every attempt failed with a retryable error and `maxAttempts` was reached. */
export class MaxRetriesExceededError extends RetryError {
  /** @internal */
  static override readonly zenooRetryBrand: string = 'zenoo-retry.MaxRetriesExceededError';
  /** The configured limit. */
  readonly maxAttempts: number;
  /** Attempts actually made (equals `maxAttempts`). */
  readonly attempts: number;
  /** The error of the last attempt (also `cause`). */
  readonly lastError: unknown;
  /** One error per attempt, in order. */
  readonly errors: readonly unknown[];
  constructor(init: { maxAttempts: number; attempts: number; lastError: unknown; errors: readonly unknown[] }) {
    need('MaxRetriesExceededError', init);
    super(
      `Failed after ${init.attempts} attempt${init.attempts === 1 ? '' : 's'} (maxAttempts ${init.maxAttempts}): ${describe(init.lastError)}`,
      { cause: init.lastError },
    );
    this.maxAttempts = init.maxAttempts;
    this.attempts = init.attempts;
    this.lastError = init.lastError;
    this.errors = Object.freeze(Array.isArray(init.errors) ? [...init.errors] : []);
  }
}

/** The total `timeout` of a call expired (or the next wait would have ended past it). */
export class RetryTimeoutError extends RetryError {
  /** @internal */
  static override readonly zenooRetryBrand: string = 'zenoo-retry.RetryTimeoutError';
  /** The total timeout in ms. */
  readonly timeout: number;
  /** Attempts started before the deadline. */
  readonly attempts: number;
  /** The error of the latest failed attempt, `undefined` if none failed yet. */
  readonly lastError: unknown;
  /**
   * `nextDelay`: set when the call gave up early because the next wait would have ended past the
   * deadline (SPEC §2 step 5); the message then says so instead of naming a time that never passed.
   */
  constructor(init: { timeout: number; attempts: number; lastError: unknown; nextDelay?: number }) {
    need('RetryTimeoutError', init);
    const attempts = `${init.attempts} attempt${init.attempts === 1 ? '' : 's'}`;
    super(
      (init.nextDelay === undefined
        ? `Timed out after ${init.timeout} ms and ${attempts}`
        : `Gave up after ${attempts}: the next wait (${Math.round(init.nextDelay)} ms) would end past the ${init.timeout} ms timeout`) +
        (init.lastError === undefined ? '' : `: ${describe(init.lastError)}`),
      init.lastError === undefined ? undefined : { cause: init.lastError },
    );
    this.timeout = init.timeout;
    this.attempts = init.attempts;
    this.lastError = init.lastError;
  }
}

/** A circuit breaker refused the call without running it. */
export class CircuitOpenError extends RetryError {
  /** @internal */
  static override readonly zenooRetryBrand: string = 'zenoo-retry.CircuitOpenError';
  /** Milliseconds until the breaker admits a probe (0 when a probe slot is merely busy). */
  readonly retryAfter: number;
  constructor(init: { retryAfter: number; message?: string; cause?: unknown }) {
    need('CircuitOpenError', init);
    super(init.message ?? `Circuit is open; retry after ${Math.ceil(init.retryAfter)} ms`, 'cause' in init ? { cause: init.cause } : undefined);
    this.retryAfter = init.retryAfter;
  }
}

/** A shared retry budget refused a retry. */
export class RetryBudgetExceededError extends RetryError {
  /** @internal */
  static override readonly zenooRetryBrand: string = 'zenoo-retry.RetryBudgetExceededError';
  /** The error that would have been retried (also `cause`). */
  readonly lastError: unknown;
  constructor(init: { lastError: unknown }) {
    need('RetryBudgetExceededError', init);
    super(`Retry budget exhausted; not retrying: ${describe(init.lastError)}`, { cause: init.lastError });
    this.lastError = init.lastError;
  }
}

/** A bulk run's success rate fell below `partialSuccessThreshold`. */
export class BulkRetryError<R = unknown> extends RetryError {
  /** @internal */
  static override readonly zenooRetryBrand: string = 'zenoo-retry.BulkRetryError';
  /** The full result, as `executeBulk` would have resolved it. */
  readonly result: R;
  /** `cause`: the first failed operation's error (every library error has a cause, SPEC §5). */
  constructor(init: { result: R; message?: string; cause?: unknown }) {
    need('BulkRetryError', init);
    super(init.message ?? 'Bulk operation success rate below partialSuccessThreshold', 'cause' in init ? { cause: init.cause } : undefined);
    this.result = init.result;
  }
}
