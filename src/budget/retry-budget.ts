import { type Clock, realClock } from '../core/clock.js';
import type { BudgetGuard } from '../core/hooks.js';
import { checkKnownKeys, checkObject, describeValue, optNumber } from '../core/validate.js';
import { BudgetWindow } from './budget-window.js';
import { BUDGET_BUCKETS, type BudgetStore } from './budget-store.js';

/** Options of `new RetryBudget()`; every one is optional. */
export interface RetryBudgetOptions {
  /**
   * Retries allowed per first attempt in the window, on top of the floor. 0.1 = retries may add
   * at most 10 % load. 0 to 1000 (values above 1 allow several retries per call).
   * @default 0.1
   */
  ratio?: number | undefined;
  /**
   * Retries per second always allowed, however few first attempts there were (so a quiet
   * service can still retry). The floor for one window is `minRetriesPerSecond * window / 1000`.
   * @default 10
   */
  minRetriesPerSecond?: number | undefined;
  /** Length in ms of the sliding window over which attempts are counted. > 0. @default 10000 */
  window?: number | undefined;
  /** Time source (only `now()` is used). @default realClock, or wall time (`Date.now`) when `store` is set */
  clock?: Clock | undefined;
  /** Shares the counts with other budgets (see `BudgetStore`). @default undefined (this object only) */
  store?: BudgetStore | undefined;
}

/** The defaults of `RetryBudget`. */
export const RETRY_BUDGET_DEFAULTS = /* @__PURE__ */ Object.freeze({
  ratio: 0.1,
  minRetriesPerSecond: 10,
  window: 10_000,
} as const);

/** What {@link RetryBudget.getStats} returns (counts within the current window). */
export interface RetryBudgetStats {
  /** First attempts counted in the window (all budgets sharing the store, as last synced). */
  readonly firstAttempts: number;
  /** Retries granted in the window (they count from the moment they are granted). */
  readonly retries: number;
  /** Retries that would be granted now: `max(0, floor(ratio * firstAttempts + floor - retries))`. */
  readonly available: number;
  /** Observed retries per first attempt: `retries / firstAttempts` (0 when there were none). */
  readonly ratio: number;
}

const KNOWN = /* @__PURE__ */ new Set(['ratio', 'minRetriesPerSecond', 'window', 'clock', 'store']);
const wallClock: Clock = /* @__PURE__ */ Object.freeze({ ...realClock, now: () => Date.now() });
/** Float slack so that e.g. 0.1 * 30 = 3.0000000000000004 still allows exactly 3 retries. */
const EPSILON = 1e-9;

/**
 * Caps retries across every call that shares it, so a failing dependency gets at most
 * `ratio` extra load plus a small floor instead of a retry storm: a retry is granted only if,
 * counting it, the retries granted in the last `window` ms stay within
 *
 * `ratio × firstAttemptsInWindow + minRetriesPerSecond × window / 1000`.
 *
 * The idea is Finagle's `RetryBudget` (a deposit per request, a withdrawal per retry, plus a
 * per-second reserve), gRPC's retry throttling (proposal A6: retries stop when the token ratio
 * falls) and the AWS SDKs' retry token bucket. A retry counts **when granted**, so retries still
 * waiting in backoff already count (unlike Envoy's concurrent-retry limit, envoy#30205).
 *
 * Counting uses 10 buckets of `window / 10` ms keyed by absolute bucket index, so idle time
 * expires counts exactly and each decision is O(1) with constant memory. Counting is
 * conservative by at most one bucket: a first attempt counts for between 0.9 and 1 × `window`,
 * a retry for between 1 and 1.1 × `window`, which makes the rule above hold for every
 * real-time window ending at a grant.
 *
 * @example
 * const budget = new RetryBudget({ ratio: 0.2 });
 * const call = asyncRetry({ maxAttempts: 5, budget })(fetchOrder); // share `budget` between wrappers
 */
export class RetryBudget implements BudgetGuard {
  /** Configured retries per first attempt. */
  readonly ratio: number;
  /** Configured floor, in retries per second. */
  readonly minRetriesPerSecond: number;
  /** Configured window, ms. */
  readonly window: number;
  readonly #clock: Clock;
  readonly #floor: number;
  readonly #counts: BudgetWindow;

  constructor(options: RetryBudgetOptions = {}) {
    checkObject('options', options);
    checkKnownKeys('RetryBudget', options, KNOWN);
    const d = RETRY_BUDGET_DEFAULTS;
    this.ratio = optNumber('ratio', options.ratio, d.ratio, { min: 0, max: 1000 });
    this.minRetriesPerSecond = optNumber('minRetriesPerSecond', options.minRetriesPerSecond, d.minRetriesPerSecond, {
      min: 0,
    });
    this.window = optNumber('window', options.window, d.window, { gt: 0 });
    const { clock, store } = options;
    if (clock !== undefined && (clock === null || typeof clock !== 'object' || typeof clock.now !== 'function')) {
      throw new TypeError(`\`clock\` must be a Clock (an object with now()), got ${describeValue(clock)}`);
    }
    if (
      store !== undefined &&
      (store === null ||
        typeof store !== 'object' ||
        typeof store.exchange !== 'function' ||
        typeof store.reset !== 'function')
    ) {
      throw new TypeError(`\`store\` must be a BudgetStore (exchange() and reset()), got ${describeValue(store)}`);
    }
    this.#clock = clock ?? (store === undefined ? realClock : wallClock);
    this.#floor = (this.minRetriesPerSecond * this.window) / 1000;
    this.#counts = new BudgetWindow(this.window / BUDGET_BUCKETS, store);
  }

  /**
   * A call's first attempt starts: deposit one into the budget. Called by the executor; O(1).
   * @example budget.recordFirstAttempt();
   */
  recordFirstAttempt(): void {
    this.#counts.addFirst(this.#clock.now());
  }

  /**
   * Ask for one retry. Grants it (and counts it at once) when the retries in the window, this
   * one included, stay within `ratio * firstAttempts + minRetriesPerSecond * window / 1000`;
   * otherwise returns false and counts nothing. Synchronous, never throws, O(1).
   * @example if (!budget.tryAcquireRetry()) throw new RetryBudgetExceededError({ lastError });
   */
  tryAcquireRetry(): boolean {
    const w = this.#counts;
    w.prepareDecision(this.#clock.now());
    if (w.retries + 1 > this.#allowance(w.firsts) + EPSILON) return false;
    w.addRetry();
    return true;
  }

  /**
   * The counts of the current window.
   * @example const { available } = budget.getStats(); // retries grantable right now
   */
  getStats(): RetryBudgetStats {
    const w = this.#counts;
    w.prepareDecision(this.#clock.now());
    const firsts = w.firsts;
    const retries = w.retries;
    const available = Math.max(0, Math.floor(this.#allowance(firsts) - retries + EPSILON));
    return Object.freeze({ firstAttempts: firsts, retries, available, ratio: firsts === 0 ? 0 : retries / firsts });
  }

  /**
   * Push unsent counts to the store and pull everyone else's now (resolves at once without a
   * store). Budgets sync by themselves; this is for tests and for flushing before shutdown.
   * @example await budget.sync();
   */
  sync(): Promise<void> {
    return this.#counts.sync(this.#clock.now());
  }

  /**
   * Forget every count; with a store, also the store's shared counts (so every budget sharing it
   * starts over). Returns the store's promise when it answers asynchronously.
   * @example budget.reset();
   */
  reset(): void | Promise<void> {
    return this.#counts.reset();
  }

  #allowance(firsts: number): number {
    return this.ratio * firsts + this.#floor;
  }
}
