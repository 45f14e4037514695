/**
 * The options of `CircuitBreaker`, their defaults, and their validation.
 */
import type { Clock } from '../core/clock.js';
import { checkKnownKeys } from '../core/validate.js';
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
} from './breaker-config.js';
import type { BreakerStore } from './store.js';

/** Options of `new CircuitBreaker()`; every one is optional. */
export interface CircuitBreakerOptions {
  /** Consecutive counted failures that open the breaker. @default 5 */
  failureThreshold?: number | undefined;
  /** Ms the breaker stays open before it admits a probe. @default 30000 */
  recoveryTimeout?: number | undefined;
  /** Errors that count as failures (others pass through uncounted). @default undefined (every error counts) */
  expectedException?: ErrorMatcher | readonly ErrorMatcher[] | undefined;
  /** Shown in errors and diagnostics; the key of a shared store. @default undefined */
  name?: string | undefined;
  /** Time source. @default realClock */
  clock?: Clock | undefined;
  /** Where the state lives. @default new MemoryBreakerStore() */
  store?: BreakerStore | undefined;
}

/** Defaults of `CircuitBreaker` (SPEC §6). */
export const CIRCUIT_BREAKER_DEFAULTS = /* @__PURE__ */ Object.freeze({
  failureThreshold: 5,
  recoveryTimeout: 30_000,
  expectedException: undefined,
  name: undefined,
} as const);

const KNOWN = /* @__PURE__ */ new Set(['failureThreshold', 'recoveryTimeout', 'expectedException', 'name', 'clock', 'store']);

/** Validate `CircuitBreaker` options into the configuration a breaker runs on. */
export function resolveCircuitBreakerConfig(options: unknown): BreakerConfig {
  const o = optionsObject('CircuitBreaker', options);
  checkKnownKeys('CircuitBreaker', o, KNOWN);
  const d = CIRCUIT_BREAKER_DEFAULTS;
  return {
    rules: Object.freeze({
      failureThreshold: positiveInt('failureThreshold', or(o.failureThreshold, d.failureThreshold)),
      recoveryTimeout: positiveMs('recoveryTimeout', or(o.recoveryTimeout, d.recoveryTimeout)),
      halfOpenMaxCalls: 1,
      successThreshold: 1,
      window: undefined,
    }),
    clock: checkClock(o.clock),
    name: checkName(o.name),
    store: checkStore(o.store),
    isExpected: toPredicateList(o.expectedException as ErrorMatcher | undefined, 'expectedException'),
    slowCallDuration: Infinity,
  };
}
