import { ERROR_CATEGORIES, classifyError, type ErrorCategory } from '../classify/classify-error.js';
import type { CallRecord, MetricsSink } from '../core/hooks.js';
import { checkKnownKeys, checkObject } from '../core/validate.js';
import { LatencyHistogram } from './latency-histogram.js';

/** The keys of `errorsByCategory`, in classifyError's order. */
const CATEGORIES: readonly ErrorCategory[] = ERROR_CATEGORIES;
const UNKNOWN = Math.max(0, CATEGORIES.indexOf('unknown'));

/** Call latency percentiles in ms, from a log-linear histogram (within 0.79 % of the exact value). */
export interface LatencyStats {
  /** Median call duration. */
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  /** Longest call duration (exact). */
  readonly max: number;
}

/** What {@link RetryMetrics.getStats} returns: a frozen snapshot. */
export interface RetryStats {
  /** Settled calls (successes + failures). */
  readonly totalCalls: number;
  /** Calls that resolved. */
  readonly successfulCalls: number;
  /** Calls that rejected, for any reason (non-retryable error, attempts exhausted, timeout, abort, budget, breaker). */
  readonly failedCalls: number;
  /** Attempts over all calls, first attempts included. */
  readonly totalAttempts: number;
  /** Attempts beyond the first: `totalAttempts - totalCalls`. */
  readonly totalRetries: number;
  /** `successfulCalls / totalCalls`; **1** when no call was recorded (nothing failed). */
  readonly successRate: number;
  /** `totalRetries / totalCalls`; 0 when no call was recorded. */
  readonly averageRetries: number;
  /** `totalAttempts / totalCalls`; 0 when no call was recorded. */
  readonly averageAttempts: number;
  /** Ms spent waiting between attempts, over all calls. */
  readonly totalDelay: number;
  /** Call duration percentiles (first attempt start to settle), ms; all 0 when no call was recorded. */
  readonly latency: LatencyStats;
  /** Failed attempts per `classifyError(error).category`; every category is present (0 if none). */
  readonly errorsByCategory: Readonly<Record<ErrorCategory, number>>;
}

/** Options of `new RetryMetrics()`: none yet (the parameter is reserved and validated). */
export type RetryMetricsOptions = Record<string, never>;

const NO_KEYS: ReadonlySet<string> = /* @__PURE__ */ new Set();

/**
 * Counts calls, attempts, waits and errors of every call it is passed to (`metrics` option), and
 * keeps call latency in a fixed-size histogram, so memory stays the same however many calls are
 * recorded. One object may be shared by any number of wrappers. Recording is O(1); recording a
 * call allocates nothing (recording a failure costs one `classifyError`).
 *
 * @example
 * const metrics = new RetryMetrics();
 * const get = asyncRetry({ maxAttempts: 3, metrics })(fetchUser);
 * await get(42);
 * const { successRate, averageRetries, latency } = metrics.getStats();
 */
export class RetryMetrics implements MetricsSink {
  readonly #latency = new LatencyHistogram();
  readonly #errors = new Float64Array(CATEGORIES.length);
  #calls = 0;
  #successes = 0;
  #attempts = 0;
  #retries = 0;
  #delay = 0;

  /** @param options reserved; must be absent or `{}`. */
  constructor(options: RetryMetricsOptions = {}) {
    checkObject('options', options);
    checkKnownKeys('RetryMetrics', options, NO_KEYS);
  }

  /**
   * Count one failed attempt under `classifyError(error).category`. Called by the executor after
   * every failed attempt (also the last one); never throws.
   * @example metrics.recordFailure(new ConnectionError()); // errorsByCategory.network + 1
   */
  recordFailure(error: unknown): void {
    let index = UNKNOWN;
    try {
      const found = CATEGORIES.indexOf(classifyError(error).category);
      if (found >= 0) index = found;
    } catch {
      // a classifier surprise still counts the failure
    }
    this.#errors[index] = (this.#errors[index] as number) + 1;
  }

  /**
   * Count one settled call. Called by the executor once per call; never throws. A call may have
   * made 0 attempts (an open breaker or an aborted signal stopped it before `fn` ran). Values
   * that cannot be right (negative, fractional or non-finite attempts or times) are clamped to 0
   * (attempts are rounded down).
   * @example metrics.recordCall({ succeeded: true, attempts: 2, duration: 1250, totalDelay: 1000 });
   */
  recordCall(call: CallRecord): void {
    const attempts = call.attempts >= 0 && call.attempts < Infinity ? Math.floor(call.attempts) : 0;
    const delay = call.totalDelay > 0 && call.totalDelay < Infinity ? call.totalDelay : 0;
    this.#calls++;
    if (call.succeeded === true) this.#successes++;
    this.#attempts += attempts;
    if (attempts > 1) this.#retries += attempts - 1;
    this.#delay += delay;
    this.#latency.record(call.duration);
  }

  /**
   * A frozen snapshot of everything recorded since construction or the last `reset()`.
   * O(histogram size), allocation of the result only.
   * @example
   * const s = metrics.getStats();
   * console.log(`${(s.successRate * 100).toFixed(1)}% ok, p99 ${s.latency.p99.toFixed(0)} ms`);
   */
  getStats(): RetryStats {
    const calls = this.#calls;
    const retries = this.#retries;
    const errorsByCategory = {} as Record<ErrorCategory, number>;
    for (let i = 0; i < CATEGORIES.length; i++) {
      errorsByCategory[CATEGORIES[i] as ErrorCategory] = this.#errors[i] as number;
    }
    return Object.freeze({
      totalCalls: calls,
      successfulCalls: this.#successes,
      failedCalls: calls - this.#successes,
      totalAttempts: this.#attempts,
      totalRetries: retries,
      successRate: calls === 0 ? 1 : this.#successes / calls,
      averageRetries: calls === 0 ? 0 : retries / calls,
      averageAttempts: calls === 0 ? 0 : this.#attempts / calls,
      totalDelay: this.#delay,
      latency: Object.freeze(this.#latency.quantiles()),
      errorsByCategory: Object.freeze(errorsByCategory),
    });
  }

  /**
   * Forget everything recorded (counters, histogram, error counts). Memory is reused.
   * @example setInterval(() => { report(metrics.getStats()); metrics.reset(); }, 60_000);
   */
  reset(): void {
    this.#latency.reset();
    this.#errors.fill(0);
    this.#calls = 0;
    this.#successes = 0;
    this.#attempts = 0;
    this.#retries = 0;
    this.#delay = 0;
  }

  /** Length of the internal arrays (constant: memory does not grow with calls). @internal */
  get memoryFootprint(): { readonly histogramBuckets: number; readonly errorCategories: number } {
    return { histogramBuckets: this.#latency.size, errorCategories: this.#errors.length };
  }
}
