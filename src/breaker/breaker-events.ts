/**
 * The shapes a breaker reports: state-change events and statistics.
 */
import type { BreakerState, Transition } from './store.js';

/** Handed to `stateChange` listeners (frozen): `{ from, to, at }`, `at` in clock ms. */
export type StateChangeEvent = Transition;

/** A `stateChange` listener. A throw or a rejection is swallowed and never breaks a call. */
export type StateChangeListener = (event: StateChangeEvent) => unknown;

/** The events a breaker emits. */
export type BreakerEventName = 'stateChange';

/** What `getStats()` returns (a frozen snapshot). */
export interface BreakerStats {
  /** The state now (lazily computed: `'half-open'` once `recoveryTimeout` has passed). */
  readonly state: BreakerState;
  /** Clock time (ms) of the latest transition; the creation time when there was none. */
  readonly lastTransitionAt: number;
  /** Counted failures in a row (closed state). */
  readonly consecutiveFailures: number;
  /**
   * Calls counted while closed: the sliding window's content in failure-rate mode, otherwise
   * since the breaker last closed (or was created or reset). 0 while open or half-open.
   */
  readonly calls: number;
  /** Counted failures among `calls`. */
  readonly failures: number;
  /** Slow calls among `calls` (`slowCallDuration`). */
  readonly slowCalls: number;
  /** `failures / calls`, 0 when there are no calls. */
  readonly failureRate: number;
  /** `slowCalls / calls`, 0 when there are no calls. */
  readonly slowCallRate: number;
  /** Half-open: probes running now. */
  readonly halfOpenCalls: number;
  /** Half-open: successful probes in this round. */
  readonly halfOpenSuccesses: number;
  /** Counters of this breaker object since it was created or reset (per process). */
  readonly totals: {
    /** Attempts admitted. */
    readonly admitted: number;
    /** Attempts rejected with `CircuitOpenError`. */
    readonly rejected: number;
    /** Admitted attempts that succeeded. */
    readonly succeeded: number;
    /** Admitted attempts that failed with a counted error. */
    readonly failed: number;
    /** Admitted attempts that failed with an error that does not count. */
    readonly ignored: number;
  };
}
