import { checkNumber, optNumber } from '../core/validate.js';
import {
  BaseStrategy,
  checkAttempt,
  checkOverrides,
  multiplierUnsupported,
  type JitterType,
  type ResolvedOptions,
  type StrategyOverrides,
} from './strategy.js';

/** Options of `new FixedDelayStrategy()`; every one is optional, `undefined` keeps the default. */
export interface FixedDelayOptions {
  /** Every call counts, the first included (`3` = 1 call + up to 2 retries). Integer >= 1. @default 3 */
  maxAttempts?: number | undefined;
  /** The delay between attempts, in ms; also the cap (`maxDelay`). Finite, >= 0. @default 1000 */
  delay?: number | undefined;
  /** Randomise each delay (off by default: a fixed delay usually matches a known rate limit). @default false */
  jitter?: boolean | undefined;
  /** `'full'`, `'equal'` or `'decorrelated'` (AWS "Exponential Backoff And Jitter"). @default 'full' */
  jitterType?: JitterType | undefined;
  /** A `[0,1)` source for jitter; inject one to make delays reproducible. @default Math.random */
  random?: (() => number) | undefined;
}

/** The defaults of `FixedDelayStrategy` (ms). */
export const FIXED_DEFAULTS = /* @__PURE__ */ Object.freeze({
  maxAttempts: 3,
  delay: 1000,
  jitter: false,
  jitterType: 'full' as JitterType,
});

const KNOWN: ReadonlySet<string> = /* @__PURE__ */ new Set([...Object.keys(FIXED_DEFAULTS), 'random']);

/**
 * The same delay after every failure. Its cap (`maxDelay`) is `delay` itself, so jitter can only
 * shorten a wait; decorrelated jitter, whose range starts at `delay`, then always yields `delay`
 * unless the previous delay was below `delay / 3`. An immutable value: derive variants with `with()`.
 *
 * @example
 * // A rate-limited API: wait one minute between attempts.
 * const s = new FixedDelayStrategy({ maxAttempts: 3, delay: 60_000 });
 * [...s.delays()]; // [60000, 60000]
 */
export class FixedDelayStrategy extends BaseStrategy<FixedDelayOptions> {
  /** The delay between attempts, in ms. @default 1000 */
  readonly delay: number;
  /** Always equal to `delay`. @default 1000 */
  readonly maxDelay: number;

  /**
   * @example
   * new FixedDelayStrategy({ delay: 250, jitter: true });
   */
  constructor(options: FixedDelayOptions = {}) {
    super('FixedDelayStrategy', options, KNOWN, FIXED_DEFAULTS);
    this.delay = optNumber('delay', options.delay, FIXED_DEFAULTS.delay, { min: 0 });
    this.maxDelay = this.delay;
    if (isExact(new.target)) Object.freeze(this);
  }

  protected override get jitterBase(): number {
    return this.delay;
  }

  /**
   * Raw delay after failed attempt `attempt` (1-based): always `delay`.
   * @example
   * new FixedDelayStrategy({ delay: 500 }).calculateDelay(7); // 500
   */
  calculateDelay(attempt: number): number {
    checkAttempt(attempt);
    return this.delay;
  }

  /**
   * A new strategy with some options replaced (`undefined` keeps the current value); this one is
   * unchanged.
   * @example
   * const quicker = strategy.with({ delay: 100 });
   */
  with(overrides: FixedDelayOptions): this {
    return this.derive(overrides);
  }

  /**
   * Apply a wrapper's generic overrides: `maxAttempts`; `baseDelay` (the wrapper's `delay`)
   * becomes `delay`; `maxDelay` caps `delay`. A `multiplier` (`backoffMultiplier`) is a
   * TypeError: a fixed delay has none.
   * @example
   * new FixedDelayStrategy({ delay: 5000 }).withOverrides({ maxDelay: 2000 }).delay; // 2000
   */
  withOverrides(overrides: StrategyOverrides): this {
    const o = checkOverrides('FixedDelayStrategy', overrides);
    if (o.multiplier !== undefined) throw multiplierUnsupported('FixedDelayStrategy');
    let delay = o.baseDelay === undefined ? this.delay : checkNumber('baseDelay', o.baseDelay, { min: 0 });
    if (o.maxDelay !== undefined) {
      const cap = checkNumber('maxDelay', o.maxDelay, { min: 0 });
      if (delay > cap) delay = cap;
    }
    return this.derive({ maxAttempts: o.maxAttempts, delay });
  }

  /**
   * Every option, resolved (a fresh object).
   * @example
   * new FixedDelayStrategy().toOptions().jitter; // false
   */
  toOptions(): ResolvedOptions<FixedDelayOptions> {
    return {
      maxAttempts: this.maxAttempts,
      delay: this.delay,
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
  return target === FixedDelayStrategy;
}
