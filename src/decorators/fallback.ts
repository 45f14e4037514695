/**
 * `retryWithFallback`: retry, and when retrying fails, resolve with a fallback instead of
 * rejecting. An abort is the one failure that is not replaced: the caller asked to stop, and a
 * made-up value would hide that (the call rejects with `signal.reason`, as everywhere else).
 */
import { compile, type RetryOptions } from '../core/options.js';
import { execute } from '../core/retry-async.js';
import { checkFunction, checkObject } from '../core/validate.js';
import { dualUse, type AsyncRetryWrapper } from './dual-use.js';
import { atWrapTime, retried } from './wrappers.js';

/**
 * Options of `retryWithFallback`: every `RetryOptions` field, plus one of the two below.
 * @example retryWithFallback({ maxAttempts: 3, fallbackValue: [] as Partner[] });
 */
export interface RetryWithFallbackOptions<Fallback> extends RetryOptions {
  /** What the call resolves with when retrying fails. @default undefined */
  fallbackValue?: Fallback;
  /**
   * Computes the fallback from the error the call would have rejected with (the function's own
   * non-retryable error, `MaxRetriesExceededError`, `RetryTimeoutError`, `CircuitOpenError`,
   * `RetryBudgetExceededError`). May be async; if it throws, the call rejects with that.
   */
  fallback?: (error: unknown) => Fallback | PromiseLike<Fallback>;
}

/**
 * Retry, and resolve with `fallback(error)` or `fallbackValue` when retrying fails for any
 * reason but an abort of the caller's `signal` (that still rejects with `signal.reason`).
 * Give one of `fallback` and `fallbackValue`, not both (neither: the fallback is `undefined`).
 * A decorated method's declared result must admit the fallback's type.
 *
 * @example
 * class Partners {
 *   @retryWithFallback({ maxAttempts: 3, fallbackValue: [] as Partner[] })
 *   async list(): Promise<Partner[]> { return this.api.partners(); }
 * }
 * const cached = retryWithFallback({ fallback: () => cache.get('rates') })(fetchRates);
 */
export function retryWithFallback<Fallback = undefined>(
  options: RetryWithFallbackOptions<Fallback> = {},
): AsyncRetryWrapper<Fallback> {
  const where = 'retryWithFallback';
  const { plan, fallback } = atWrapTime(where, options, () => {
    checkObject('options', options);
    const { fallback: fn, fallbackValue, ...rest } = options;
    const hasValue = 'fallbackValue' in options && fallbackValue !== undefined;
    checkFunction('fallback', fn);
    if (fn !== undefined && hasValue) {
      throw new TypeError(`${where}: give \`fallback\` or \`fallbackValue\`, not both`);
    }
    const value = fallbackValue as Fallback;
    return {
      plan: compile(rest, where),
      fallback: fn ?? ((): Fallback => value),
    };
  });
  return dualUse<AsyncRetryWrapper<Fallback>>(where, (fnToWrap, name) =>
    retried(
      fnToWrap,
      name,
      plan.signal,
      (self, args, signal) =>
        execute(plan, () => fnToWrap.apply(self, args), signal).then(undefined, (error: unknown) => {
          if (signal !== undefined && signal.aborted && error === signal.reason) throw error;
          return fallback(error);
        }),
      where,
    ),
  );
}
