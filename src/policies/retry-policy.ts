import type { RetryAttempt } from '../core/attempt.js';
import type { BreakerGuard } from '../core/hooks.js';
import { checkFunction, checkKnownKeys, checkObject, describeValue, optNumber } from '../core/validate.js';
import { ExponentialBackoffStrategy } from '../strategies/exponential.js';
import type { RetryStrategy } from '../strategies/strategy.js';
import { type ErrorMatcher, toPredicateList } from './matchers.js';

/** Options of `new RetryPolicy()`; every one is optional. */
export interface RetryPolicyOptions {
  /** How long to wait between attempts, and how many. @default new ExponentialBackoffStrategy() */
  strategy?: RetryStrategy;
  /** Errors worth retrying. Empty or absent: every error not in `nonRetryableErrors`. */
  retryableErrors?: readonly ErrorMatcher[];
  /** Errors never retried; always wins over `retryableErrors`. */
  nonRetryableErrors?: readonly ErrorMatcher[];
  /** When set, it alone decides whether an error is retried. */
  retryCondition?: (error: unknown, attempt: RetryAttempt) => boolean;
  /** Total ms for the whole call: all attempts and waits. @default undefined (no limit) */
  timeout?: number;
  /** Guards each attempt. */
  circuitBreaker?: BreakerGuard;
}

const KNOWN = /* @__PURE__ */ new Set([
  'strategy',
  'retryableErrors',
  'nonRetryableErrors',
  'retryCondition',
  'timeout',
  'circuitBreaker',
]);

const isStrategy = (s: unknown): s is RetryStrategy =>
  s !== null &&
  typeof s === 'object' &&
  typeof (s as RetryStrategy).getDelay === 'function' &&
  typeof (s as RetryStrategy).maxAttempts === 'number';

/**
 * Which errors are retried, with which strategy, for how long. Policies are immutable but for
 * `circuitBreaker`, which may be assigned after construction (as in the original API);
 * `with(overrides)` derives a new policy.
 *
 * @example
 * const policy = new RetryPolicy({
 *   strategy: new ExponentialBackoffStrategy({ maxAttempts: 5 }),
 *   retryableErrors: [ConnectionError, byStatus(503)],
 *   nonRetryableErrors: [ValidationError],
 *   timeout: 30_000,
 * });
 */
export class RetryPolicy {
  readonly strategy: RetryStrategy;
  readonly retryableErrors: readonly ErrorMatcher[];
  readonly nonRetryableErrors: readonly ErrorMatcher[];
  readonly retryCondition: ((error: unknown, attempt: RetryAttempt) => boolean) | undefined;
  readonly timeout: number | undefined;
  /** Guards each attempt; assignable after construction. */
  #breaker: BreakerGuard | undefined;
  readonly #retryable: ((error: unknown) => boolean) | undefined;
  readonly #nonRetryable: ((error: unknown) => boolean) | undefined;

  constructor(options: RetryPolicyOptions = {}) {
    checkObject('options', options);
    checkKnownKeys('RetryPolicy', options, KNOWN);
    if (options.strategy !== undefined && !isStrategy(options.strategy)) {
      throw new TypeError(`\`strategy\` must be a RetryStrategy, got ${describeValue(options.strategy)}`);
    }
    this.strategy = options.strategy ?? new ExponentialBackoffStrategy();
    for (const key of ['retryableErrors', 'nonRetryableErrors'] as const) {
      const list = options[key];
      if (list !== undefined && !Array.isArray(list)) {
        throw new TypeError(`\`${key}\` must be an array of error classes or predicates, got ${describeValue(list)}`);
      }
    }
    this.retryableErrors = Object.freeze([...(options.retryableErrors ?? [])]);
    this.nonRetryableErrors = Object.freeze([...(options.nonRetryableErrors ?? [])]);
    this.#retryable = toPredicateList(this.retryableErrors, 'retryableErrors');
    this.#nonRetryable = toPredicateList(this.nonRetryableErrors, 'nonRetryableErrors');
    this.retryCondition = checkFunction('retryCondition', options.retryCondition);
    this.timeout =
      options.timeout === undefined
        ? undefined
        : optNumber('timeout', options.timeout, 0, { gt: 0, allowInfinity: true });
    this.#breaker = checkBreaker(options.circuitBreaker, false);
  }

  /**
   * The breaker guarding every call under this policy; assignable after construction (as in
   * the original API). Assigning `null` or `undefined` detaches it; anything else must be a
   * breaker (an object with `acquirePermit()`), or the assignment throws a TypeError.
   * @example policy.circuitBreaker = new CircuitBreaker({ failureThreshold: 5 });
   */
  get circuitBreaker(): BreakerGuard | undefined {
    return this.#breaker;
  }
  set circuitBreaker(breaker: BreakerGuard | undefined) {
    this.#breaker = checkBreaker(breaker, true);
  }

  /**
   * Classify an error by the lists alone: `nonRetryableErrors` wins; a non-empty
   * `retryableErrors` must match.
   */
  matchesLists(error: unknown): boolean {
    if (this.#nonRetryable !== undefined && this.#nonRetryable(error)) return false;
    return this.#retryable === undefined || this.#retryable(error);
  }

  /**
   * Whether `error` is worth retrying: `retryCondition` alone when set, otherwise the lists.
   * (Attempt limits, deadlines and budgets are the executor's business.)
   */
  isRetryable(error: unknown, attempt: RetryAttempt): boolean {
    if (this.retryCondition !== undefined) {
      try {
        return this.retryCondition(error, attempt) === true;
      } catch {
        return false;
      }
    }
    return this.matchesLists(error);
  }

  /** The options this policy was built from (a fresh object). */
  toOptions(): RetryPolicyOptions {
    const o: RetryPolicyOptions = {
      strategy: this.strategy,
      retryableErrors: this.retryableErrors,
      nonRetryableErrors: this.nonRetryableErrors,
    };
    if (this.retryCondition !== undefined) o.retryCondition = this.retryCondition;
    if (this.timeout !== undefined) o.timeout = this.timeout;
    if (this.circuitBreaker !== undefined) o.circuitBreaker = this.circuitBreaker;
    return o;
  }

  /** A new policy with `overrides` applied; `undefined` values keep the current setting. */
  with(overrides: RetryPolicyOptions = {}): RetryPolicy {
    return makePolicy(this.merged(overrides));
  }

  /** This policy's options with `overrides` laid over them (`undefined` keeps a value). @internal */
  protected merged(overrides: RetryPolicyOptions | undefined): RetryPolicyOptions {
    checkObject('overrides', overrides);
    const merged = this.toOptions() as Record<string, unknown>;
    for (const [k, v] of Object.entries(overrides ?? {})) if (v !== undefined) merged[k] = v;
    return merged as RetryPolicyOptions;
  }
}

/** A breaker, or undefined (also for `null` when assigning after construction); else a TypeError. */
function checkBreaker(breaker: unknown, nullDetaches: boolean): BreakerGuard | undefined {
  if (breaker === undefined || (nullDetaches && breaker === null)) return undefined;
  if (breaker === null || (typeof breaker !== 'object' && typeof breaker !== 'function') || typeof (breaker as BreakerGuard).acquirePermit !== 'function') {
    throw new TypeError(`\`circuitBreaker\` must be a CircuitBreaker, got ${describeValue(breaker)}`);
  }
  return breaker as BreakerGuard;
}

/** `new RetryPolicy(options)`, outside the class body so that the class keeps its `name` (see strategies). */
function makePolicy(options: RetryPolicyOptions): RetryPolicy {
  return new RetryPolicy(options);
}
