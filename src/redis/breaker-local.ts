/**
 * The breaker's local state while Redis is unusable: a `MemoryBreakerStore` with the same rules,
 * started from the shared state last seen (an open fleet breaker stays open here, with the same
 * recovery time; a closed one keeps its failure streak), so one process does not hammer a
 * dependency the fleet had given up on just because Redis went away.
 *
 * Permits it hands out are offset by `LOCAL_PERMIT_BASE`, so the Redis store can tell them from
 * shared generations when the outcome comes back.
 */
import { MemoryBreakerStore } from '../breaker/memory-store.js';
import type { Admission, BreakerOutcome, BreakerRules, BreakerSnapshot, Transition } from '../breaker/store.js';
import { realClock } from '../core/clock.js';
import type { RemoteView } from './breaker-reply.js';

/** Permits at or above this number were given by the local fallback. */
export const LOCAL_PERMIT_BASE = 2 ** 48;

export class LocalBreaker {
  readonly #store = new MemoryBreakerStore();
  readonly #rules: BreakerRules;
  /** Set while seeding: the time the local store reads. */
  #pinned: number | undefined;

  /** `now`: the store's time base (server time as estimated locally, or the breaker's clock). */
  constructor(rules: BreakerRules, now: () => number) {
    this.#rules = rules;
    const clock = {
      now: () => this.#pinned ?? now(),
      setTimeout: realClock.setTimeout,
      clearTimeout: realClock.clearTimeout,
    };
    this.#store.configure({ rules, clock });
  }

  /** Start over from `view` (the shared state last seen; undefined: none), at time `now`. */
  seed(view: RemoteView | undefined, now: number): void {
    const s = this.#store;
    const rules = this.#rules;
    try {
      if (view === undefined || view.state === 'closed') {
        this.#pinned = now;
        s.reset();
        if (rules.window === undefined) {
          const streak = Math.min(view?.consecutiveFailures ?? 0, rules.failureThreshold - 1);
          for (let i = 0; i < streak; i++) s.record(s.acquire().generation, 'failure');
        }
        return;
      }
      // open (or half-open: it opened one recoveryTimeout before it turned half-open)
      this.#pinned = view.state === 'open' ? view.since : view.since - rules.recoveryTimeout;
      s.reset();
      const w = rules.window;
      const limit = Math.max(rules.failureThreshold, w?.size ?? 0, w?.minimumThroughput ?? 0) + 1;
      for (let i = 0; i < limit && s.read().state === 'closed'; i++) s.record(s.acquire().generation, 'slow-failure');
    } finally {
      this.#pinned = undefined;
    }
  }

  get state(): BreakerSnapshot['state'] {
    return this.#store.read().state;
  }

  acquire(): Admission {
    const a = this.#store.acquire();
    return Object.freeze({ ...a, generation: a.generation + LOCAL_PERMIT_BASE });
  }

  record(permit: number, outcome: BreakerOutcome): readonly Transition[] {
    return this.#store.record(permit - LOCAL_PERMIT_BASE, outcome);
  }

  read(): BreakerSnapshot {
    const s = this.#store.read();
    return Object.freeze({ ...s, generation: s.generation + LOCAL_PERMIT_BASE });
  }

  reset(): readonly Transition[] {
    return this.#store.reset();
  }
}
