/** How a random delay is spread (AWS Architecture Blog, "Exponential Backoff And Jitter", 2015). */
export type JitterType = 'full' | 'equal' | 'decorrelated';

/** The jitter types, in a frozen list (for validation and docs). */
export const JITTER_TYPES: readonly JitterType[] = Object.freeze(['full', 'equal', 'decorrelated']);

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
  maxAttempts?: number;
  baseDelay?: number;
  multiplier?: number;
  maxDelay?: number;
}

/** Options of `strategy.delays()`. */
export interface DelaysOptions {
  /** How many delays to produce. @default maxAttempts - 1 (one per retry) */
  count?: number;
  /** Feed each produced delay back as `previousDelay` (as the executor does). @default true */
  chain?: boolean;
}
