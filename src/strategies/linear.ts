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

/** Options of `new LinearBackoffStrategy()`; every one is optional, `undefined` keeps the default. */
export interface LinearBackoffOptions {
  /** Every call counts, the first included (`3` = 1 call + up to 2 retries). Integer >= 1. @default 3 */
  maxAttempts?: number | undefined;
  /** Delay after the first failure, in ms. Finite, >= 0. @default 1000 */
  baseDelay?: number | undefined;
  /** Added to the delay after each further failure, in ms. Finite, >= 0. @default 1000 */
  increment?: number | undefined;
  /** Cap on every delay, in ms, applied before jitter. Finite, >= 0. @default 60000 */
  maxDelay?: number | undefined;
  /** Randomise each delay. @default true */
  jitter?: boolean | undefined;
  /** `'full'`, `'equal'` or `'decorrelated'` (AWS "Exponential Backoff And Jitter"). @default 'full' */
  jitterType?: JitterType | undefined;
  /** A `[0,1)` source for jitter; inject one to make delays reproducible. @default Math.random */
  random?: (() => number) | undefined;
}

/** The defaults of `LinearBackoffStrategy` (ms). */
export const LINEAR_DEFAULTS = /* @__PURE__ */ Object.freeze({
  maxAttempts: 3,
  baseDelay: 1000,
  increment: 1000,
  maxDelay: 60_000,
  jitter: true,
  jitterType: 'full' as JitterType,
});

const KNOWN: ReadonlySet<string> = /* @__PURE__ */ new Set([...Object.keys(LINEAR_DEFAULTS), 'random']);

/**
 * Linear backoff: `calculateDelay(n) = baseDelay + increment * (n-1)`, capped at `maxDelay`, then
 * jittered. An immutable value: derive variants with `with()`.
 *
 * @example
 * const s = new LinearBackoffStrategy({ maxAttempts: 6, baseDelay: 2000, increment: 3000, maxDelay: 30_000, jitter: false });
 * [...s.delays()]; // [2000, 5000, 8000, 11000, 14000]
 */
export class LinearBackoffStrategy extends BaseStrategy<LinearBackoffOptions> {
  /** Delay after the first failure, in ms. @default 1000 */
  readonly baseDelay: number;
  /** Added per further failure, in ms. @default 1000 */
  readonly increment: number;
  /** Cap on every delay, in ms. @default 60000 */
  readonly maxDelay: number;

  /**
   * @example
   * new LinearBackoffStrategy({ baseDelay: 500, increment: 500 });
   */
  constructor(options: LinearBackoffOptions = {}) {
    super('LinearBackoffStrategy', options, KNOWN, LINEAR_DEFAULTS);
    const d = LINEAR_DEFAULTS;
    this.baseDelay = optNumber('baseDelay', options.baseDelay, d.baseDelay, { min: 0 });
    this.increment = optNumber('increment', options.increment, d.increment, { min: 0 });
    this.maxDelay = optNumber('maxDelay', options.maxDelay, d.maxDelay, { min: 0 });
    if (isExact(new.target)) Object.freeze(this);
  }

  /**
   * Raw delay after failed attempt `attempt` (1-based), before cap and jitter:
   * `baseDelay + increment * (attempt-1)`, saturating at `Number.MAX_VALUE`.
   * @example
   * new LinearBackoffStrategy().calculateDelay(3); // 3000
   */
  calculateDelay(attempt: number): number {
    checkAttempt(attempt);
    return saturate(this.baseDelay + this.increment * (attempt - 1));
  }

  /**
   * A new strategy with some options replaced (`undefined` keeps the current value); this one is
   * unchanged.
   * @example
   * const slower = strategy.with({ increment: 5000 });
   */
  with(overrides: LinearBackoffOptions): this {
    return this.derive(overrides);
  }

  /**
   * Apply a wrapper's generic overrides (`maxAttempts`, `delay` → `baseDelay`, `maxDelay`);
   * returns a new strategy. A `multiplier` (`backoffMultiplier`) is a TypeError: linear backoff
   * has none.
   * @example
   * strategy.withOverrides({ maxAttempts: 5, baseDelay: 250 });
   */
  withOverrides(overrides: StrategyOverrides): this {
    return this.derive(overridesWithoutMultiplier('LinearBackoffStrategy', overrides));
  }

  /**
   * Every option, resolved (a fresh object).
   * @example
   * new LinearBackoffStrategy().toOptions().increment; // 1000
   */
  toOptions(): ResolvedOptions<LinearBackoffOptions> {
    return {
      maxAttempts: this.maxAttempts,
      baseDelay: this.baseDelay,
      increment: this.increment,
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
  return target === LinearBackoffStrategy;
}
