/**
 * Sliding windows of call outcomes for the failure-rate mode. Both update in O(1) (amortised)
 * per call, keep running totals so that reading a rate is O(1), and never hold a timer.
 *
 * The time window is a ring of buckets keyed by the **absolute** bucket index
 * `floor(now / bucketMs)`: a bucket whose index fell out of the window is emptied the next time
 * the window is touched, however long it sat idle. (Cockatiel's SamplingBreaker keys buckets by
 * position only and so kept failures from before an idle period: cockatiel issue #64.)
 */

/** Outcome bits: a counted failure, a slow call. */
export const FAILED = 1;
export const SLOW = 2;

/** What both windows expose. */
export interface OutcomeWindow {
  /** Calls in the window (after `expire(now)`). */
  readonly calls: number;
  readonly failures: number;
  readonly slowCalls: number;
  /** Add one outcome (`FAILED | SLOW` bits) at time `now`. */
  add(bits: number, now: number): void;
  /** Drop what is too old at `now`. */
  expire(now: number): void;
  clear(): void;
}

/** The last `size` outcomes (optionally only those younger than `maxAge` ms): a ring buffer. */
export class CountWindow implements OutcomeWindow {
  calls = 0;
  failures = 0;
  slowCalls = 0;
  readonly #size: number;
  readonly #maxAge: number;
  readonly #bits: Uint8Array;
  readonly #times: Float64Array | undefined;
  #start = 0;

  constructor(size: number, maxAge = Infinity) {
    this.#size = size;
    this.#maxAge = maxAge;
    this.#bits = new Uint8Array(size);
    this.#times = maxAge === Infinity ? undefined : new Float64Array(size);
  }

  add(bits: number, now: number): void {
    if (this.#times !== undefined) this.expire(now);
    if (this.calls === this.#size) this.#evict();
    let i = this.#start + this.calls;
    if (i >= this.#size) i -= this.#size;
    this.#bits[i] = bits;
    if (this.#times !== undefined) this.#times[i] = now;
    this.calls++;
    if (bits & FAILED) this.failures++;
    if (bits & SLOW) this.slowCalls++;
  }

  expire(now: number): void {
    const times = this.#times;
    if (times === undefined) return;
    const limit = now - this.#maxAge;
    // Each entry is evicted once: amortised O(1) per add.
    while (this.calls > 0 && (times[this.#start] as number) <= limit) this.#evict();
  }

  clear(): void {
    this.calls = this.failures = this.slowCalls = 0;
    this.#start = 0;
  }

  #evict(): void {
    const bits = this.#bits[this.#start] as number;
    if (bits & FAILED) this.failures--;
    if (bits & SLOW) this.slowCalls--;
    this.calls--;
    this.#start = this.#start + 1 === this.#size ? 0 : this.#start + 1;
  }
}

/** The outcomes of the last `size` ms, in `buckets` buckets of `size / buckets` ms. */
export class TimeWindow implements OutcomeWindow {
  calls = 0;
  failures = 0;
  slowCalls = 0;
  readonly #buckets: number;
  readonly #bucketMs: number;
  /** Per bucket: calls, failures, slow calls (3 numbers each). */
  readonly #counts: Float64Array;
  /** Absolute index of the newest bucket; -Infinity while empty. */
  #head = -Infinity;

  constructor(size: number, buckets: number) {
    this.#buckets = buckets;
    this.#bucketMs = size / buckets;
    this.#counts = new Float64Array(buckets * 3);
  }

  add(bits: number, now: number): void {
    this.expire(now);
    const b = this.#slot(this.#head) * 3;
    const c = this.#counts;
    c[b] = (c[b] as number) + 1;
    this.calls++;
    if (bits & FAILED) {
      c[b + 1] = (c[b + 1] as number) + 1;
      this.failures++;
    }
    if (bits & SLOW) {
      c[b + 2] = (c[b + 2] as number) + 1;
      this.slowCalls++;
    }
  }

  expire(now: number): void {
    const index = Math.floor(now / this.#bucketMs);
    const head = this.#head;
    // A clock that stepped back keeps writing into the newest bucket.
    if (index <= head) return;
    if (index - head >= this.#buckets) {
      this.clear();
    } else {
      for (let i = head + 1; i <= index; i++) this.#empty(this.#slot(i));
    }
    this.#head = index;
  }

  clear(): void {
    this.#counts.fill(0);
    this.calls = this.failures = this.slowCalls = 0;
    this.#head = -Infinity;
  }

  #slot(index: number): number {
    const s = index % this.#buckets;
    return s < 0 ? s + this.#buckets : s;
  }

  #empty(slot: number): void {
    const c = this.#counts;
    const b = slot * 3;
    this.calls -= c[b] as number;
    this.failures -= c[b + 1] as number;
    this.slowCalls -= c[b + 2] as number;
    c[b] = c[b + 1] = c[b + 2] = 0;
  }
}
