import type { Clock } from '../core/clock.js';
import type { BreakerGuard } from '../core/hooks.js';
import { describeValue } from '../core/validate.js';
import { CircuitOpenError } from '../errors/library-errors.js';
import type { BreakerConfig } from './breaker-config.js';
import {
  type BreakerEventName,
  type BreakerStats,
  StateChangeEmitter,
  type StateChangeListener,
  toStats,
} from './breaker-events.js';
import { Runner } from './breaker-execute.js';
import { type CircuitBreakerOptions, resolveCircuitBreakerConfig } from './circuit-breaker-options.js';
import {
  type Admission,
  type BreakerOutcome,
  type BreakerSnapshot,
  type BreakerState,
  type BreakerStore,
  isThenable,
  NO_TRANSITIONS,
  type Transition,
} from './store.js';

export type { CircuitBreakerOptions } from './circuit-breaker-options.js';
export { CIRCUIT_BREAKER_DEFAULTS } from './circuit-breaker-options.js';

/** Permit of a call admitted without the store (the store failed: the breaker fails open). */
const NO_PERMIT = -1;

/**
 * A circuit breaker: after `failureThreshold` consecutive counted failures it opens and
 * rejects calls at once with `CircuitOpenError`; `recoveryTimeout` ms later (computed on
 * access, no timer) it admits one probe: success closes it, failure re-opens it.
 * It guards each attempt when passed as `circuitBreaker` to a wrapper or a policy.
 *
 * @example
 * const breaker = new CircuitBreaker({ failureThreshold: 5, recoveryTimeout: 30_000 });
 * const data = await breaker.execute(() => fetchJson(url));
 * breaker.on('stateChange', ({ from, to }) => log(`breaker ${from} -> ${to}`));
 */
export class CircuitBreaker implements BreakerGuard {
  /** The name given in the options (`undefined` if none). */
  readonly name: string | undefined;
  readonly #store: BreakerStore;
  readonly #clock: Clock;
  readonly #isExpected: ((error: unknown) => boolean) | undefined;
  readonly #slowMs: number;
  readonly #probeSlots: number;
  readonly #recoveryMs: number;
  readonly #events = new StateChangeEmitter();
  /** Set once the store answers with a promise: getters then report the last state seen. */
  #remote = false;
  #known: BreakerSnapshot;
  #admitted = 0;
  #rejected = 0;
  #succeeded = 0;
  #failed = 0;
  #ignored = 0;
  /** Permits below this were admitted before the latest `reset()`: their outcomes are not totalled. */
  #floor = 0;
  readonly #runner: Runner;

  constructor(options?: CircuitBreakerOptions) {
    const config = (new.target as typeof CircuitBreaker).resolveConfig(options);
    this.name = config.name;
    this.#store = config.store;
    this.#clock = config.clock;
    this.#isExpected = config.isExpected;
    this.#slowMs = config.slowCallDuration;
    this.#probeSlots = config.rules.halfOpenMaxCalls;
    this.#recoveryMs = config.rules.recoveryTimeout;
    this.#runner = new Runner(this, config.clock, config.slowCallDuration !== Infinity);
    this.#store.configure({ rules: config.rules, clock: config.clock });
    const now = this.#clock.now();
    this.#known = Object.freeze({
      state: 'closed' as BreakerState,
      generation: 0,
      since: now,
      consecutiveFailures: 0,
      calls: 0,
      failures: 0,
      slowCalls: 0,
      probes: 0,
      probeSuccesses: 0,
      transitions: [],
    });
  }

  /**
   * Validate `options` into a configuration (subclasses override it for their options).
   * @internal
   */
  protected static resolveConfig(options: unknown): BreakerConfig {
    return resolveCircuitBreakerConfig(options);
  }

  /**
   * `'closed'`, `'open'` or `'half-open'`, computed from the clock on access: once
   * `recoveryTimeout` has passed an open breaker reads `'half-open'`. (With a remote store:
   * the latest state this object has seen; `await refresh()` for a fresh one.)
   * @example if (breaker.state === 'open') return cachedValue;
   */
  get state(): BreakerState {
    return this.#snapshot().state;
  }

  /**
   * Milliseconds until an open breaker admits a probe; 0 when it admits calls now (closed, or
   * half-open). The executor reads it after a failed attempt: when the breaker that attempt
   * opened will still be open once the backoff ends, the call rejects with `CircuitOpenError` at
   * once instead of waiting for a certain refusal. (With a remote store: from the state seen last.)
   * @example res.setHeader('Retry-After', Math.ceil(breaker.retryAfter / 1000));
   */
  get retryAfter(): number {
    const s = this.#snapshot();
    if (s.state !== 'open') return 0;
    let offset = 0;
    try {
      offset = typeof this.#store.timeOffset === 'function' ? this.#store.timeOffset() : 0;
    } catch {
      offset = 0;
    }
    const left = s.since + this.#recoveryMs - (this.#clock.now() + offset);
    return left > 0 ? Math.min(left, this.#recoveryMs) : 0;
  }

  /**
   * Run `fn` through the breaker. Open (or half-open with every probe slot busy) → rejects at
   * once with `CircuitOpenError` and `fn` is not called. A sync throw counts like a rejection.
   * @example const user = await breaker.execute(() => api.getUser(id));
   */
  execute<T>(fn: () => T | PromiseLike<T>): Promise<Awaited<T>> {
    if (typeof fn !== 'function') {
      return Promise.reject(new TypeError(`\`fn\` must be a function, got ${describeValue(fn)}`));
    }
    let permit: unknown;
    try {
      permit = this.acquirePermit();
    } catch (error) {
      return Promise.reject(error);
    }
    const runner = this.#runner;
    if (typeof permit === 'number') return runner.run(fn, permit);
    return (permit as Promise<number>).then((p) => runner.run(fn, p));
  }

  /**
   * Admit one attempt (used by the executor; `execute` calls it too). Returns a permit for
   * `onSuccess`/`onFailure`, a promise of one with a remote store, or throws `CircuitOpenError`.
   * @example const permit = breaker.acquirePermit(); // throws CircuitOpenError when open
   */
  acquirePermit(): number | Promise<number> {
    let admission: Admission | Promise<Admission>;
    try {
      admission = this.#store.acquire();
    } catch {
      return NO_PERMIT; // a broken store must not take the service down: fail open
    }
    if (isThenable(admission)) {
      this.#remote = true;
      return admission.then(this.#admit, () => NO_PERMIT);
    }
    if (admission.admitted && admission.transitions.length === 0) {
      this.#admitted++;
      return admission.generation;
    }
    return this.#admit(admission);
  }

  readonly #admit = (a: Admission): number => {
    if (a.transitions.length !== 0) this.#apply(a.transitions);
    // A shared store may have been changed by another process: keep the state seen current.
    if (this.#remote && a.state !== this.#known.state) this.#known = Object.freeze({ ...this.#known, state: a.state });
    if (a.admitted) {
      this.#admitted++;
      return a.generation;
    }
    this.#rejected++;
    const who = this.name === undefined ? 'Circuit' : `Circuit "${this.name}"`;
    throw new CircuitOpenError({
      retryAfter: a.retryAfter,
      message:
        a.state === 'open'
          ? `${who} is open; retry after ${Math.ceil(a.retryAfter)} ms`
          : `${who} is half-open and its ${this.#probeSlots} probe slot${this.#probeSlots === 1 ? ' is' : 's are'} busy`,
    });
  };

  /**
   * The attempt admitted with `permit` succeeded after `duration` ms. Never throws.
   * @example breaker.onSuccess(permit, 12);
   */
  onSuccess(permit: unknown, duration: number): void {
    if (!this.#stale(permit)) this.#succeeded++;
    this.#record(permit, duration >= this.#slowMs ? 'slow-success' : 'success');
  }

  /**
   * The attempt admitted with `permit` failed with `error` after `duration` ms. Counts only
   * if `error` matches `expectedException(s)`; a `CircuitOpenError` never counts. Never throws.
   * @example breaker.onFailure(permit, error, 12);
   */
  onFailure(permit: unknown, error: unknown, duration: number): void {
    let counted = false;
    try {
      counted = !(error instanceof CircuitOpenError) && (this.#isExpected === undefined || this.#isExpected(error));
    } catch {
      counted = false;
    }
    if (!counted) {
      if (!this.#stale(permit)) this.#ignored++;
      this.#record(permit, 'ignored');
      return;
    }
    if (!this.#stale(permit)) this.#failed++;
    this.#record(permit, duration >= this.#slowMs ? 'slow-failure' : 'failure');
  }

  /**
   * The attempt admitted with `permit` will not run after all (e.g. the call was aborted
   * while a remote store answered): frees its probe slot, counts nothing. Never throws.
   * @example breaker.releasePermit(permit);
   */
  releasePermit(permit: unknown): void {
    this.#record(permit, 'ignored');
  }

  #record(permit: unknown, outcome: BreakerOutcome): void {
    if (typeof permit !== 'number' || permit < 0) return;
    try {
      const r = this.#store.record(permit, outcome);
      if (r === NO_TRANSITIONS) return; // the common case, decided by identity
      if (isThenable(r)) {
        this.#remote = true;
        r.then(this.#apply, () => {});
      } else if (r.length !== 0) this.#apply(r);
    } catch {
      // the store failed; the outcome is lost, the call is not affected
    }
  }

  /**
   * Back to closed, forgetting failures, probes and this object's totals; calls in flight
   * are not counted when they finish. Returns a promise only with a remote store.
   * @example breaker.reset();
   */
  reset(): void | Promise<void> {
    this.#admitted = this.#rejected = this.#succeeded = this.#failed = this.#ignored = 0;
    const r = this.#store.reset();
    if (isThenable(r)) return r.then(this.#apply);
    this.#apply(r);
    // Calls admitted before the reset hold older permits: their outcomes are not this era's.
    this.#floor = this.#snapshot().generation;
  }

  #stale(permit: unknown): boolean {
    return typeof permit === 'number' && permit >= 0 && permit < this.#floor;
  }

  /**
   * Counts, rates, state and the time of the latest transition (a frozen snapshot).
   * @example const { state, failureRate, totals } = breaker.getStats();
   */
  getStats(): BreakerStats {
    return this.#stats(this.#snapshot());
  }

  /**
   * Read the state from the store (for remote stores; with the in-memory store this equals
   * `getStats()`).
   * @example const stats = await breaker.refresh();
   */
  async refresh(): Promise<BreakerStats> {
    const s = await this.#store.read();
    this.#take(s);
    return this.#stats(s);
  }

  /**
   * Listen to `'stateChange'`: `listener({ from, to, at })` after every transition.
   * @example breaker.on('stateChange', (e) => console.log(e.from, '->', e.to));
   */
  on(event: BreakerEventName, listener: StateChangeListener): this {
    this.#events.add(event, listener);
    return this;
  }

  /**
   * Remove a listener added with `on`.
   * @example breaker.off('stateChange', listener);
   */
  off(event: BreakerEventName, listener: StateChangeListener): this {
    this.#events.remove(event, listener);
    return this;
  }

  #snapshot(): BreakerSnapshot {
    if (this.#remote) return this.#known;
    let s: BreakerSnapshot | Promise<BreakerSnapshot>;
    try {
      s = this.#store.read();
    } catch {
      return this.#known; // a broken store: report the last state seen
    }
    if (isThenable(s)) {
      this.#remote = true;
      s.then((v) => this.#take(v), () => {});
      return this.#known;
    }
    this.#take(s);
    return s;
  }

  #take(s: BreakerSnapshot): void {
    if (s.transitions.length !== 0) this.#apply(s.transitions);
    this.#known = s;
  }

  readonly #apply = (transitions: readonly Transition[]): void => {
    for (const t of transitions) {
      if (this.#remote) this.#known = Object.freeze({ ...this.#known, state: t.to, since: t.at });
      this.#events.emit(this, this.name, t);
    }
  };

  #stats(s: BreakerSnapshot): BreakerStats {
    return toStats(s, {
      admitted: this.#admitted,
      rejected: this.#rejected,
      succeeded: this.#succeeded,
      failed: this.#failed,
      ignored: this.#ignored,
    });
  }
}
