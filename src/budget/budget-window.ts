import { BUDGET_BUCKETS, BUDGET_SPAN, type BudgetExchange, type BudgetStore, type BudgetTotals } from './budget-store.js';

const slotOf = (b: number): number => ((b % BUDGET_SPAN) + BUDGET_SPAN) % BUDGET_SPAN;

const isThenable = (v: unknown): v is PromiseLike<unknown> =>
  v !== null && typeof v === 'object' && typeof (v as { then?: unknown }).then === 'function';

/**
 * The local view a `RetryBudget` decides from: a ring of `BUDGET_SPAN` time buckets, each slot
 * keyed by its absolute bucket index (so idle time expires counts without any sweep). Per slot:
 * this budget's own counts, how much of them was sent to the store, and everyone else's counts
 * as last reported by the store. Implements the exchange protocol described in budget-store.ts.
 * Memory: 7 arrays of 11 numbers. Every operation is O(BUDGET_SPAN) = O(1).
 * @internal
 */
export class BudgetWindow {
  /** First attempts in the window ending at the current bucket (set by `prepareDecision`). */
  firsts = 0;
  /** Granted retries in the window (one bucket longer), set by `prepareDecision`. */
  retries = 0;
  readonly #width: number;
  readonly #store: BudgetStore | undefined;
  readonly #bucket = new Float64Array(BUDGET_SPAN).fill(-Infinity);
  readonly #ownF = new Float64Array(BUDGET_SPAN);
  readonly #ownR = new Float64Array(BUDGET_SPAN);
  readonly #sentF = new Float64Array(BUDGET_SPAN);
  readonly #sentR = new Float64Array(BUDGET_SPAN);
  readonly #otherF = new Float64Array(BUDGET_SPAN);
  readonly #otherR = new Float64Array(BUDGET_SPAN);
  /** Newest bucket seen; never moves back (a clock stepping back keeps using it). */
  #cur = -Infinity;
  #lastExchange = -Infinity;
  #storeIsSync = true;
  #pending: Promise<void> | undefined = undefined;
  #epoch = 0;

  constructor(bucketWidth: number, store: BudgetStore | undefined) {
    this.#width = bucketWidth;
    this.#store = store;
  }

  addFirst(now: number): void {
    const s = this.#claim(this.#advance(now));
    this.#ownF[s] = (this.#ownF[s] as number) + 1;
    if (this.#store !== undefined) this.#maybeExchange();
  }

  /** Bring the window to `now` (pulling from a synchronous store) and compute `firsts`/`retries`. */
  prepareDecision(now: number): void {
    const c = this.#advance(now);
    if (this.#store !== undefined) this.#maybeExchange();
    let firsts = 0;
    let retries = 0;
    const oldestFirst = c - BUDGET_BUCKETS + 1;
    for (let s = 0; s < BUDGET_SPAN; s++) {
      const b = this.#bucket[s] as number;
      if (b > c || b < c - BUDGET_BUCKETS) continue;
      retries += (this.#ownR[s] as number) + (this.#otherR[s] as number);
      if (b >= oldestFirst) firsts += (this.#ownF[s] as number) + (this.#otherF[s] as number);
    }
    this.firsts = firsts;
    this.retries = retries;
  }

  /** Count a granted retry in the current bucket (call right after `prepareDecision`). */
  addRetry(): void {
    const s = this.#claim(this.#cur);
    this.#ownR[s] = (this.#ownR[s] as number) + 1;
    this.retries++;
    if (this.#store !== undefined) this.#maybeExchange();
  }

  async sync(now: number): Promise<void> {
    if (this.#store === undefined) return;
    if (this.#pending !== undefined) await this.#pending;
    this.#advance(now);
    await this.#exchange();
  }

  reset(): void | Promise<void> {
    this.#epoch++;
    this.#bucket.fill(-Infinity);
    for (const a of [this.#ownF, this.#ownR, this.#sentF, this.#sentR, this.#otherF, this.#otherR]) a.fill(0);
    this.#cur = -Infinity;
    this.#lastExchange = -Infinity;
    this.firsts = 0;
    this.retries = 0;
    const done = this.#store?.reset();
    return isThenable(done) ? Promise.resolve(done).then(() => undefined) : undefined;
  }

  #advance(now: number): number {
    const c = Math.floor(now / this.#width);
    if (c > this.#cur && c < Infinity) this.#cur = c;
    else if (this.#cur === -Infinity) this.#cur = 0; // NaN or -Infinity before any real time
    return this.#cur;
  }

  /** Slot of bucket `b` (<= current), cleared first if it held an older bucket. */
  #claim(b: number): number {
    const s = slotOf(b);
    if (this.#bucket[s] !== b) {
      this.#bucket[s] = b;
      this.#ownF[s] = this.#ownR[s] = this.#sentF[s] = this.#sentR[s] = this.#otherF[s] = this.#otherR[s] = 0;
    }
    return s;
  }

  /** A synchronous store is exchanged with on every event; a remote one at most once per bucket. */
  #maybeExchange(): void {
    if (this.#pending !== undefined) return;
    if (this.#storeIsSync || this.#cur !== this.#lastExchange) void this.#exchange();
  }

  #exchange(): Promise<void> | undefined {
    if (this.#pending !== undefined) return this.#pending;
    const store = this.#store as BudgetStore;
    const c = this.#cur;
    this.#lastExchange = c;
    const firsts: number[] = [];
    const retries: number[] = [];
    for (let b = c - BUDGET_SPAN + 1; b <= c; b++) {
      const s = this.#claim(b);
      firsts.push((this.#ownF[s] as number) - (this.#sentF[s] as number));
      retries.push((this.#ownR[s] as number) - (this.#sentR[s] as number));
      this.#sentF[s] = this.#ownF[s] as number;
      this.#sentR[s] = this.#ownR[s] as number;
    }
    const request: BudgetExchange = { bucketWidth: this.#width, bucket: c, firsts, retries };
    const epoch = this.#epoch;
    let answer: unknown;
    try {
      answer = store.exchange(request);
    } catch {
      this.#rollback(request);
      return undefined;
    }
    if (!isThenable(answer)) {
      this.#storeIsSync = true;
      this.#apply(request, answer);
      return undefined;
    }
    this.#storeIsSync = false;
    const settle = (totals: unknown, ok: boolean): void => {
      this.#pending = undefined;
      if (epoch !== this.#epoch) return; // reset() happened meanwhile
      if (ok) this.#apply(request, totals);
      else this.#rollback(request);
    };
    const pending = Promise.resolve(answer).then(
      (totals) => settle(totals, true),
      () => settle(undefined, false),
    );
    this.#pending = pending;
    return pending;
  }

  /** Others(b) = shared total(b) - what this budget sent for b. A malformed answer is a failure. */
  #apply(request: BudgetExchange, totals: unknown): void {
    const t = totals as BudgetTotals | null | undefined;
    if (
      t === null ||
      typeof t !== 'object' ||
      !Array.isArray(t.firsts) ||
      !Array.isArray(t.retries) ||
      t.firsts.length !== BUDGET_SPAN ||
      t.retries.length !== BUDGET_SPAN
    ) {
      this.#rollback(request);
      return;
    }
    const oldest = request.bucket - BUDGET_SPAN + 1;
    for (let i = 0; i < BUDGET_SPAN; i++) {
      const b = oldest + i;
      const s = slotOf(b);
      if (this.#bucket[s] !== b) continue; // expired locally while the answer travelled
      const f = Number(t.firsts[i]) - (this.#sentF[s] as number);
      const r = Number(t.retries[i]) - (this.#sentR[s] as number);
      this.#otherF[s] = f > 0 ? f : 0;
      this.#otherR[s] = r > 0 ? r : 0;
    }
  }

  /** The store did not take the request: send its counts again next time. */
  #rollback(request: BudgetExchange): void {
    const oldest = request.bucket - BUDGET_SPAN + 1;
    for (let i = 0; i < BUDGET_SPAN; i++) {
      const s = slotOf(oldest + i);
      if (this.#bucket[s] !== oldest + i) continue;
      this.#sentF[s] = (this.#sentF[s] as number) - (request.firsts[i] as number);
      this.#sentR[s] = (this.#sentR[s] as number) - (request.retries[i] as number);
    }
  }
}
