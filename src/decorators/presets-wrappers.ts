/**
 * The preset wrappers of SPEC §4: `networkRetry`, `databaseRetry`, `quickRetry` (a preset
 * policy, tunable) and `retryWithTimeout` (a total deadline). Each builds `RetryOptions` once and
 * is then exactly `asyncRetry`.
 */
import { compile, type RetryOptions } from '../core/options.js';
import { checkNumber, checkObject } from '../core/validate.js';
import { DatabaseRetryPolicy, NetworkRetryPolicy, PRESETS, QuickRetryPolicy } from '../policies/presets.js';
import type { RetryPolicy } from '../policies/retry-policy.js';
import { dualUse, type AsyncRetryWrapper } from './dual-use.js';
import { asyncRetried, atWrapTime } from './wrappers.js';

/**
 * The wrappers' defaults (ms). The preset wrappers' values are their policies' (`PRESETS`);
 * `retryWithTimeout` has no default for `totalTimeout` (it is the point of the wrapper).
 * @example WRAPPER_DEFAULTS.networkRetry.baseDelay; // 2000
 */
export const WRAPPER_DEFAULTS = /* @__PURE__ */ Object.freeze({
  networkRetry: Object.freeze({
    policy: 'NetworkRetryPolicy',
    maxAttempts: PRESETS.NetworkRetryPolicy.maxAttempts,
    baseDelay: PRESETS.NetworkRetryPolicy.baseDelay,
    maxDelay: PRESETS.NetworkRetryPolicy.maxDelay,
    timeout: PRESETS.NetworkRetryPolicy.timeout,
  }),
  databaseRetry: Object.freeze({
    policy: 'DatabaseRetryPolicy',
    maxAttempts: PRESETS.DatabaseRetryPolicy.maxAttempts,
    baseDelay: PRESETS.DatabaseRetryPolicy.baseDelay,
    maxDelay: PRESETS.DatabaseRetryPolicy.maxDelay,
    timeout: PRESETS.DatabaseRetryPolicy.timeout,
  }),
  quickRetry: Object.freeze({
    policy: 'QuickRetryPolicy',
    maxAttempts: PRESETS.QuickRetryPolicy.maxAttempts,
    baseDelay: PRESETS.QuickRetryPolicy.baseDelay,
    maxDelay: PRESETS.QuickRetryPolicy.maxDelay,
    timeout: PRESETS.QuickRetryPolicy.timeout,
  }),
  retryWithTimeout: Object.freeze({
    policy: 'DefaultRetryPolicy',
    maxAttempts: PRESETS.DefaultRetryPolicy.maxAttempts,
    baseDelay: PRESETS.DefaultRetryPolicy.baseDelay,
    maxDelay: PRESETS.DefaultRetryPolicy.maxDelay,
  }),
});

/**
 * Options of the preset wrappers: `RetryOptions` without `policy` (the preset is the policy),
 * `baseDelay` for `delay`.
 * @example networkRetry({ maxAttempts: 4, baseDelay: 500, circuitBreaker: breaker });
 */
export interface PresetRetryOptions extends Omit<RetryOptions, 'policy' | 'delay'> {
  /** Every call counts, the first included. @default the preset's (network 5, database 3, quick 2) */
  maxAttempts?: number;
  /** The strategy's base delay in ms. @default the preset's (network 2000, database 2000, quick 100) */
  baseDelay?: number;
  /** Cap on any single wait, in ms. @default the preset's (network 60000, database 60000, quick 1000) */
  maxDelay?: number;
}

/** Options of `networkRetry`. @example networkRetry({ maxAttempts: 4 }) */
export interface NetworkRetryOptions extends PresetRetryOptions {
  /** @default 5 */
  maxAttempts?: number;
  /** @default 2000 */
  baseDelay?: number;
  /** @default 60000 */
  maxDelay?: number;
}

/** Options of `databaseRetry`. @example databaseRetry({ baseDelay: 500 }) */
export interface DatabaseRetryOptions extends PresetRetryOptions {
  /** @default 3 */
  maxAttempts?: number;
  /** @default 2000 */
  baseDelay?: number;
  /** @default 60000 */
  maxDelay?: number;
}

/** Options of `quickRetry`. @example quickRetry({ maxAttempts: 3 }) */
export interface QuickRetryOptions extends PresetRetryOptions {
  /** @default 2 */
  maxAttempts?: number;
  /** @default 100 */
  baseDelay?: number;
  /** @default 1000 */
  maxDelay?: number;
}

/**
 * Options of `retryWithTimeout`: `RetryOptions` with `baseDelay` for `delay` and `totalTimeout`
 * for `timeout`.
 * @example retryWithTimeout({ maxAttempts: 5, baseDelay: 1000, totalTimeout: 30_000 });
 */
export interface RetryWithTimeoutOptions extends Omit<RetryOptions, 'delay' | 'timeout'> {
  /** Total ms for the whole call, all attempts and waits; on expiry the call rejects with `RetryTimeoutError`. Required. */
  totalTimeout: number;
  /** @default 3 (the policy's) */
  maxAttempts?: number;
  /** The strategy's base delay in ms. @default 1000 (the policy's) */
  baseDelay?: number;
}

/**
 * Turn wrapper options into `RetryOptions`: `baseDelay` → `delay`, `renamed` keys refused with
 * a hint. Runs once, at wrap time, inside `atWrapTime`.
 * @internal
 */
export function toRetryOptions(where: string, options: object | undefined, renamed: Readonly<Record<string, string>>): RetryOptions {
  checkObject('options', options);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options ?? {})) {
    const hint = renamed[key];
    if (hint !== undefined) throw new TypeError(`${where}: unknown option \`${key}\` (${hint})`);
    if (key === 'baseDelay') {
      if (value !== undefined) out.delay = checkNumber('baseDelay', value, { min: 0 });
    } else out[key] = value;
  }
  return out as RetryOptions;
}

function presetWrapper(where: string, policy: () => RetryPolicy, options: PresetRetryOptions | undefined): AsyncRetryWrapper {
  const hints = { policy: `${where} uses its own policy; for another, use asyncRetry({ policy })`, delay: 'use `baseDelay`' };
  const plan = atWrapTime(where, options, () => {
    const o = toRetryOptions(where, options, hints);
    o.policy = policy();
    return compile(o, where);
  });
  return dualUse<AsyncRetryWrapper>(where, (fn, name) => asyncRetried(plan, fn, name, where));
}

/**
 * Retry network work with `NetworkRetryPolicy`: network errors, timeouts and HTTP
 * 408/425/429/500/502/503/504; 5 attempts, base 2000 ms ×2 (jittered), 120 s in total.
 * @example
 * class Api {
 *   @networkRetry({ maxAttempts: 4 })
 *   async get(path: string) { return (await fetch(base + path)).json(); }
 * }
 */
export function networkRetry(options?: NetworkRetryOptions): AsyncRetryWrapper {
  return presetWrapper('networkRetry', () => new NetworkRetryPolicy(), options);
}

/**
 * Retry database work with `DatabaseRetryPolicy`: network errors, timeouts and transient
 * database errors (deadlocks, serialization failures, lost connections…); 3 attempts, base
 * 2000 ms ×1.5, maxDelay 60000, 180 s in total.
 * @example const save = databaseRetry({ maxAttempts: 5 })((row: Row) => pool.query(sql, row));
 */
export function databaseRetry(options?: DatabaseRetryOptions): AsyncRetryWrapper {
  return presetWrapper('databaseRetry', () => new DatabaseRetryPolicy(), options);
}

/**
 * Retry briefly with `QuickRetryPolicy`: 2 attempts, base 100 ms ×2, maxDelay 1000, no jitter,
 * 5 s in total; everything but permanent errors is retried.
 * @example const count = quickRetry()(() => cache.count());
 */
export function quickRetry(options?: QuickRetryOptions): AsyncRetryWrapper {
  return presetWrapper('quickRetry', () => new QuickRetryPolicy(), options);
}

/**
 * Retry within a total deadline: when `totalTimeout` ms have passed (or the next wait would end
 * past them) the call rejects with `RetryTimeoutError`, even while an attempt still runs.
 * @example
 * const search = retryWithTimeout({ maxAttempts: 5, baseDelay: 1000, totalTimeout: 30_000 })(doSearch);
 */
export function retryWithTimeout(options: RetryWithTimeoutOptions): AsyncRetryWrapper {
  const where = 'retryWithTimeout';
  const hints = { delay: 'use `baseDelay`', timeout: 'use `totalTimeout`' };
  const plan = atWrapTime(where, options, () => {
    const o = toRetryOptions(where, options, hints) as RetryOptions & { totalTimeout?: unknown };
    o.timeout = checkNumber('totalTimeout', o.totalTimeout, { gt: 0 });
    delete o.totalTimeout;
    return compile(o, where);
  });
  return dualUse<AsyncRetryWrapper>(where, (fn, name) => asyncRetried(plan, fn, name, where));
}
