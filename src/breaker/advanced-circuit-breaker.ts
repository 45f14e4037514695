import type { Clock } from '../core/clock.js';
import { checkKnownKeys, checkNumber, checkOneOf, describeValue } from '../core/validate.js';
import { type ErrorMatcher, toPredicateList } from '../policies/matchers.js';
import {
  type BreakerConfig,
  checkClock,
  checkName,
  checkStore,
  optionsObject,
  or,
  positiveInt,
  positiveMs,
  rate,
} from './breaker-config.js';
import { CircuitBreaker } from './circuit-breaker.js';
import type { BreakerStore, WindowRules } from './store.js';

/** The sliding window of the failure-rate mode. */
export interface SlidingWindowOptions {
  /** `'count'`: the last `size` calls; `'time'`: the calls of the last `size` ms. @default 'count' */
  type: 'count' | 'time';
  /** Calls (count window, an integer, 1..1_000_000) or ms (time window). @default 100 */
  size: number;
  /** Count window only: outcomes older than this many ms drop out. @default Infinity */
  maxAge?: number | undefined;
}

/** Options of `new AdvancedCircuitBreaker()`; every one is optional. */
export interface AdvancedCircuitBreakerOptions {
  /** Consecutive counted failures that open the breaker (when no rate threshold is set). @default 10 */
  failureThreshold?: number | undefined;
  /** Ms the breaker stays open before it admits probes. @default 60000 */
  recoveryTimeout?: number | undefined;
  /** Probes admitted at once in half-open; more are rejected with `CircuitOpenError`. @default 3 */
  halfOpenMaxCalls?: number | undefined;
  /** Errors that count as failures (others pass through uncounted). @default undefined (every error counts) */
  expectedExceptions?: ErrorMatcher | readonly ErrorMatcher[] | undefined;
  /** Successful probes that close the breaker (one failed probe re-opens it). @default 2 */
  successThreshold?: number | undefined;
  /** Failure-rate mode: open when `failures / calls` in the window reaches this (0 < r <= 1). @default undefined (off) */
  failureRateThreshold?: number | undefined;
  /** The window rates are computed over. @default { type: 'count', size: 100 } */
  slidingWindow?: SlidingWindowOptions | undefined;
  /** Calls the window must hold before a rate can open the breaker. @default 10 */
  minimumThroughput?: number | undefined;
  /** A call taking at least this many ms is slow. @default undefined (no call is slow) */
  slowCallDuration?: number | undefined;
  /** Failure-rate mode: open when `slowCalls / calls` reaches this (needs `slowCallDuration`). @default undefined (off) */
  slowCallRateThreshold?: number | undefined;
  /** Shown in errors and diagnostics; the key of a shared store. @default undefined */
  name?: string | undefined;
  /** Time source. @default realClock */
  clock?: Clock | undefined;
  /** Where the state lives. @default new MemoryBreakerStore() */
  store?: BreakerStore | undefined;
}

/** Defaults of `AdvancedCircuitBreaker` (SPEC §6; the failure-rate options are off by default). */
export const ADVANCED_CIRCUIT_BREAKER_DEFAULTS = /* @__PURE__ */ Object.freeze({
  failureThreshold: 10,
  recoveryTimeout: 60_000,
  halfOpenMaxCalls: 3,
  expectedExceptions: undefined,
  successThreshold: 2,
  failureRateThreshold: undefined,
  slidingWindow: Object.freeze({ type: 'count', size: 100, maxAge: Infinity } as const),
  minimumThroughput: 10,
  slowCallDuration: undefined,
  slowCallRateThreshold: undefined,
  name: undefined,
} as const);

/**
 * Largest `slidingWindow.size` of a count window (like AdaptiveStrategy's `adaptationWindow`):
 * the ring buffer is allocated up front, one byte per call (nine with `maxAge`).
 */
export const MAX_COUNT_WINDOW_SIZE = 1_000_000;

/** Buckets of a time window: a call leaves it between `size * 19/20` and `size` ms after it ended. */
export const TIME_WINDOW_BUCKETS = 20;

const KNOWN = /* @__PURE__ */ new Set([
  'failureThreshold',
  'recoveryTimeout',
  'halfOpenMaxCalls',
  'expectedExceptions',
  'successThreshold',
  'failureRateThreshold',
  'slidingWindow',
  'minimumThroughput',
  'slowCallDuration',
  'slowCallRateThreshold',
  'name',
  'clock',
  'store',
]);
const WINDOW_KNOWN = /* @__PURE__ */ new Set(['type', 'size', 'maxAge']);

function windowRules(o: Record<string, unknown>): WindowRules | undefined {
  const d = ADVANCED_CIRCUIT_BREAKER_DEFAULTS;
  const failureRateThreshold =
    o.failureRateThreshold === undefined ? undefined : rate('failureRateThreshold', o.failureRateThreshold as number);
  const slowCallRateThreshold =
    o.slowCallRateThreshold === undefined ? undefined : rate('slowCallRateThreshold', o.slowCallRateThreshold as number);
  if (slowCallRateThreshold !== undefined && o.slowCallDuration === undefined) {
    throw new TypeError('`slowCallRateThreshold` needs `slowCallDuration` (the ms from which a call is slow)');
  }
  const sw = o.slidingWindow;
  if (sw !== undefined && (sw === null || typeof sw !== 'object' || Array.isArray(sw))) {
    throw new TypeError(`\`slidingWindow\` must be { type: 'count' | 'time', size }, got ${describeValue(sw)}`);
  }
  const w = (sw ?? {}) as Record<string, unknown>;
  checkKnownKeys('slidingWindow', w, WINDOW_KNOWN);
  const type = checkOneOf('slidingWindow.type', w.type, ['count', 'time'], d.slidingWindow.type);
  const size =
    type === 'count'
      ? checkNumber('slidingWindow.size', or(w.size, d.slidingWindow.size), { integer: true, min: 1, max: MAX_COUNT_WINDOW_SIZE })
      : positiveMs('slidingWindow.size', w.size as number);
  if (type === 'time' && w.maxAge !== undefined) {
    throw new TypeError('`slidingWindow.maxAge` applies to count windows only (a time window expires by itself)');
  }
  const maxAge = checkNumber('slidingWindow.maxAge', or(w.maxAge, Infinity), { gt: 0, allowInfinity: true });
  if (failureRateThreshold === undefined && slowCallRateThreshold === undefined) {
    for (const key of ['slidingWindow', 'minimumThroughput'] as const) {
      if (o[key] !== undefined) {
        throw new TypeError(`\`${key}\` has no effect without \`failureRateThreshold\` or \`slowCallRateThreshold\``);
      }
    }
  }
  // The default (10) never exceeds a smaller count window: only a value the caller gave can.
  const minimumThroughput = positiveInt(
    'minimumThroughput',
    or(o.minimumThroughput, type === 'count' ? Math.min(d.minimumThroughput, size) : d.minimumThroughput),
  );
  if (type === 'count' && minimumThroughput > size) {
    throw new RangeError(
      `\`minimumThroughput\` must be <= \`slidingWindow.size\` (${size}) for a count window, got ${minimumThroughput}`,
    );
  }
  if (failureRateThreshold === undefined && slowCallRateThreshold === undefined) return undefined;
  return Object.freeze({
    type,
    size,
    buckets: type === 'time' ? TIME_WINDOW_BUCKETS : 0,
    maxAge: type === 'time' ? Infinity : maxAge,
    minimumThroughput,
    failureRateThreshold,
    slowCallRateThreshold,
  });
}

/**
 * A circuit breaker with several half-open probes, a success threshold, and an optional
 * failure-rate mode over a count or time sliding window, with slow-call detection.
 *
 * - Without `failureRateThreshold`/`slowCallRateThreshold`: opens after `failureThreshold`
 *   consecutive counted failures.
 * - With them: opens when the failure (or slow-call) rate over `slidingWindow` reaches the
 *   threshold, once the window holds `minimumThroughput` calls (`failureThreshold` is unused).
 * - Half-open: at most `halfOpenMaxCalls` probes at once; `successThreshold` successful probes
 *   close it; one failed probe re-opens it.
 *
 * @example
 * const breaker = new AdvancedCircuitBreaker({
 *   failureRateThreshold: 0.5,
 *   slidingWindow: { type: 'time', size: 10_000 },
 *   minimumThroughput: 20,
 *   slowCallDuration: 2_000,
 *   slowCallRateThreshold: 0.8,
 * });
 */
export class AdvancedCircuitBreaker extends CircuitBreaker {
  // biome-ignore lint/complexity/noUselessConstructor: narrows the options type
  constructor(options?: AdvancedCircuitBreakerOptions) {
    super(options as never);
  }

  /** @internal */
  protected static override resolveConfig(options: unknown): BreakerConfig {
    const o = optionsObject('AdvancedCircuitBreaker', options);
    checkKnownKeys('AdvancedCircuitBreaker', o, KNOWN);
    const d = ADVANCED_CIRCUIT_BREAKER_DEFAULTS;
    const expected = o.expectedExceptions as ErrorMatcher | readonly ErrorMatcher[] | undefined;
    return {
      rules: Object.freeze({
        failureThreshold: positiveInt('failureThreshold', or(o.failureThreshold, d.failureThreshold)),
        recoveryTimeout: positiveMs('recoveryTimeout', or(o.recoveryTimeout, d.recoveryTimeout)),
        halfOpenMaxCalls: positiveInt('halfOpenMaxCalls', or(o.halfOpenMaxCalls, d.halfOpenMaxCalls)),
        successThreshold: positiveInt('successThreshold', or(o.successThreshold, d.successThreshold)),
        window: windowRules(o),
      }),
      clock: checkClock(o.clock),
      name: checkName(o.name),
      store: checkStore(o.store),
      isExpected: toPredicateList(expected, 'expectedExceptions'),
      slowCallDuration:
        o.slowCallDuration === undefined ? Infinity : positiveMs('slowCallDuration', o.slowCallDuration as number),
    };
  }
}
