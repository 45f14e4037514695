/**
 * The preset policies of SPEC §2 (the original API's values, in ms). Each is a `RetryPolicy`
 * whose strategy is an `ExponentialBackoffStrategy` built from the frozen `PRESETS` table and
 * whose error lists come from the classifier; any `RetryPolicyOptions` given to the constructor
 * override the preset's (`undefined` keeps the preset value).
 */
import { checkObject } from '../core/validate.js';
import {
  isNetworkError,
  isPermanentError,
  isTimeoutError,
  isTransientDatabaseError,
  isTransientHttpError,
} from '../classify/classify-error.js';
import { ExponentialBackoffStrategy } from '../strategies/exponential.js';
import type { ErrorMatcher } from './matchers.js';
import { RetryPolicy, type RetryPolicyOptions } from './retry-policy.js';

/** One preset's strategy values and total timeout (ms). */
export interface PresetValues {
  readonly maxAttempts: number;
  readonly baseDelay: number;
  readonly multiplier: number;
  readonly maxDelay: number;
  readonly jitter: boolean;
  /** Total ms for the whole call. */
  readonly timeout: number;
}

/** Overrides of a preset: any `RetryPolicyOptions`; an `undefined` value keeps the preset's. */
export type PresetOverrides = { [K in keyof RetryPolicyOptions]?: RetryPolicyOptions[K] | undefined };

/** The name of a preset policy class. */
export type PresetName =
  | 'DefaultRetryPolicy'
  | 'NetworkRetryPolicy'
  | 'DatabaseRetryPolicy'
  | 'QuickRetryPolicy'
  | 'AggressiveRetryPolicy';

const preset = (v: PresetValues): PresetValues => Object.freeze(v);

/**
 * The presets' values (SPEC §2; docs/policies.md renders this table). `maxDelay` 60000 and
 * jitter on are the exponential strategy's defaults, except for `QuickRetryPolicy`.
 * @example PRESETS.NetworkRetryPolicy.maxAttempts; // 5
 */
export const PRESETS: Readonly<Record<PresetName, PresetValues>> = /* @__PURE__ */ Object.freeze({
  DefaultRetryPolicy: preset({ maxAttempts: 3, baseDelay: 1000, multiplier: 2, maxDelay: 60_000, jitter: true, timeout: 60_000 }),
  NetworkRetryPolicy: preset({ maxAttempts: 5, baseDelay: 2000, multiplier: 2, maxDelay: 60_000, jitter: true, timeout: 120_000 }),
  DatabaseRetryPolicy: preset({ maxAttempts: 3, baseDelay: 2000, multiplier: 1.5, maxDelay: 60_000, jitter: true, timeout: 180_000 }),
  QuickRetryPolicy: preset({ maxAttempts: 2, baseDelay: 100, multiplier: 2, maxDelay: 1000, jitter: false, timeout: 5000 }),
  AggressiveRetryPolicy: preset({ maxAttempts: 10, baseDelay: 500, multiplier: 1.2, maxDelay: 60_000, jitter: true, timeout: 300_000 }),
});

/** Each preset's error lists, built from the classifier's predicates. */
const LISTS: Readonly<Record<PresetName, Pick<RetryPolicyOptions, 'retryableErrors' | 'nonRetryableErrors'>>> = /* @__PURE__ */ Object.freeze({
  DefaultRetryPolicy: { nonRetryableErrors: Object.freeze<ErrorMatcher[]>([isPermanentError]) },
  QuickRetryPolicy: { nonRetryableErrors: Object.freeze<ErrorMatcher[]>([isPermanentError]) },
  NetworkRetryPolicy: { retryableErrors: Object.freeze<ErrorMatcher[]>([isNetworkError, isTimeoutError, isTransientHttpError]) },
  DatabaseRetryPolicy: { retryableErrors: Object.freeze<ErrorMatcher[]>([isNetworkError, isTimeoutError, isTransientDatabaseError]) },
  AggressiveRetryPolicy: {
    retryableErrors: Object.freeze<ErrorMatcher[]>([isNetworkError, isTimeoutError, isTransientHttpError, isTransientDatabaseError]),
  },
});

/** The preset's options with `overrides` (minus `undefined` values) laid over them. */
function presetOptions(name: PresetName, overrides: PresetOverrides | undefined): RetryPolicyOptions {
  checkObject('overrides', overrides);
  const { timeout, ...strategy } = PRESETS[name];
  const base: RetryPolicyOptions = { ...LISTS[name], timeout };
  const merged = base as Record<string, unknown>;
  for (const [key, value] of Object.entries(overrides ?? {})) if (value !== undefined) merged[key] = value;
  // Build the strategy only when the caller did not bring one.
  if (merged.strategy === undefined) merged.strategy = new ExponentialBackoffStrategy(strategy);
  return merged as RetryPolicyOptions;
}

/** `with()` keeps the preset's class (a `NetworkRetryPolicy` derives a `NetworkRetryPolicy`). */
abstract class PresetPolicy extends RetryPolicy {
  override with(overrides: PresetOverrides = {}): this {
    const Ctor = this.constructor as new (options: RetryPolicyOptions) => this;
    return new Ctor(this.merged(overrides as RetryPolicyOptions));
  }
}

/**
 * Retries everything except permanent errors (`isPermanentError`): 3 attempts, base 1000 ms,
 * ×2, jittered, 60 s in total. What every wrapper uses without `policy`.
 * @example asyncRetry({ policy: new DefaultRetryPolicy({ timeout: 10_000 }) })(fn);
 */
export class DefaultRetryPolicy extends PresetPolicy {
  /** @param overrides any `RetryPolicyOptions`, laid over the preset's. */
  constructor(overrides?: PresetOverrides) {
    super(presetOptions('DefaultRetryPolicy', overrides));
  }
}

/**
 * Retries network errors, timeouts and HTTP 408/425/429/500/502/503/504: 5 attempts, base
 * 2000 ms, ×2, jittered, 120 s in total.
 * @example new NetworkRetryPolicy().isRetryable(new HTTPError(503), attempt); // true
 */
export class NetworkRetryPolicy extends PresetPolicy {
  /** @param overrides any `RetryPolicyOptions`, laid over the preset's. */
  constructor(overrides?: PresetOverrides) {
    super(presetOptions('NetworkRetryPolicy', overrides));
  }
}

/**
 * Retries network errors, timeouts and transient database errors (deadlocks, serialization
 * failures, lost connections, SQLITE_BUSY…): 3 attempts, base 2000 ms, ×1.5, 180 s in total.
 * @example new DatabaseRetryPolicy({ timeout: 30_000 });
 */
export class DatabaseRetryPolicy extends PresetPolicy {
  /** @param overrides any `RetryPolicyOptions`, laid over the preset's. */
  constructor(overrides?: PresetOverrides) {
    super(presetOptions('DatabaseRetryPolicy', overrides));
  }
}

/**
 * As `DefaultRetryPolicy`, fast: 2 attempts, base 100 ms, ×2, maxDelay 1000 ms, no jitter,
 * 5 s in total.
 * @example new QuickRetryPolicy();
 */
export class QuickRetryPolicy extends PresetPolicy {
  /** @param overrides any `RetryPolicyOptions`, laid over the preset's. */
  constructor(overrides?: PresetOverrides) {
    super(presetOptions('QuickRetryPolicy', overrides));
  }
}

/**
 * Retries network errors, timeouts, transient HTTP and database errors, hard: 10 attempts,
 * base 500 ms, ×1.2, jittered, 300 s in total.
 * @example new AggressiveRetryPolicy({ circuitBreaker: breaker });
 */
export class AggressiveRetryPolicy extends PresetPolicy {
  /** @param overrides any `RetryPolicyOptions`, laid over the preset's. */
  constructor(overrides?: PresetOverrides) {
    super(presetOptions('AggressiveRetryPolicy', overrides));
  }
}
