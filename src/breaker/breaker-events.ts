/**
 * What a breaker reports: state-change events (listeners and the diagnostics channel) and
 * statistics.
 */
import { safeInvoke } from '../core/safe-invoke.js';
import { describeValue } from '../core/validate.js';
import { circuitChannel, publish } from '../observability/diagnostics.js';
import type { BreakerSnapshot, BreakerState, Transition } from './store.js';

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

/** The per-object counters of `BreakerStats.totals`. */
export type BreakerTotals = BreakerStats['totals'];

const ratio = (part: number, whole: number): number => (whole === 0 ? 0 : part / whole);

/** A frozen `BreakerStats` from a store snapshot and a breaker's totals. */
export function toStats(s: BreakerSnapshot, totals: BreakerTotals): BreakerStats {
  return Object.freeze({
    state: s.state,
    lastTransitionAt: s.since,
    consecutiveFailures: s.consecutiveFailures,
    calls: s.calls,
    failures: s.failures,
    slowCalls: s.slowCalls,
    failureRate: ratio(s.failures, s.calls),
    slowCallRate: ratio(s.slowCalls, s.calls),
    halfOpenCalls: s.probes,
    halfOpenSuccesses: s.probeSuccesses,
    totals: Object.freeze(totals),
  });
}

function checkListener(event: unknown, listener: unknown): void {
  if (event !== 'stateChange') throw new TypeError(`unknown event ${describeValue(event)}; expected 'stateChange'`);
  if (typeof listener !== 'function') {
    throw new TypeError(`\`listener\` must be a function, got ${describeValue(listener)}`);
  }
}

/**
 * The `stateChange` listeners of one breaker. Emitting iterates a snapshot of the list, so a
 * listener may add or remove listeners (itself included) while it runs.
 */
export class StateChangeEmitter {
  #listeners: readonly StateChangeListener[] = [];

  add(event: unknown, listener: unknown): void {
    checkListener(event, listener);
    const l = listener as StateChangeListener;
    if (!this.#listeners.includes(l)) this.#listeners = [...this.#listeners, l];
  }

  remove(event: unknown, listener: unknown): void {
    checkListener(event, listener);
    this.#listeners = this.#listeners.filter((l) => l !== listener);
  }

  /** Tell every listener (a throw or rejection is swallowed) and the diagnostics channel. */
  emit(breaker: object, name: string | undefined, t: Transition): void {
    for (const listener of this.#listeners) safeInvoke(listener, undefined, t);
    publish(circuitChannel, { breaker, name, from: t.from, to: t.to, at: t.at });
  }
}
