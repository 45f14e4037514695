import {
  checkBoolean,
  checkFunction,
  checkKnownKeys,
  checkNumber,
  checkObject,
  checkOneOf,
  optNumber,
} from '../core/validate.js';
import { applyJitter } from './jitter.js';

/** How a random delay is spread (AWS Architecture Blog, "Exponential Backoff And Jitter", 2015). */
export type JitterType = 'full' | 'equal' | 'decorrelated';

/** The jitter types, in a frozen list (for validation and docs). */
export const JITTER_TYPES: readonly JitterType[] = /* @__PURE__ */ Object.freeze(['full', 'equal', 'decorrelated']);

/**
 * A pure delay calculator. Built-in strategies are immutable values; `AdaptiveStrategy` is the
 * one shared, stateful strategy (it learns from outcomes the executor records).
 */
export interface RetryStrategy {
  /** Every call counts, the first included (`3` = 1 call + up to 2 retries). */
  readonly maxAttempts: number;
  /** Raw delay in ms after failed attempt `attempt` (1-based), before jitter and cap. */
  calculateDelay(attempt: number): number;
  /**
   * Delay in ms to wait after failed attempt `attempt`: capped at maxDelay, jittered.
   * `previousDelay` is the delay actually used before this one (decorrelated jitter needs it).
   */
  getDelay(attempt: number, previousDelay?: number): number;
  /** `attempt < maxAttempts`. */
  shouldRetry(attempt: number, error: unknown): boolean;
}

/**
 * The overrides wrappers apply (`maxAttempts`, `delay`, `backoffMultiplier`, `maxDelay`).
 * Built-in strategies implement `withOverrides` to derive a new strategy from them.
 */
export interface StrategyOverrides {
  maxAttempts?: number | undefined;
  /** The wrapper's `delay` (the strategy's base delay; `delay` of a fixed strategy). */
  baseDelay?: number | undefined;
  /** The wrapper's `backoffMultiplier` (exponential strategies only). */
  multiplier?: number | undefined;
  maxDelay?: number | undefined;
}

/** Options of `strategy.delays()`. */
export interface DelaysOptions {
  /** How many delays to produce. @default maxAttempts - 1 (one per retry) */
  count?: number | undefined;
  /** Feed each produced delay back as `previousDelay` (as the executor does). @default true */
  chain?: boolean | undefined;
}

// --- shared machinery of the built-in strategies (not part of the public entry) ------------

/** Raw delays saturate here instead of overflowing to `Infinity` (so `0 * x` never meets `Infinity`). */
export const MAX_RAW_DELAY = Number.MAX_VALUE;

/** Saturate a non-negative, non-NaN raw delay at `MAX_RAW_DELAY`. */
export const saturate = (ms: number): number => (ms < MAX_RAW_DELAY ? ms : MAX_RAW_DELAY);

/**
 * Cheap guard for the hot path: attempt numbers are 1-based integers. Only a bad value pays for
 * building the message (TypeError for a non-number, RangeError otherwise).
 */
export function checkAttempt(attempt: number): void {
  if (!Number.isInteger(attempt) || attempt < 1) {
    checkNumber('attempt', attempt, { integer: true, min: 1 });
  }
}

/** The default `[0,1)` source, looked up at call time so that a later `vi.spyOn(Math, 'random')` applies. */
export const defaultRandom = (): number => Math.random();

/**
 * Options with every key present and defined (what `toOptions()` returns).
 * @example
 * const o: ResolvedOptions<ExponentialBackoffOptions> = new ExponentialBackoffStrategy().toOptions();
 */
export type ResolvedOptions<O> = { [K in keyof O]-?: Exclude<O[K], undefined> };

/** Options every built-in strategy accepts. */
export interface CommonStrategyOptions {
  maxAttempts?: number | undefined;
  jitter?: boolean | undefined;
  jitterType?: JitterType | undefined;
  random?: (() => number) | undefined;
}

interface CommonDefaults {
  readonly maxAttempts: number;
  readonly jitter: boolean;
  readonly jitterType: JitterType;
}

/** The TypeError a strategy without a multiplier throws for a `backoffMultiplier` override. */
export const multiplierUnsupported = (className: string): TypeError =>
  new TypeError(
    `\`backoffMultiplier\` is not supported by ${className} (only ExponentialBackoffStrategy has a multiplier)`,
  );

const OVERRIDE_KEYS: ReadonlySet<string> = /* @__PURE__ */ new Set(['maxAttempts', 'baseDelay', 'multiplier', 'maxDelay']);

/** Validate a `withOverrides` argument; returns it typed. */
export function checkOverrides(className: string, overrides: unknown): StrategyOverrides {
  checkObject('overrides', overrides);
  if (overrides === undefined) return {};
  checkKnownKeys(`${className}.withOverrides`, overrides as object, OVERRIDE_KEYS);
  return overrides as StrategyOverrides;
}

/**
 * The wrapper overrides of a strategy without a multiplier (linear, adaptive): checked, a
 * `multiplier` refused, the rest as `{ maxAttempts, baseDelay, maxDelay }` options.
 */
export function overridesWithoutMultiplier(
  className: string,
  overrides: unknown,
): { maxAttempts: number | undefined; baseDelay: number | undefined; maxDelay: number | undefined } {
  const o = checkOverrides(className, overrides);
  if (o.multiplier !== undefined) throw multiplierUnsupported(className);
  return { maxAttempts: o.maxAttempts, baseDelay: o.baseDelay, maxDelay: o.maxDelay };
}

const DELAYS_KEYS: ReadonlySet<string> = /* @__PURE__ */ new Set(['count', 'chain']);

/**
 * What the four built-in strategies share: validated common options, `getDelay` (cap, then
 * the one jitter function), `shouldRetry`, `delays()` and `with()` plumbing. Subclasses supply
 * `calculateDelay`, `maxDelay`, the decorrelated-jitter base and `toOptions`.
 */
export abstract class BaseStrategy<O extends CommonStrategyOptions> implements RetryStrategy {
  /** Every call counts, the first included (`3` = 1 call + up to 2 retries). */
  readonly maxAttempts: number;
  /** Whether `getDelay` randomises the capped delay. */
  readonly jitter: boolean;
  /** How the delay is randomised when `jitter` is on. */
  readonly jitterType: JitterType;
  /** The `[0,1)` source used for jitter. */
  readonly random: () => number;
  /** Cap on every delay, in ms, applied before jitter. */
  abstract readonly maxDelay: number;
  readonly #className: string;
  readonly #known: ReadonlySet<string>;

  protected constructor(
    className: string,
    options: O | undefined,
    known: ReadonlySet<string>,
    defaults: CommonDefaults,
  ) {
    checkObject('options', options);
    const o: CommonStrategyOptions = options ?? {};
    checkKnownKeys(className, o, known);
    this.#className = className;
    this.#known = known;
    this.maxAttempts = optNumber('maxAttempts', o.maxAttempts, defaults.maxAttempts, { integer: true, min: 1 });
    this.jitter = checkBoolean('jitter', o.jitter, defaults.jitter);
    this.jitterType = checkOneOf('jitterType', o.jitterType, JITTER_TYPES, defaults.jitterType);
    this.random = checkFunction<() => number>('random', o.random) ?? defaultRandom;
  }

  /**
   * The base of decorrelated jitter: the strategy's `baseDelay` (a fixed strategy overrides it
   * with its `delay`).
   */
  protected get jitterBase(): number {
    return (this as { baseDelay?: number }).baseDelay ?? 0;
  }

  /** Raw delay in ms after failed attempt `attempt` (1-based), before cap and jitter. */
  abstract calculateDelay(attempt: number): number;

  /** Every option of this strategy, resolved (a fresh object; `with()` builds on it). */
  abstract toOptions(): ResolvedOptions<O>;

  /**
   * Delay in ms to wait after failed attempt `attempt` (1-based): `min(calculateDelay(n), maxDelay)`,
   * then jittered when `jitter` is on. Always finite, `>= 0` and `<= maxDelay`. Allocation-free.
   * @param previousDelay the delay actually waited before this one (decorrelated jitter grows from it)
   * @example
   * new ExponentialBackoffStrategy({ jitter: false }).getDelay(3); // 4000
   */
  getDelay(attempt: number, previousDelay?: number): number {
    const raw = this.calculateDelay(attempt);
    const max = this.maxDelay;
    const capped = raw < max ? raw : max;
    if (!this.jitter) return capped;
    return applyJitter(this.jitterType, capped, this.random, this.jitterBase, previousDelay, max);
  }

  /**
   * `attempt < maxAttempts`: whether a retry may follow failed attempt `attempt` (1-based). Which
   * errors are worth retrying is the policy's business.
   * @example
   * new FixedDelayStrategy({ maxAttempts: 3 }).shouldRetry(3, error); // false
   */
  shouldRetry(attempt: number, _error?: unknown): boolean {
    checkAttempt(attempt);
    return attempt < this.maxAttempts;
  }

  /**
   * A lazy iterator over the delay schedule: `count` delays (default `maxAttempts - 1`, one per
   * retry; `Infinity` allowed), each fed back as the next `previousDelay` unless `chain: false`.
   * Options are validated when called, not on the first `next()`.
   * @example
   * [...new LinearBackoffStrategy({ jitter: false }).delays({ count: 3 })]; // [1000, 2000, 3000]
   */
  delays(options: DelaysOptions = {}): IterableIterator<number> {
    checkObject('options', options);
    checkKnownKeys(`${this.#className}.delays`, options, DELAYS_KEYS);
    const count = optNumber('count', options.count, this.maxAttempts - 1, {
      integer: true,
      min: 0,
      allowInfinity: true,
    });
    const chain = checkBoolean('chain', options.chain, true);
    return schedule(this, count, chain);
  }

  /** `with()` for every subclass: overrides (undefined values skipped) on top of `toOptions()`. */
  protected derive(overrides: Partial<O> | undefined): this {
    checkObject('overrides', overrides);
    const merged = this.toOptions() as Record<string, unknown>;
    if (overrides !== undefined) {
      checkKnownKeys(`${this.#className}.with`, overrides, this.#known);
      for (const [key, value] of Object.entries(overrides)) {
        if (value !== undefined) merged[key] = value;
      }
    }
    const Same = this.constructor as new (options: Record<string, unknown>) => this;
    return new Same(merged);
  }
}

function* schedule(strategy: RetryStrategy, count: number, chain: boolean): Generator<number, void, undefined> {
  let previous: number | undefined;
  for (let n = 1; n <= count; n++) {
    const d = strategy.getDelay(n, previous);
    if (chain) previous = d;
    yield d;
  }
}
