import { optNumber } from '../core/validate.js';
import {
  BaseStrategy,
  checkAttempt,
  overridesWithoutMultiplier,
  saturate,
  type JitterType,
  type ResolvedOptions,
  type StrategyOverrides,
} from './strategy.js';

/** Options of `new AdaptiveStrategy()`; every one is optional, `undefined` keeps the default. */
export interface AdaptiveStrategyOptions {
  /** Every call counts, the first included. Integer >= 1. @default 5 */
  maxAttempts?: number | undefined;
  /** Delay after the first failure, in ms. Finite, >= 0. @default 1000 */
  baseDelay?: number | undefined;
  /** Cap on every delay, in ms, applied before jitter. Finite, >= 0. @default 60000 */
  maxDelay?: number | undefined;
  /** A success rate below this (0..1) switches to aggressive backoff (`3^(n-1)`). @default 0.8 */
  successThreshold?: number | undefined;
  /** How many recent outcomes the success rate covers. Integer, 1..1_000_000. @default 100 */
  adaptationWindow?: number | undefined;
  /** Outcomes needed before the rate is trusted (<= `adaptationWindow`). Integer >= 1. @default 10 */
  minSamples?: number | undefined;
  /** Randomise each delay. @default true */
  jitter?: boolean | undefined;
  /** `'full'`, `'equal'` or `'decorrelated'` (AWS "Exponential Backoff And Jitter"). @default 'full' */
  jitterType?: JitterType | undefined;
  /** A `[0,1)` source for jitter; inject one to make delays reproducible. @default Math.random */
  random?: (() => number) | undefined;
}

/** The defaults of `AdaptiveStrategy` (ms). */
export const ADAPTIVE_DEFAULTS = /* @__PURE__ */ Object.freeze({
  maxAttempts: 5,
  baseDelay: 1000,
  maxDelay: 60_000,
  successThreshold: 0.8,
  adaptationWindow: 100,
  minSamples: 10,
  jitter: true,
  jitterType: 'full' as JitterType,
});

/** Largest `adaptationWindow`: the window is one byte per outcome, allocated up front. */
export const MAX_ADAPTATION_WINDOW = 1_000_000;

/** What `AdaptiveStrategy#getStatistics()` returns; every count covers the current window only. */
export interface AdaptiveStatistics {
  /** Outcomes in the window (at most `windowSize`). */
  readonly totalAttempts: number;
  /** Successful outcomes in the window. */
  readonly successfulAttempts: number;
  /** `successfulAttempts / totalAttempts`; `1` when the window is empty. */
  readonly successRate: number;
  /** The window's capacity (`adaptationWindow`). */
  readonly windowSize: number;
  /** Whether the window holds at least `minSamples` outcomes, so the rate steers the backoff. */
  readonly adaptationActive: boolean;
}

const KNOWN: ReadonlySet<string> = /* @__PURE__ */ new Set([...Object.keys(ADAPTIVE_DEFAULTS), 'random']);

/** A ring buffer of the last `capacity` outcomes with a running success count: O(1) per record. */
class OutcomeWindow {
  readonly #slots: Uint8Array;
  #next = 0;
  count = 0;
  successes = 0;

  constructor(readonly capacity: number) {
    this.#slots = new Uint8Array(capacity);
  }

  record(success: boolean): void {
    const slot = this.#next;
    if (this.count === this.capacity) this.successes -= this.#slots[slot] ?? 0;
    else this.count++;
    const bit = success ? 1 : 0;
    this.#slots[slot] = bit;
    this.successes += bit;
    this.#next = slot + 1 === this.capacity ? 0 : slot + 1;
  }

  reset(): void {
    this.#slots.fill(0);
    this.#next = 0;
    this.count = 0;
    this.successes = 0;
  }
}

/**
 * Backoff that adapts to the recent success rate of the operations it guards. The executor feeds
 * it with `recordOutcome(success)` after every attempt; the multiplier for attempt `n` is
 * `2^(n-1)` while fewer than `minSamples` outcomes are known (conservative), `3^(n-1)` when the
 * success rate is below `successThreshold` (aggressive), `1 + 0.5*(n-1)` above 0.95 (minimal),
 * else `1.5^(n-1)`; `calculateDelay(n) = baseDelay * multiplier`, capped at `maxDelay`, jittered.
 *
 * **The one shared, stateful strategy**: every call that uses an instance feeds and reads the same
 * statistics window, and the strategies returned by `with()` / `withOverrides()` share that window
 * too. For an independent strategy with empty statistics use `new AdaptiveStrategy(s.toOptions())`.
 *
 * @example
 * const adaptive = new AdaptiveStrategy({ successThreshold: 0.8, adaptationWindow: 100, minSamples: 10 });
 * adaptive.recordOutcome(false);
 * adaptive.getStatistics(); // { totalAttempts: 1, successfulAttempts: 0, successRate: 0, windowSize: 100, adaptationActive: false }
 */
export class AdaptiveStrategy extends BaseStrategy<AdaptiveStrategyOptions> {
  /** Delay after the first failure, in ms. @default 1000 */
  readonly baseDelay: number;
  /** Cap on every delay, in ms. @default 60000 */
  readonly maxDelay: number;
  /** Below this success rate the backoff turns aggressive. @default 0.8 */
  readonly successThreshold: number;
  /** Capacity of the outcome window. @default 100 */
  readonly adaptationWindow: number;
  /** Outcomes needed before the rate steers the backoff. @default 10 */
  readonly minSamples: number;
  #window: OutcomeWindow;

  /**
   * @example
   * new AdaptiveStrategy({ maxAttempts: 5, baseDelay: 500 });
   */
  constructor(options: AdaptiveStrategyOptions = {}) {
    super('AdaptiveStrategy', options, KNOWN, ADAPTIVE_DEFAULTS);
    const d = ADAPTIVE_DEFAULTS;
    this.baseDelay = optNumber('baseDelay', options.baseDelay, d.baseDelay, { min: 0 });
    this.maxDelay = optNumber('maxDelay', options.maxDelay, d.maxDelay, { min: 0 });
    this.successThreshold = optNumber('successThreshold', options.successThreshold, d.successThreshold, {
      min: 0,
      max: 1,
    });
    this.adaptationWindow = optNumber('adaptationWindow', options.adaptationWindow, d.adaptationWindow, {
      integer: true,
      min: 1,
      max: MAX_ADAPTATION_WINDOW,
    });
    this.minSamples = optNumber('minSamples', options.minSamples, d.minSamples, { integer: true, min: 1 });
    if (this.minSamples > this.adaptationWindow) {
      // The window could never hold enough samples: adaptation would silently never start.
      throw new RangeError(
        `\`minSamples\` must be <= \`adaptationWindow\` (${this.adaptationWindow}), got ${this.minSamples}`,
      );
    }
    this.#window = new OutcomeWindow(this.adaptationWindow);
    if (isExact(new.target)) Object.freeze(this);
  }

  /**
   * Raw delay after failed attempt `attempt` (1-based), before cap and jitter:
   * `baseDelay * multiplier`, the multiplier chosen by the current success rate (see the class).
   * Saturates at `Number.MAX_VALUE`.
   * @example
   * new AdaptiveStrategy().calculateDelay(3); // 4000 (no samples yet: 2^(n-1))
   */
  calculateDelay(attempt: number): number {
    checkAttempt(attempt);
    const base = this.baseDelay;
    if (base === 0) return 0;
    const k = attempt - 1;
    const w = this.#window;
    let multiplier: number;
    if (w.count < this.minSamples) multiplier = 2 ** k;
    else {
      const rate = w.successes / w.count;
      if (rate < this.successThreshold) multiplier = 3 ** k;
      else if (rate > 0.95) multiplier = 1 + 0.5 * k;
      else multiplier = 1.5 ** k;
    }
    return saturate(base * multiplier);
  }

  /**
   * Record the outcome of one attempt (the executor calls this). O(1); the oldest outcome leaves
   * the window once it holds `adaptationWindow` outcomes.
   * @example
   * strategy.recordOutcome(true);
   */
  recordOutcome(success: boolean): void {
    this.#window.record(success === true);
  }

  /**
   * Successes / outcomes in the window; `1` when it is empty.
   * @example
   * new AdaptiveStrategy().getSuccessRate(); // 1
   */
  getSuccessRate(): number {
    const w = this.#window;
    return w.count === 0 ? 1 : w.successes / w.count;
  }

  /**
   * A frozen snapshot of the window. `totalAttempts` and `successfulAttempts` count the outcomes
   * **in the window** (not every outcome ever recorded), so `successRate` is their ratio.
   * @example
   * strategy.getStatistics().adaptationActive; // false until minSamples outcomes are known
   */
  getStatistics(): AdaptiveStatistics {
    const w = this.#window;
    return Object.freeze({
      totalAttempts: w.count,
      successfulAttempts: w.successes,
      successRate: w.count === 0 ? 1 : w.successes / w.count,
      windowSize: w.capacity,
      adaptationActive: w.count >= this.minSamples,
    });
  }

  /**
   * Forget every recorded outcome (for this strategy and every strategy sharing its window).
   * @example
   * strategy.resetStatistics();
   */
  resetStatistics(): void {
    this.#window.reset();
  }

  /**
   * A new strategy with some options replaced (`undefined` keeps the current value) that **shares
   * this strategy's statistics window**; `adaptationWindow` therefore cannot change here.
   * @example
   * const patient = adaptive.with({ maxAttempts: 8 }); // learns from the same outcomes
   */
  with(overrides: AdaptiveStrategyOptions): this {
    const next = this.derive(overrides);
    if (next.adaptationWindow !== this.adaptationWindow) {
      throw new RangeError(
        `\`adaptationWindow\` cannot be changed by with() (the derived strategy shares the window of ${this.adaptationWindow}), got ${next.adaptationWindow}; use new AdaptiveStrategy() for an independent strategy`,
      );
    }
    next.#window = this.#window;
    return next;
  }

  /**
   * Apply a wrapper's generic overrides (`maxAttempts`, `delay` → `baseDelay`, `maxDelay`); the
   * result shares this strategy's statistics window. A `multiplier` (`backoffMultiplier`) is a
   * TypeError: the adaptive multiplier comes from the success rate.
   * @example
   * adaptive.withOverrides({ maxAttempts: 3 });
   */
  withOverrides(overrides: StrategyOverrides): this {
    return this.with(overridesWithoutMultiplier('AdaptiveStrategy', overrides));
  }

  /**
   * Every option, resolved (a fresh object). Statistics are not options: a strategy built from
   * these starts with an empty window.
   * @example
   * new AdaptiveStrategy().toOptions().minSamples; // 10
   */
  toOptions(): ResolvedOptions<AdaptiveStrategyOptions> {
    return {
      maxAttempts: this.maxAttempts,
      baseDelay: this.baseDelay,
      maxDelay: this.maxDelay,
      successThreshold: this.successThreshold,
      adaptationWindow: this.adaptationWindow,
      minSamples: this.minSamples,
      jitter: this.jitter,
      jitterType: this.jitterType,
      random: this.random,
    };
  }
}

/**
 * Constructed as this very class (a subclass freezes itself). Outside the class body on purpose:
 * a class that names itself inside its body is emitted as `var X = class _X`, and its `name`
 * becomes `_X`.
 */
function isExact(target: unknown): boolean {
  return target === AdaptiveStrategy;
}
