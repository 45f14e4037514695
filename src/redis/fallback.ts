/**
 * Redis trouble must never reach a user's call. Every Redis operation runs under a per-operation
 * timeout; the first failure switches a store to local state (`'fallback'` event), and while
 * Redis is unusable the store tries it again at most once per `retryInterval` ms, in the
 * background, never on a caller's path. The first success switches back (`'recovered'`) and
 * the store resynchronises (each store knows what that means for its state).
 */
import { type Clock, realClock } from '../core/clock.js';
import { emitStoreEvent, type RedisStoreEvent, type RedisStoreEventListener } from './events.js';

/** Rejection of an operation that took longer than `timeout` ms. */
export class RedisTimeoutError extends Error {
  constructor(ms: number) {
    super(`Redis did not answer within ${ms} ms`);
    this.name = 'RedisTimeoutError';
  }
}

/**
 * `promise`, rejected with `RedisTimeoutError` after `ms`; the timer is always cleared when the
 * operation settles. It is **ref'd** while the operation is pending: a Redis client that never
 * answers (and holds nothing open) must still end in the timeout and the local fallback, not
 * in the process quietly exiting in the middle of a call.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let handle: unknown;
  const timeout = new Promise<never>((_, reject) => {
    handle = realClock.setTimeout(() => reject(new RedisTimeoutError(ms)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => realClock.clearTimeout(handle));
}

export interface HealthOptions {
  readonly store: RedisStoreEvent['store'];
  readonly key: string;
  readonly timeout: number;
  readonly retryInterval: number;
  readonly onEvent: RedisStoreEventListener | undefined;
  /** Monotonic time for the retry schedule and downtime. */
  readonly clock: Clock;
}

/** Up/down state of one store's Redis connection. */
export class Health {
  readonly #o: HealthOptions;
  #down = false;
  #downSince = 0;
  #nextTry = 0;

  constructor(options: HealthOptions) {
    this.#o = options;
  }

  /** True while the store answers from local state. */
  get down(): boolean {
    return this.#down;
  }

  /** While down: true at most once per `retryInterval` (the caller then tries Redis once). */
  tryDue(): boolean {
    if (!this.#down) return true;
    const now = this.#o.clock.now();
    if (now < this.#nextTry) return false;
    this.#nextTry = now + this.#o.retryInterval;
    return true;
  }

  /** Run one Redis operation under the timeout, recording the outcome. */
  run<T>(operation: () => Promise<T>): Promise<T> {
    let p: Promise<T>;
    try {
      p = operation();
    } catch (error) {
      p = Promise.reject(error);
    }
    return withTimeout(p, this.#o.timeout).then(
      (value) => {
        this.#up();
        return value;
      },
      (error: unknown) => {
        this.failed(error);
        throw error;
      },
    );
  }

  /** A Redis operation failed: switch to local state (reported once per outage). */
  failed(error: unknown): void {
    const now = this.#o.clock.now();
    this.#nextTry = now + this.#o.retryInterval;
    if (this.#down) return;
    this.#down = true;
    this.#downSince = now;
    emitStoreEvent(this.#o.onEvent, { type: 'fallback', store: this.#o.store, key: this.#o.key, error });
  }

  #up(): void {
    if (!this.#down) return;
    this.#down = false;
    const downtime = this.#o.clock.now() - this.#downSince;
    emitStoreEvent(this.#o.onEvent, { type: 'recovered', store: this.#o.store, key: this.#o.key, downtime });
  }
}
