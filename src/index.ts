/**
 * zenoo-retry — the public entry. Every public name is listed explicitly.
 * Each section is owned by one component; keep additions inside its section.
 */

// --- core ---------------------------------------------------------------
export type { Clock } from './core/clock.js';
export { realClock } from './core/clock.js';
export type { RetryAttempt } from './core/attempt.js';

// --- errors -------------------------------------------------------------
export { RetryError } from './errors/retry-error.js';
export type { ErrorOptions as RetryErrorOptions } from './errors/retry-error.js';
export {
  MaxRetriesExceededError,
  RetryTimeoutError,
  CircuitOpenError,
  RetryBudgetExceededError,
  BulkRetryError,
} from './errors/library-errors.js';
// (vocabulary)
export type {
  HTTPErrorOptions,
  RateLimitErrorOptions,
  DatabaseErrorOptions,
} from './errors/vocabulary.js';
export {
  ConnectionError,
  RequestTimeoutError,
  HTTPError,
  RateLimitError,
  DatabaseError,
  ValidationError,
  AuthenticationError,
  NonRetryableError,
} from './errors/vocabulary.js';

// --- strategies ---------------------------------------------------------
export type { RetryStrategy, JitterType, StrategyOverrides, DelaysOptions } from './strategies/strategy.js';
// (strategies)
export type { ResolvedOptions } from './strategies/strategy.js';
export type { ExponentialBackoffOptions } from './strategies/exponential.js';
export { ExponentialBackoffStrategy, EXPONENTIAL_DEFAULTS } from './strategies/exponential.js';
export type { LinearBackoffOptions } from './strategies/linear.js';
export { LinearBackoffStrategy, LINEAR_DEFAULTS } from './strategies/linear.js';
export type { FixedDelayOptions } from './strategies/fixed.js';
export { FixedDelayStrategy, FIXED_DEFAULTS } from './strategies/fixed.js';
export type { AdaptiveStrategyOptions, AdaptiveStatistics } from './strategies/adaptive.js';
export { AdaptiveStrategy, ADAPTIVE_DEFAULTS } from './strategies/adaptive.js';
export { applyJitter } from './strategies/jitter.js';

// --- policies and classification ----------------------------------------
export type { ErrorMatcher } from './policies/matchers.js';
export { byCode, byStatus, byName } from './policies/matchers.js';
export type { RetryPolicyOptions } from './policies/retry-policy.js';
export { RetryPolicy } from './policies/retry-policy.js';
// (presets and classification)
export type { ErrorCategory, ErrorClassification, ClassifyOptions } from './classify/classify-error.js';
export {
  classifyError,
  ERROR_CATEGORIES,
  isPermanentError,
  isNetworkError,
  isTimeoutError,
  isTransientHttpError,
  isTransientDatabaseError,
} from './classify/classify-error.js';
export { retryAfterOf, parseRetryAfter } from './classify/retry-after.js';
export type { PresetValues, PresetName, PresetOverrides } from './policies/presets.js';
export {
  PRESETS,
  DefaultRetryPolicy,
  NetworkRetryPolicy,
  DatabaseRetryPolicy,
  QuickRetryPolicy,
  AggressiveRetryPolicy,
} from './policies/presets.js';

// --- executor -----------------------------------------------------------
export type { AttemptContext } from './core/retry-async.js';
export { retryAsync, currentAttempt } from './core/retry-async.js';
export type { RetryOptions } from './core/options.js';
export type { BreakerGuard, BudgetGuard, MetricsSink, CallRecord } from './core/hooks.js';
// (executor)

// --- wrappers and decorators --------------------------------------------
// (wrappers)
export type { RetriedFunction, AsyncRetryWrapper, RetryWrapper, SyncOrAsync, FallbackFits } from './decorators/dual-use.js';
export type { AnyMethod, AnyFunction } from './decorators/dual-use.js';
export type { SyncRetryOptions } from './decorators/wrappers.js';
export { asyncRetry, retry } from './decorators/wrappers.js';
export type { SyncClock } from './core/retry-sync.js';
export type {
  PresetRetryOptions,
  NetworkRetryOptions,
  DatabaseRetryOptions,
  QuickRetryOptions,
  RetryWithTimeoutOptions,
} from './decorators/presets-wrappers.js';
export { networkRetry, databaseRetry, quickRetry, retryWithTimeout, WRAPPER_DEFAULTS } from './decorators/presets-wrappers.js';
export type { RetryWithFallbackOptions } from './decorators/fallback.js';
export { retryWithFallback } from './decorators/fallback.js';
export { withSignal } from './decorators/call-signal.js';

// --- circuit breakers ---------------------------------------------------
// (breakers)
export type { CircuitBreakerOptions } from './breaker/circuit-breaker.js';
export { CircuitBreaker, CIRCUIT_BREAKER_DEFAULTS } from './breaker/circuit-breaker.js';
export type { AdvancedCircuitBreakerOptions, SlidingWindowOptions } from './breaker/advanced-circuit-breaker.js';
export { AdvancedCircuitBreaker, ADVANCED_CIRCUIT_BREAKER_DEFAULTS } from './breaker/advanced-circuit-breaker.js';
export type { BreakerStats, StateChangeEvent, StateChangeListener, BreakerEventName } from './breaker/breaker-events.js';
export type {
  BreakerStore,
  BreakerStoreConfig,
  BreakerRules,
  WindowRules,
  BreakerState,
  BreakerOutcome,
  BreakerSnapshot,
  Admission,
  Transition,
  MaybePromise,
} from './breaker/store.js';
export { MemoryBreakerStore } from './breaker/memory-store.js';

// (bulk)
export type {
  BulkRetryOptions,
  BulkResult,
  BulkExecuteOptions,
  BulkProgress,
  BulkOperation,
  BulkSuccess,
  BulkFailure,
} from './bulk/bulk-retry-manager.js';
export { BulkRetryManager, BULK_DEFAULTS } from './bulk/bulk-retry-manager.js';

// --- observability, budgets, bulk ---------------------------------------
export type { RetryEventListener } from './observability/events.js';
export { RetryEventHandler } from './observability/events.js';
export { CHANNEL_NAMES } from './observability/diagnostics.js';
// (observability)
export type { RetryStats, LatencyStats, RetryMetricsOptions } from './observability/metrics.js';
export { RetryMetrics } from './observability/metrics.js';
export type { RetryBudgetOptions, RetryBudgetStats } from './budget/retry-budget.js';
export { RetryBudget, RETRY_BUDGET_DEFAULTS } from './budget/retry-budget.js';
export type { BudgetStore, BudgetExchange, BudgetTotals, MaybePromiseLike } from './budget/budget-store.js';
export { MemoryBudgetStore, BUDGET_BUCKETS, BUDGET_SPAN } from './budget/budget-store.js';
