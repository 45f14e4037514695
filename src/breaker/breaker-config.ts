/**
 * Option handling shared by `CircuitBreaker` and `AdvancedCircuitBreaker`: the normalised
 * configuration a breaker runs on, and the checks of the options both classes accept.
 */
import { type Clock, realClock } from '../core/clock.js';
import { checkNumber, describeValue } from '../core/validate.js';
import type { BreakerRules, BreakerStore } from './store.js';
import { MemoryBreakerStore } from './memory-store.js';

/** What a breaker runs on, after validation. */
export interface BreakerConfig {
  readonly rules: BreakerRules;
  readonly clock: Clock;
  readonly name: string | undefined;
  readonly store: BreakerStore;
  /** `undefined`: every error counts. */
  readonly isExpected: ((error: unknown) => boolean) | undefined;
  /** Calls taking at least this many ms are slow; `Infinity`: none is. */
  readonly slowCallDuration: number;
}

const STORE_METHODS = ['configure', 'acquire', 'record', 'read', 'reset'] as const;

export function checkName(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`\`name\` must be a non-empty string, got ${describeValue(value)}`);
  }
  return value;
}

export function checkClock(value: unknown): Clock {
  if (value === undefined) return realClock;
  if (value === null || typeof value !== 'object' || typeof (value as Clock).now !== 'function') {
    throw new TypeError(`\`clock\` must be a Clock ({ now, setTimeout, clearTimeout }), got ${describeValue(value)}`);
  }
  return value as Clock;
}

export function checkStore(value: unknown): BreakerStore {
  if (value === undefined) return new MemoryBreakerStore();
  const ok =
    value !== null &&
    typeof value === 'object' &&
    STORE_METHODS.every((m) => typeof (value as Record<string, unknown>)[m] === 'function');
  if (!ok) {
    throw new TypeError(
      `\`store\` must be a BreakerStore (with ${STORE_METHODS.join(', ')}), got ${describeValue(value)}`,
    );
  }
  return value as BreakerStore;
}

/** A positive integer option (after defaults). */
export const positiveInt = (name: string, value: number): number =>
  checkNumber(name, value, { integer: true, min: 1 });

/** A duration in ms, > 0 and finite. */
export const positiveMs = (name: string, value: number): number => checkNumber(name, value, { gt: 0 });

/** A rate in (0, 1]. */
export const rate = (name: string, value: number): number => checkNumber(name, value, { gt: 0, max: 1 });

/** `options ?? {}`, checked to be an object. */
export function optionsObject(where: string, options: unknown): Record<string, unknown> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${where}: options must be an object, got ${describeValue(options)}`);
  }
  return options as Record<string, unknown>;
}

/** `value` unless it is `undefined` (an explicit `undefined` never wipes a default). */
export const or = <T>(value: unknown, fallback: T): T => (value === undefined ? fallback : (value as T));
