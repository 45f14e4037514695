/**
 * `execute(fn)` of a breaker once it holds a permit: run `fn`, report the outcome and the
 * duration, and hand the caller a promise of the result.
 */
import type { Clock } from '../core/clock.js';
import { noop } from '../core/safe-invoke.js';

/** Where outcomes go (the breaker's `BreakerGuard` side). */
export interface OutcomeSink {
  onSuccess(permit: unknown, duration: number): void;
  onFailure(permit: unknown, error: unknown, duration: number): void;
}

interface Settlers {
  readonly permit: number;
  readonly ok: () => void;
  readonly err: (error: unknown) => void;
}

const isObjectThenable = (v: unknown): v is PromiseLike<unknown> =>
  v !== null &&
  (typeof v === 'object' || typeof v === 'function') &&
  typeof (v as PromiseLike<unknown>).then === 'function';

/** Runs guarded calls for one breaker; measures durations only when `timed` (slow-call detection). */
export class Runner {
  readonly #sink: OutcomeSink;
  readonly #clock: Clock;
  readonly #timed: boolean;
  /** Outcome reactions of the latest permit: every call of one closed era shares them. */
  #cached: Settlers = { permit: Number.NaN, ok: noop, err: noop };

  constructor(sink: OutcomeSink, clock: Clock, timed: boolean) {
    this.#sink = sink;
    this.#clock = clock;
    this.#timed = timed;
  }

  run<T>(fn: () => T | PromiseLike<T>, permit: number): Promise<Awaited<T>> {
    const timed = this.#timed;
    const start = timed ? this.#clock.now() : 0;
    let result: T | PromiseLike<T>;
    let pending: boolean;
    try {
      result = fn();
      pending = isObjectThenable(result); // a throwing `then` getter counts as a failure too
    } catch (error) {
      this.#sink.onFailure(permit, error, timed ? this.#clock.now() - start : 0);
      return Promise.reject(error);
    }
    if (!pending) {
      this.#sink.onSuccess(permit, timed ? this.#clock.now() - start : 0);
      return Promise.resolve(result as Awaited<T>);
    }
    // The caller gets fn's own promise (no extra hop); the outcome is recorded by a reaction
    // registered first, so it runs before the caller's continuation.
    const p = (result instanceof Promise ? result : Promise.resolve(result)) as Promise<Awaited<T>>;
    let h = this.#cached;
    if (timed) h = this.#settlers(permit, start);
    else if (h.permit !== permit) h = this.#cached = this.#settlers(permit, -1);
    p.then(h.ok, h.err);
    return p;
  }

  #settlers(permit: number, start: number): Settlers {
    const sink = this.#sink;
    if (start < 0) {
      return {
        permit,
        ok: () => sink.onSuccess(permit, 0),
        err: (error: unknown) => sink.onFailure(permit, error, 0),
      };
    }
    const clock = this.#clock;
    return {
      permit,
      ok: () => sink.onSuccess(permit, clock.now() - start),
      err: (error: unknown) => sink.onFailure(permit, error, clock.now() - start),
    };
  }
}
