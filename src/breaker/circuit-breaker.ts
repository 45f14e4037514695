import type { Clock } from '../core/clock.js';
import type { BreakerGuard } from '../core/hooks.js';
import { noop, safeInvoke } from '../core/safe-invoke.js';
import { checkKnownKeys, describeValue } from '../core/validate.js';
import { CircuitOpenError } from '../errors/library-errors.js';
import { circuitChannel, publish } from '../observability/diagnostics.js';
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
import type { BreakerEventName, BreakerStats, StateChangeListener } from './breaker-events.js';
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
export const CIRCUIT_BREAKER_DEFAULTS = Object.freeze({
  failureThreshold: 5,
  recoveryTimeout: 30_000,
  expectedException: undefined,
  name: undefined,
} as const);

const KNOWN = new Set(['failureThreshold', 'recoveryTimeout', 'expectedException', 'name', 'clock', 'store']);

/** Permit of a call admitted without the store (the store failed: the breaker fails open). */
const NO_PERMIT = -1;

interface Settlers {
  readonly permit: number;
  readonly ok: () => void;
  readonly err: (error: unknown) => void;
}

const isObjectThenable = (v: unknown): v is PromiseLike<unknown> =>
  v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as PromiseLike<unknown>).then === 'function';

const ratio = (part: number, whole: number): number => (whole === 0 ? 0 : part / whole);

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
  #listeners: readonly StateChangeListener[] = [];
  /** Set once the store answers with a promise: getters then report the last state seen. */
  #remote = false;
  #known: BreakerSnapshot;
  #admitted = 0;
  #rejected = 0;
  #succeeded = 0;
  #cached: Settlers = { permit: NaN, ok: noop, err: noop };
  #failed = 0;
  #ignored = 0;

  constructor(options?: CircuitBreakerOptions) {
    const config = (new.target as typeof CircuitBreaker).resolveConfig(options);
    this.name = config.name;
    this.#store = config.store;
    this.#clock = config.clock;
    this.#isExpected = config.isExpected;
    this.#slowMs = config.slowCallDuration;
    this.#probeSlots = config.rules.halfOpenMaxCalls;
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
    if (typeof permit === 'number') return this.#run(fn, permit);
    return (permit as Promise<number>).then((p) => this.#run(fn, p));
  }

  #run<T>(fn: () => T | PromiseLike<T>, permit: number): Promise<Awaited<T>> {
    const timed = this.#slowMs !== Infinity;
    const start = timed ? this.#clock.now() : 0;
    let result: T | PromiseLike<T>;
    try {
      result = fn();
    } catch (error) {
      this.onFailure(permit, error, timed ? this.#clock.now() - start : 0);
      return Promise.reject(error);
    }
    if (!isObjectThenable(result)) {
      this.onSuccess(permit, timed ? this.#clock.now() - start : 0);
      return Promise.resolve(result as Awaited<T>);
    }
    // The caller gets fn's own promise (no extra hop); the outcome is recorded by a reaction
    // registered first, so it runs before the caller's continuation.
    const p = (result instanceof Promise ? result : Promise.resolve(result)) as Promise<Awaited<T>>;
    const h = timed ? this.#settlers(permit, start) : (this.#cached.permit === permit ? this.#cached : (this.#cached = this.#settlers(permit, -1)));
    p.then(h.ok, h.err);
    return p;
  }

  /** Reactions recording the outcome of one permit (cached per permit when no timing is needed). */
  #settlers(permit: number, start: number): Settlers {
    if (start < 0) {
      return {
        permit,
        ok: () => this.onSuccess(permit, 0),
        err: (error: unknown) => this.onFailure(permit, error, 0),
      };
    }
    return {
      permit,
      ok: () => this.onSuccess(permit, this.#clock.now() - start),
      err: (error: unknown) => this.onFailure(permit, error, this.#clock.now() - start),
    };
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
    this.#succeeded++;
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
      this.#ignored++;
      this.#record(permit, 'ignored');
      return;
    }
    this.#failed++;
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
    this.#checkListener(event, listener);
    if (!this.#listeners.includes(listener)) this.#listeners = [...this.#listeners, listener];
    return this;
  }

  /**
   * Remove a listener added with `on`.
   * @example breaker.off('stateChange', listener);
   */
  off(event: BreakerEventName, listener: StateChangeListener): this {
    this.#checkListener(event, listener);
    this.#listeners = this.#listeners.filter((l) => l !== listener);
    return this;
  }

  #checkListener(event: unknown, listener: unknown): void {
    if (event !== 'stateChange') throw new TypeError(`unknown event ${describeValue(event)}; expected 'stateChange'`);
    if (typeof listener !== 'function') throw new TypeError(`\`listener\` must be a function, got ${describeValue(listener)}`);
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
      for (const listener of this.#listeners) safeInvoke(listener, undefined, t);
      publish(circuitChannel, { breaker: this, name: this.name, from: t.from, to: t.to, at: t.at });
    }
  };

  #stats(s: BreakerSnapshot): BreakerStats {
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
      totals: Object.freeze({
        admitted: this.#admitted,
        rejected: this.#rejected,
        succeeded: this.#succeeded,
        failed: this.#failed,
        ignored: this.#ignored,
      }),
    });
  }
}
