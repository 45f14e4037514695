import type { Clock } from '../core/clock.js';
import { CountWindow, FAILED, type OutcomeWindow, SLOW, TimeWindow } from './sliding-window.js';
import {
  type Admission,
  type BreakerOutcome,
  type BreakerRules,
  type BreakerSnapshot,
  type BreakerState,
  type BreakerStore,
  type BreakerStoreConfig,
  NO_TRANSITIONS,
  type Transition,
} from './store.js';

const sameRules = (a: BreakerRules, b: BreakerRules): boolean => {
  if (
    a.recoveryTimeout !== b.recoveryTimeout ||
    a.halfOpenMaxCalls !== b.halfOpenMaxCalls ||
    a.successThreshold !== b.successThreshold ||
    a.failureThreshold !== b.failureThreshold
  ) {
    return false;
  }
  const x = a.window;
  const y = b.window;
  if (x === undefined || y === undefined) return x === y;
  return (
    x.type === y.type &&
    x.size === y.size &&
    x.buckets === y.buckets &&
    x.maxAge === y.maxAge &&
    x.minimumThroughput === y.minimumThroughput &&
    x.failureRateThreshold === y.failureRateThreshold &&
    x.slowCallRateThreshold === y.slowCallRateThreshold
  );
};

const admission = (
  admitted: boolean,
  state: BreakerState,
  generation: number,
  retryAfter: number,
  transitions: readonly Transition[],
): Admission => Object.freeze({ admitted, state, generation, retryAfter, transitions });

/**
 * The in-process `BreakerStore`: synchronous, so a closed breaker's fast path reads no clock
 * and allocates nothing (the closed-era admission object is reused). Share one instance
 * between breakers to make them act as one.
 *
 * @example
 * const breaker = new AdvancedCircuitBreaker({ store: new MemoryBreakerStore() });
 */
export class MemoryBreakerStore implements BreakerStore {
  #rules: BreakerRules | undefined;
  #clock: Clock | undefined;
  #window: OutcomeWindow | undefined;
  /** The window needs the time of each outcome (time window, or count window with maxAge). */
  #timedWindow = false;
  #state: BreakerState = 'closed';
  #generation = 0;
  #since = 0;
  #consecutive = 0;
  #calls = 0;
  #failures = 0;
  #slow = 0;
  #probes = 0;
  #probeSuccesses = 0;
  #lastProbeAt = 0;
  #closedAdmission: Admission = admission(true, 'closed', 0, 0, NO_TRANSITIONS);

  configure(config: BreakerStoreConfig): void {
    if (this.#rules !== undefined) {
      if (!sameRules(this.#rules, config.rules)) {
        throw new TypeError('MemoryBreakerStore: a shared store needs breakers with the same rules');
      }
      return;
    }
    this.#rules = config.rules;
    this.#clock = config.clock;
    const w = config.rules.window;
    if (w !== undefined) {
      this.#window = w.type === 'count' ? new CountWindow(w.size, w.maxAge) : new TimeWindow(w.size, w.buckets);
      this.#timedWindow = w.type === 'time' || w.maxAge !== Infinity;
    }
    this.#since = config.clock.now();
  }

  acquire(): Admission {
    if (this.#state === 'closed') return this.#closedAdmission;
    const rules = this.#cfg();
    const now = (this.#clock as Clock).now();
    const transitions = this.#settle(now);
    if (this.#state === 'half-open' && this.#probes < rules.halfOpenMaxCalls) {
      this.#probes++;
      this.#lastProbeAt = now;
      return admission(true, 'half-open', this.#generation, 0, transitions);
    }
    const retryAfter = this.#state === 'open' ? this.#since + rules.recoveryTimeout - now : 0;
    return admission(false, this.#state, this.#generation, retryAfter, transitions);
  }

  record(permit: number, outcome: BreakerOutcome): readonly Transition[] {
    if (this.#state === 'closed') {
      // Fast path: no clock unless the window is time-based or the breaker opens.
      if (permit !== this.#generation || outcome === 'ignored') return NO_TRANSITIONS;
      return this.#recordClosed(outcome);
    }
    const now = (this.#clock as Clock).now();
    const settled = this.#settle(now);
    // A permit reported twice must not free a slot it no longer holds.
    if (permit !== this.#generation || this.#state !== 'half-open' || this.#probes === 0) return settled;
    const rules = this.#cfg();
    this.#probes--;
    if (outcome === 'ignored') return settled;
    const failed =
      outcome === 'failure' ||
      outcome === 'slow-failure' ||
      (outcome === 'slow-success' && rules.window?.slowCallRateThreshold !== undefined);
    if (failed) return this.#join(settled, this.#go('open', now));
    this.#probeSuccesses++;
    if (this.#probeSuccesses >= rules.successThreshold) return this.#join(settled, this.#go('closed', now));
    return settled;
  }

  read(): BreakerSnapshot {
    this.#cfg();
    const now = (this.#clock as Clock).now();
    const transitions = this.#settle(now);
    const w = this.#window;
    if (w !== undefined && this.#state === 'closed') w.expire(now);
    const closed = this.#state === 'closed';
    return Object.freeze({
      state: this.#state,
      generation: this.#generation,
      since: this.#since,
      consecutiveFailures: this.#consecutive,
      calls: closed && w !== undefined ? w.calls : this.#calls,
      failures: closed && w !== undefined ? w.failures : this.#failures,
      slowCalls: closed && w !== undefined ? w.slowCalls : this.#slow,
      probes: this.#probes,
      probeSuccesses: this.#probeSuccesses,
      transitions,
    });
  }

  reset(): readonly Transition[] {
    this.#cfg();
    const now = (this.#clock as Clock).now();
    const settled = this.#settle(now);
    if (this.#state !== 'closed') return this.#join(settled, this.#go('closed', now));
    this.#go('closed', now); // a new closed era: in-flight outcomes become stale
    return settled;
  }

  #recordClosed(outcome: BreakerOutcome): readonly Transition[] {
    const rules = this.#rules as BreakerRules;
    if (outcome === 'success' && rules.window === undefined) {
      this.#consecutive = 0;
      this.#calls++;
      return NO_TRANSITIONS;
    }
    const failed = outcome === 'failure' || outcome === 'slow-failure';
    const slow = outcome === 'slow-success' || outcome === 'slow-failure';
    if (failed) this.#consecutive++;
    else this.#consecutive = 0;
    const w = rules.window;
    if (w === undefined) {
      this.#calls++;
      if (failed) this.#failures++;
      if (slow) this.#slow++;
      if (failed && this.#consecutive >= rules.failureThreshold) {
        return [this.#go('open', (this.#clock as Clock).now())];
      }
      return NO_TRANSITIONS;
    }
    const win = this.#window as OutcomeWindow;
    const timed = this.#timedWindow;
    const now = timed ? (this.#clock as Clock).now() : 0;
    const bits = (failed ? FAILED : 0) | (slow ? SLOW : 0);
    win.add(bits, now);
    const calls = win.calls;
    // A plain success cannot raise a rate — unless older entries just aged out of the window
    // (a time window, or a count window with maxAge): then it is checked like any call. Otherwise
    // it matters only when it completes minimumThroughput.
    if (calls < w.minimumThroughput || (bits === 0 && !timed && calls !== w.minimumThroughput)) return NO_TRANSITIONS;
    if (
      (w.failureRateThreshold !== undefined && win.failures / calls >= w.failureRateThreshold) ||
      (w.slowCallRateThreshold !== undefined && win.slowCalls / calls >= w.slowCallRateThreshold)
    ) {
      return [this.#go('open', timed ? now : (this.#clock as Clock).now())];
    }
    return NO_TRANSITIONS;
  }

  /** Apply the lazy transitions due at `now` (see store.ts, "Lazy time"). */
  #settle(now: number): readonly Transition[] {
    if (this.#state === 'closed') return NO_TRANSITIONS;
    const rules = this.#cfg();
    let out: Transition[] | undefined;
    if (
      this.#state === 'half-open' &&
      this.#probes >= rules.halfOpenMaxCalls &&
      now >= this.#lastProbeAt + rules.recoveryTimeout
    ) {
      out = [this.#go('open', this.#lastProbeAt + rules.recoveryTimeout)];
    }
    if (this.#state === 'open' && now >= this.#since + rules.recoveryTimeout) {
      (out ??= []).push(this.#go('half-open', this.#since + rules.recoveryTimeout));
    }
    return out ?? NO_TRANSITIONS;
  }

  #go(to: BreakerState, at: number): Transition {
    const from = this.#state;
    this.#state = to;
    this.#generation++;
    this.#since = at;
    this.#consecutive = this.#calls = this.#failures = this.#slow = 0;
    this.#probes = this.#probeSuccesses = 0;
    this.#lastProbeAt = at;
    this.#window?.clear();
    if (to === 'closed') this.#closedAdmission = admission(true, 'closed', this.#generation, 0, NO_TRANSITIONS);
    return Object.freeze({ from, to, at });
  }

  #join(a: readonly Transition[], t: Transition): readonly Transition[] {
    return a.length === 0 ? [t] : [...a, t];
  }

  #cfg(): BreakerRules {
    if (this.#rules === undefined) throw new TypeError('MemoryBreakerStore: configure() was not called');
    return this.#rules;
  }
}
