/**
 * The storage seam of the circuit breakers. A breaker keeps **no** state of its own: every
 * decision is one atomic call on a `BreakerStore`, so that a store shared by many processes
 * (Redis, `zenoo-retry/redis`) gives them one breaker. `MemoryBreakerStore` is the in-process
 * implementation and the reference for every other one; `test/breaker/store-contract.ts`
 * checks any implementation against the rules below.
 *
 * ## State
 *
 * | field | meaning |
 * |---|---|
 * | `state` | `'closed' \| 'open' \| 'half-open'`, initially `'closed'` |
 * | `generation` | integer >= 0, initially 0, **+1 on every transition and on every `reset`** (a permit; breakers use -1 for "no permit") |
 * | `since` | time of the latest transition (initially: when the state was created, e.g. at `configure` or at the first operation of a fresh key; `open`: when it opened) |
 * | `consecutiveFailures` | counted failures in a row in `closed` |
 * | `calls`, `failures`, `slowCalls` | `closed`: the sliding window's content (`rules.window` set), else the counts since the breaker last closed |
 * | `probes` | `half-open`: probe slots in use |
 * | `probeSuccesses` | `half-open`: successful probes of this round |
 * | `lastProbeAt` | `half-open`: when the latest probe was admitted (entering half-open sets it to `since`) |
 *
 * **Every transition** sets `since = at`, increments `generation`, and clears
 * `consecutiveFailures`, `calls`/`failures`/`slowCalls` (the window too), `probes`,
 * `probeSuccesses`, with `lastProbeAt = at`.
 *
 * ## Permits and generations (why transitions are compare-and-set)
 *
 * An admitted call's permit is the `generation` it was admitted in. `record(permit, …)`
 * applies **only if `permit === generation`** (and, in `half-open`, a matching permit is a
 * probe's). An outcome that arrives after a transition is stale and ignored: ten calls in
 * flight that all fail open the breaker once, and late results of a closed era never touch a
 * later half-open round. Comparing generations (not states) also rules out ABA: closed → open
 * → half-open → closed is a different closed era.
 *
 * ## Lazy time (no timers)
 *
 * Every method first **settles** the state at time `now`, read from `config.clock.now()`.
 * Processes sharing a store must agree on time: `realClock` is `performance.now()`, whose
 * origin differs per process, so a shared store should use a common time base (`Date.now()`
 * or the server's, e.g. Redis `TIME`) and may offer `config.clock` as an option for tests (the
 * contract suite drives stores with a manual clock). Returned durations (`retryAfter`) are
 * relative, so callers never compare absolute times across processes.
 *
 * 1. `open` and `now >= since + recoveryTimeout` → transition to `half-open` **at
 *    `since + recoveryTimeout`** (the moment it became due, not the moment it was noticed).
 * 2. `half-open`, `probes >= halfOpenMaxCalls` and `now >= lastProbeAt + recoveryTimeout` →
 *    every probe in flight has run for at least `recoveryTimeout`: they are **lost** (a permit
 *    never settled), which counts as a failed probe → transition to `open` at
 *    `lastProbeAt + recoveryTimeout`; then apply rule 1 again (at most once more).
 *
 * `closed` never changes with time, so a store should not read the clock to settle it.
 */
import type { Clock } from '../core/clock.js';

/** A value or a promise of it: the in-memory store answers synchronously, remote ones may not. */
export type MaybePromise<T> = T | Promise<T>;

/** The three states of a breaker. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * What an admitted call ended with, as the breaker classified it:
 * - `'success'` / `'failure'`: a counted outcome (`failure` = the error matched
 *   `expectedException(s)`),
 * - `'slow-success'` / `'slow-failure'`: the same, and the call took `>= slowCallDuration`,
 * - `'ignored'`: an error that does not count (filtered out, or a `CircuitOpenError` from an
 *   inner breaker). It changes no counter; in `half-open` it only frees the probe's slot.
 */
export type BreakerOutcome = 'success' | 'failure' | 'slow-success' | 'slow-failure' | 'ignored';

/** One state change. Frozen; the same object is handed to `stateChange` listeners. */
export interface Transition {
  readonly from: BreakerState;
  readonly to: BreakerState;
  /** Clock time (ms) at which the change took effect. */
  readonly at: number;
}

/** Failure-rate mode: the rules of the sliding window (present only when a rate threshold is set). */
export interface WindowRules {
  /** `'count'`: the last `size` calls; `'time'`: the calls of the last `size` ms. */
  readonly type: 'count' | 'time';
  /** Calls (count window) or milliseconds (time window). */
  readonly size: number;
  /**
   * Time window only: the window is `buckets` buckets of `size / buckets` ms keyed by the
   * absolute index `floor(now / (size / buckets))`. A call is in the window while its bucket
   * index is `> current index - buckets`; buckets that fell out are emptied on access, however
   * long the breaker was idle. If the clock steps back (`index < newest index`), the outcome
   * goes into the newest bucket. Count windows: 0.
   */
  readonly buckets: number;
  /**
   * Count window only: outcomes older than this many ms leave the window (checked on access).
   * `Infinity`: a count window keeps the last `size` calls however old they are.
   */
  readonly maxAge: number;
  /** No rate is evaluated before the window holds this many calls. */
  readonly minimumThroughput: number;
  /** Open when `failures / calls >= this` (`undefined`: failure rate does not trip). */
  readonly failureRateThreshold: number | undefined;
  /** Open when `slowCalls / calls >= this` (`undefined`: slow calls do not trip). */
  readonly slowCallRateThreshold: number | undefined;
}

/** Everything a store needs to decide; fixed for the life of a breaker. */
export interface BreakerRules {
  /** Ms an open breaker waits before admitting probes; also how long a probe may run before it is lost. */
  readonly recoveryTimeout: number;
  /** Probe slots in `half-open` (CircuitBreaker: 1). */
  readonly halfOpenMaxCalls: number;
  /** Successful probes that close the breaker (CircuitBreaker: 1). */
  readonly successThreshold: number;
  /** Consecutive counted failures that open a closed breaker (when `window` is undefined). */
  readonly failureThreshold: number;
  /** Failure-rate mode; `undefined`: consecutive-failure mode. */
  readonly window: WindowRules | undefined;
}

/** Handed to `BreakerStore.configure` once, by the breaker's constructor. */
export interface BreakerStoreConfig {
  readonly rules: BreakerRules;
  readonly clock: Clock;
}

/** The result of `acquire`. The in-memory store reuses one object per closed era. */
export interface Admission {
  /** `true`: the call may run, and `generation` is its permit. */
  readonly admitted: boolean;
  /** The state after this operation (`'closed'` or `'half-open'` when admitted). */
  readonly state: BreakerState;
  /** The generation after this operation. */
  readonly generation: number;
  /** Not admitted: ms until a probe may be admitted (`since + recoveryTimeout - now`), or 0 when half-open and every probe slot is busy. Admitted: 0. */
  readonly retryAfter: number;
  /** Transitions this operation made (settling included), oldest first; usually empty. */
  readonly transitions: readonly Transition[];
}

/** A full view of the state, from `read`. */
export interface BreakerSnapshot {
  readonly state: BreakerState;
  readonly generation: number;
  readonly since: number;
  readonly consecutiveFailures: number;
  readonly calls: number;
  readonly failures: number;
  readonly slowCalls: number;
  readonly probes: number;
  readonly probeSuccesses: number;
  /** Transitions the settling of this read made, oldest first. */
  readonly transitions: readonly Transition[];
}

/**
 * Where a breaker's state lives. **Each method is one atomic step** (for Redis: one Lua
 * script), settles first (see the module comment), and may answer synchronously or with a
 * promise. Methods other than `configure` may reject/throw only on infrastructure failure; the
 * breaker then fails open (admits the call, records nothing).
 *
 * A remote store may answer an admission from a recent view of the shared state (as
 * `RedisBreakerStore` does while the breaker is closed and healthy, for up to `syncInterval`)
 * instead of a round trip: the answer is then the acquire as evaluated at that view's moment,
 * and the permit's generation makes any outcome reported against a stale view harmless.
 *
 * @example
 * // Two breakers sharing one store behave as one breaker (what Redis does across processes).
 * const store = new MemoryBreakerStore();
 * const a = new CircuitBreaker({ store }), b = new CircuitBreaker({ store });
 */
export interface BreakerStore {
  /**
   * Called once by each breaker that uses the store, before any other method (synchronously:
   * a remote store keeps the config and creates its state lazily). A store shared by several
   * breakers must get equal rules each time (throw a TypeError otherwise; a remote store may
   * also compare them with the rules other processes stored).
   */
  configure(config: BreakerStoreConfig): void;

  /**
   * Settle, then decide on one call:
   * - `closed` → admitted (permit = `generation`);
   * - `open` → rejected, `retryAfter = since + recoveryTimeout - now`;
   * - `half-open`, `probes < halfOpenMaxCalls` → `probes += 1`, `lastProbeAt = now`, admitted
   *   as a probe (permit = `generation`);
   * - `half-open`, all slots busy → rejected, `retryAfter = 0`.
   */
  acquire(): MaybePromise<Admission>;

  /**
   * Settle, then apply the outcome of the call admitted with `permit`, unless stale
   * (`permit !== generation`, or the state is `open`): stale outcomes change nothing.
   *
   * `closed` (`'ignored'` changes nothing):
   * - without `window`: a failure (`failure`/`slow-failure`) increments `consecutiveFailures`
   *   and opens the breaker at `now` when it reaches `failureThreshold`; a success
   *   (`success`/`slow-success`) resets it to 0. Each counted outcome adds 1 to `calls`, a
   *   failure 1 to `failures`, a slow one 1 to `slowCalls` (counts since the breaker closed).
   * - with `window`: add the outcome to the window (`failures` += failure, `slowCalls` += slow,
   *   expiring old entries first); then if `calls >= minimumThroughput` and
   *   (`failures / calls >= failureRateThreshold` or `slowCalls / calls >= slowCallRateThreshold`,
   *   each only when set) → open at `now`. (`consecutiveFailures` is still kept, for stats.)
   *
   * `half-open` (the permit is a probe's): if `probes` is 0 the outcome is stale (a permit
   * reported twice); otherwise `probes -= 1`; then
   * - `'ignored'`: nothing else (the slot is free again);
   * - `failure`/`slow-failure`, or `slow-success` when `window.slowCallRateThreshold` is set →
   *   open at `now` (one failed probe re-opens);
   * - otherwise `probeSuccesses += 1`, and at `successThreshold` → closed at `now`.
   *
   * Returns the transitions made (settling included), oldest first; usually none.
   */
  record(permit: number, outcome: BreakerOutcome): MaybePromise<readonly Transition[]>;

  /** Settle and return the full state (window entries that expired are dropped first). */
  read(): MaybePromise<BreakerSnapshot>;

  /**
   * Optional, for stores whose times (`since`, transitions' `at`) are not on the breaker's clock
   * (a Redis store on the server's clock): ms to add to the breaker clock's `now()` to get the
   * store's time. Absent: the same clock.
   */
  timeOffset?(): number;

  /**
   * Back to `closed` at `now` with every counter and the window cleared, `since = now`, and
   * `generation += 1` even if it was already closed (outcomes of calls admitted before the
   * reset are stale). Returns the transition made if the state was not `closed` (after
   * settling), else only the settling's transitions (none).
   */
  reset(): MaybePromise<readonly Transition[]>;
}

/** The frozen empty list stores return when nothing changed (no allocation). */
export const NO_TRANSITIONS: readonly Transition[] = /* @__PURE__ */ Object.freeze([]);

/** A thenable check that costs one property load on plain objects. */
export const isThenable = <T>(value: MaybePromise<T>): value is Promise<T> =>
  typeof (value as { then?: unknown }).then === 'function';
