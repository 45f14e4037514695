/**
 * The breaker store's local view of the shared state: the latest script reply, trusted for up to
 * `syncInterval` ms while the breaker is healthy, so that a healthy breaker adds no Redis round
 * trip to a call:
 * - a closed breaker with no failure streak (consecutive mode), or with failure and slow-call
 *   rates under half their thresholds (rate mode), and no outcome of this process in flight,
 *   admits calls from the view; an open one rejects from it until its recovery time;
 * - a success that can neither reset a streak nor open the breaker is batched and sent with the
 *   next script run (at the latest `syncInterval / 2` later);
 * - once the view is `syncInterval / 2` old a background read refreshes it.
 * Everything else (half-open, failures, failure streaks, a stale view) asks Redis.
 */
import { type Admission, type BreakerRules, NO_TRANSITIONS, type Transition } from '../breaker/store.js';
import type { RemoteView } from './breaker-reply.js';

/** What the view can answer for an admission: an admission, and whether to refresh in the background. */
export interface ViewAnswer {
  readonly admission: Admission;
  readonly refresh: boolean;
}

export class BreakerView {
  readonly #rules: BreakerRules;
  readonly #ttl: number;
  #view: RemoteView | undefined;
  #at = 0;
  #applied = 0;
  #closed: Admission | undefined;
  #pendingGen = -1;
  #pendingCount = 0;
  #pendingSince = 0;
  #pendingLast = 0;
  /** Outcomes sent and not answered yet: until they are, the view may be about to change. */
  recording = 0;

  constructor(rules: BreakerRules, syncInterval: number) {
    this.#rules = rules;
    this.#ttl = syncInterval;
  }

  get current(): RemoteView | undefined {
    return this.#view;
  }

  /** Adopt `view` received at local time `now`, unless a reply sent later (`seq`) was adopted already. */
  take(view: RemoteView, seq: number, now: number): void {
    if (seq < this.#applied) return;
    this.#applied = seq;
    this.#view = view;
    this.#at = now;
  }

  /** Whether there is a view younger than `syncInterval` at local time `now`. */
  fresh(now: number): boolean {
    return this.#view !== undefined && this.#ttl > 0 && now - this.#at < this.#ttl;
  }

  /** Forget the view (a reset is on its way, or Redis is unusable). */
  drop(): void {
    this.#view = undefined;
    this.#pendingCount = 0;
  }

  /** Answer an admission from the view at local time `now`, or undefined: ask Redis. */
  admit(now: number, stash: readonly Transition[]): ViewAnswer | undefined {
    const v = this.#view;
    if (v === undefined || this.#ttl === 0) return undefined;
    const age = now - this.#at;
    if (age >= this.#ttl) return undefined;
    const refresh = age >= this.#ttl / 2;
    if (v.state === 'closed' && this.recording === 0 && this.#healthy(v)) {
      const a = this.closedAdmission(v);
      return { admission: stash.length === 0 ? a : Object.freeze({ ...a, transitions: stash }), refresh };
    }
    const retryAfter = v.since + this.#rules.recoveryTimeout - (v.now + age);
    if (v.state === 'open' && retryAfter > 0) {
      const transitions = stash.length === 0 ? NO_TRANSITIONS : stash;
      const admission = Object.freeze({ admitted: false, state: v.state, generation: v.generation, retryAfter, transitions });
      return { admission, refresh };
    }
    return undefined;
  }

  /**
   * Can the outcome of `permit` be handled without Redis at local time `now`? `'skip'`: it
   * changes nothing; `'batched'`: a success kept for the next script run (`'batched-refresh'`:
   * the batch is due, refresh now); undefined: send it.
   */
  settleLocally(permit: number, outcome: string, now: number): 'skip' | 'batched' | 'batched-refresh' | undefined {
    const v = this.#view;
    if (v === undefined || v.state !== 'closed' || permit !== v.generation || this.#ttl === 0 || now - this.#at >= this.#ttl) {
      return undefined;
    }
    if (outcome === 'ignored') return 'skip'; // changes nothing while closed
    if (outcome !== 'success' || !this.#canDefer(v)) return undefined;
    if (this.#pendingGen !== v.generation || this.#pendingCount === 0) {
      this.#pendingGen = v.generation;
      this.#pendingCount = 0;
      this.#pendingSince = now;
    }
    this.#pendingCount++;
    this.#pendingLast = now;
    return now - this.#pendingSince >= this.#ttl / 2 ? 'batched-refresh' : 'batched';
  }

  /** Successes waiting for the next script run. */
  get batched(): number {
    return this.#pendingCount;
  }

  /** The batched successes, handed to the next script run: `[generation, count, ms since the last]`. */
  takeBatch(now: number): [number, number, number] {
    const count = this.#pendingCount;
    this.#pendingCount = 0;
    return count > 0 ? [this.#pendingGen, count, Math.max(0, now - this.#pendingLast)] : [-1, 0, 0];
  }

  /** One frozen admission object per closed generation (no allocation on the fast path). */
  closedAdmission(v: RemoteView): Admission {
    const a = this.#closed;
    if (a !== undefined && a.generation === v.generation) return a;
    return (this.#closed = Object.freeze({
      admitted: true,
      state: 'closed',
      generation: v.generation,
      retryAfter: 0,
      transitions: NO_TRANSITIONS,
    }));
  }

  /** While failures accumulate every admission asks Redis, so a fleet stops within its in-flight attempts. */
  #healthy(v: RemoteView): boolean {
    const w = this.#rules.window;
    if (w === undefined) return v.consecutiveFailures === 0;
    if (v.calls === 0) return true;
    const f = w.failureRateThreshold;
    const s = w.slowCallRateThreshold;
    return (f === undefined || v.failures / v.calls < f / 2) && (s === undefined || v.slowCalls / v.calls < s / 2);
  }

  /** A success can wait when it cannot reset a streak or open the breaker (MemoryBreakerStore's rule). */
  #canDefer(v: RemoteView): boolean {
    const w = this.#rules.window;
    if (w === undefined) return v.consecutiveFailures === 0;
    // A window whose entries age (time, or maxAge) needs each success at its own time: one sent
    // later would stay in the window too long, and aging can raise the rate at any call.
    if (w.type === 'time' || w.maxAge !== Infinity) return false;
    // a plain success can open the breaker only when it completes minimumThroughput
    let calls = v.calls + this.#pendingCount + 1;
    if (w.type === 'count' && calls > w.size) calls = w.size;
    if (calls !== w.minimumThroughput) return true;
    const f = w.failureRateThreshold;
    const s = w.slowCallRateThreshold;
    return !((f !== undefined && v.failures / calls >= f) || (s !== undefined && v.slowCalls / calls >= s));
  }
}
