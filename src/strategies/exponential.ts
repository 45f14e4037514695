import { optNumber } from '../core/validate.js';
import {
  BaseStrategy,
  checkAttempt,
  checkOverrides,
  saturate,
  type JitterType,
  type ResolvedOptions,
  type StrategyOverrides,
} from './strategy.js';

/** Options of `new ExponentialBackoffStrategy()`; every one is optional, `undefined` keeps the default. */
export interface ExponentialBackoffOptions {
  /** Every call counts, the first included (`3` = 1 call + up to 2 retries). Integer >= 1. @default 3 */
  maxAttempts?: number | undefined;
  /** Delay after the first failure, in ms. Finite, >= 0. @default 1000 */
  baseDelay?: number | undefined;
  /** Growth factor per attempt. Finite, > 0 (below 1 the delays shrink). @default 2 */
  multiplier?: number | undefined;
  /** Cap on every delay, in ms, applied before jitter. Finite, >= 0. @default 60000 */
  maxDelay?: number | undefined;
  /** Randomise each delay (recommended when many clients retry together). @default true */
  jitter?: boolean | undefined;
  /** `'full'`, `'equal'` or `'decorrelated'` (AWS "Exponential Backoff And Jitter"). @default 'full' */
  jitterType?: JitterType | undefined;
  /** A `[0,1)` source for jitter; inject one to make delays reproducible. @default Math.random */
  random?: (() => number) | undefined;
}

/** The defaults of `ExponentialBackoffStrategy` (ms). */
export const EXPONENTIAL_DEFAULTS = /* @__PURE__ */ Object.freeze({
  maxAttempts: 3,
  baseDelay: 1000,
  multiplier: 2,
  maxDelay: 60_000,
  jitter: true,
  jitterType: 'full' as JitterType,
});

const KNOWN: ReadonlySet<string> = /* @__PURE__ */ new Set([...Object.keys(EXPONENTIAL_DEFAULTS), 'random']);

/**
 * Exponential backoff: `calculateDelay(n) = baseDelay * multiplier^(n-1)`, capped at `maxDelay`,
 * then jittered. An immutable value: derive variants with `with()`. The raw delay saturates at
 * `Number.MAX_VALUE` instead of overflowing, so `getDelay(10_000)` is simply `maxDelay` (jittered).
 *
 * @example
 * const s = new ExponentialBackoffStrategy({ baseDelay: 1000, multiplier: 2, jitter: false });
 * [...s.delays({ count: 5 })]; // [1000, 2000, 4000, 8000, 16000]
 */
export class ExponentialBackoffStrategy extends BaseStrategy<ExponentialBackoffOptions> {
  /** Delay after the first failure, in ms. @default 1000 */
  readonly baseDelay: number;
  /** Growth factor per attempt. @default 2 */
  readonly multiplier: number;
  /** Cap on every delay, in ms. @default 60000 */
  readonly maxDelay: number;

  /**
   * @example
   * new ExponentialBackoffStrategy({ maxAttempts: 5, baseDelay: 200, maxDelay: 10_000 });
   */
  constructor(options: ExponentialBackoffOptions = {}) {
    super('ExponentialBackoffStrategy', options, KNOWN, EXPONENTIAL_DEFAULTS);
    const d = EXPONENTIAL_DEFAULTS;
    this.baseDelay = optNumber('baseDelay', options.baseDelay, d.baseDelay, { min: 0 });
    this.multiplier = optNumber('multiplier', options.multiplier, d.multiplier, { gt: 0 });
    this.maxDelay = optNumber('maxDelay', options.maxDelay, d.maxDelay, { min: 0 });
    if (isExact(new.target)) Object.freeze(this);
  }

  /**
   * Raw delay after failed attempt `attempt` (1-based), before cap and jitter:
   * `baseDelay * multiplier^(attempt-1)`, saturating at `Number.MAX_VALUE`.
   * @example
   * new ExponentialBackoffStrategy().calculateDelay(3); // 4000
   */
  calculateDelay(attempt: number): number {
    checkAttempt(attempt);
    const base = this.baseDelay;
    // 0 * Infinity would be NaN once multiplier^(n-1) overflows.
    if (base === 0) return 0;
    return saturate(base * this.multiplier ** (attempt - 1));
  }

  /**
   * A new strategy with some options replaced (`undefined` keeps the current value); this one is
   * unchanged. Subclasses are preserved when their constructor takes the same options object.
   * @example
   * const patient = strategy.with({ maxAttempts: 10 });
   */
  with(overrides: ExponentialBackoffOptions): this {
    return this.derive(overrides);
  }

  /**
   * Apply a wrapper's generic overrides (`maxAttempts`, `delay` → `baseDelay`,
   * `backoffMultiplier` → `multiplier`, `maxDelay`); returns a new strategy.
   * @example
   * strategy.withOverrides({ multiplier: 3 });
   */
  withOverrides(overrides: StrategyOverrides): this {
    const o = checkOverrides('ExponentialBackoffStrategy', overrides);
    return this.derive({
      maxAttempts: o.maxAttempts,
      baseDelay: o.baseDelay,
      multiplier: o.multiplier,
      maxDelay: o.maxDelay,
    });
  }

  /**
   * Every option, resolved (a fresh object).
   * @example
   * new ExponentialBackoffStrategy().toOptions().multiplier; // 2
   */
  toOptions(): ResolvedOptions<ExponentialBackoffOptions> {
    return {
      maxAttempts: this.maxAttempts,
      baseDelay: this.baseDelay,
      multiplier: this.multiplier,
      maxDelay: this.maxDelay,
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
  return target === ExponentialBackoffStrategy;
}
