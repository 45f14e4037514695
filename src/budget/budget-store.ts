/**
 * Where a `RetryBudget` shares its counts with other budgets: other processes (a Redis store, in
 * `zenoo-retry/redis`) or other budget objects in one process (`MemoryBudgetStore`).
 *
 * ## The design, for store authors
 *
 * The executor asks `budget.tryAcquireRetry()` synchronously, so a budget never waits for a
 * store. It **decides from its local view**: per time bucket, its own counts plus the counts of
 * everyone else as last reported by the store. The store only **syncs counts**, through one
 * operation, `exchange`, which a remote store may answer asynchronously:
 *
 * 1. Time is cut into buckets of `bucketWidth = window / BUDGET_BUCKETS` ms; bucket
 *    `b = floor(now / bucketWidth)`. Budgets that share a store must use the same `window` and a
 *    clock with a common origin (the budget uses `Date.now()` when a store is set).
 * 2. An exchange covers the `BUDGET_SPAN` (= 11) newest buckets, `bucket - 10 … bucket`; index
 *    `i` of every array is bucket `bucket - BUDGET_SPAN + 1 + i`.
 * 3. The request carries, per bucket, the first attempts and granted retries this budget recorded
 *    since its previous successful exchange (deltas, usually mostly zeros). The store must
 *    **atomically add** them to its shared per-bucket counters and **return the shared totals of
 *    the same 11 buckets after the addition** (so the totals include this budget's counts).
 * 4. The budget then sets "others" for bucket b to `total(b) - everything it has itself sent for b`.
 *    If the exchange throws or rejects, the budget keeps its deltas and sends them again next
 *    time; the store must therefore not apply half of a failed request (use one transaction or
 *    script).
 * 5. A budget keeps at most one exchange in flight. It exchanges after recording an event when the
 *    store answered synchronously last time (so in-process sharing is exact), and otherwise at
 *    most once per bucket, from `recordFirstAttempt`/`tryAcquireRetry` (no timers). Between
 *    exchanges, other processes' new counts are unseen: the fleet may overshoot its budget by
 *    what they did in that time (about one bucket plus a round trip). (`RedisBudgetStore` answers
 *    synchronously from a local view it syncs with Redis in the background, so budgets sharing
 *    it exchange on every event.)
 * 6. Counters older than the span are never asked for again: a store may expire a bucket
 *    `BUDGET_SPAN * bucketWidth` ms after it began (e.g. Redis `PEXPIRE`). Keep grids of different
 *    `bucketWidth` apart (e.g. put it in the key). A bucket the store already dropped reads 0.
 * 7. `reset()` forgets every shared count (all buckets, every grid).
 *
 * A Redis store is one Lua script: `HINCRBY key:{width}:{b} f|r n` for the non-zero deltas, a
 * `PEXPIRE` on each touched key, then `HMGET` of the 11 keys, returned as two arrays.
 */

/**
 * A value, or a promise (any thenable) of it: what a `BudgetStore` method returns (remote
 * stores answer asynchronously). Unlike the breaker store's `MaybePromise`, any `PromiseLike` is accepted.
 * @example
 * const exchange = (request: BudgetExchange): MaybePromiseLike<BudgetTotals> => redisExchange(request);
 */
export type MaybePromiseLike<T> = T | PromiseLike<T>;

/** Buckets per window: counts leave the window in steps of `window / 10`. */
export const BUDGET_BUCKETS = 10;
/** Buckets an exchange covers: the window plus one (retries are kept one bucket longer). */
export const BUDGET_SPAN = BUDGET_BUCKETS + 1;

/** What a budget sends to its store. Arrays have length `BUDGET_SPAN`, oldest bucket first. */
export interface BudgetExchange {
  /** Ms per bucket (`window / BUDGET_BUCKETS`); identifies the bucket grid. */
  readonly bucketWidth: number;
  /** The newest bucket, `floor(now / bucketWidth)`; `firsts[BUDGET_SPAN - 1]` belongs to it. */
  readonly bucket: number;
  /** First attempts to add, per bucket (non-negative integers). */
  readonly firsts: readonly number[];
  /** Granted retries to add, per bucket (non-negative integers). */
  readonly retries: readonly number[];
}

/** What a store answers: shared totals per bucket, after the addition, indexed like the request. */
export interface BudgetTotals {
  readonly firsts: readonly number[];
  readonly retries: readonly number[];
}

/**
 * Shared counters of one or more `RetryBudget`s. See the module comment for the protocol.
 * @example
 * const store = new MemoryBudgetStore();
 * const reads = new RetryBudget({ store });
 * const writes = new RetryBudget({ store }); // both see, and are limited by, the sum
 */
export interface BudgetStore {
  /** Add the request's per-bucket counts and return the shared per-bucket totals. Atomic. */
  exchange(request: BudgetExchange): MaybePromiseLike<BudgetTotals>;
  /** Forget every shared count. */
  reset(): MaybePromiseLike<void>;
}

/** Per-grid ring of `BUDGET_SPAN` buckets, each slot keyed by its absolute bucket index. */
interface Grid {
  readonly bucket: Float64Array;
  readonly firsts: Float64Array;
  readonly retries: Float64Array;
}

const newGrid = (): Grid => ({
  bucket: new Float64Array(BUDGET_SPAN).fill(-Infinity),
  firsts: new Float64Array(BUDGET_SPAN),
  retries: new Float64Array(BUDGET_SPAN),
});

/**
 * A `BudgetStore` in this process, answering synchronously: budgets sharing it are limited by
 * their combined counts, exactly. It is also the reference implementation of the protocol for
 * remote stores. Memory: 3 × 11 numbers per distinct `window`.
 * @example
 * const store = new MemoryBudgetStore();
 * const a = new RetryBudget({ store, ratio: 0.2 });
 * const b = new RetryBudget({ store, ratio: 0.2 });
 */
export class MemoryBudgetStore implements BudgetStore {
  readonly #grids = new Map<number, Grid>();

  /** @example store.exchange({ bucketWidth: 1000, bucket: 5, firsts: Array(11).fill(0), retries: Array(11).fill(0) }) */
  exchange(request: BudgetExchange): BudgetTotals {
    let grid = this.#grids.get(request.bucketWidth);
    if (grid === undefined) this.#grids.set(request.bucketWidth, (grid = newGrid()));
    const firsts: number[] = [];
    const retries: number[] = [];
    const oldest = request.bucket - BUDGET_SPAN + 1;
    for (let i = 0; i < BUDGET_SPAN; i++) {
      const b = oldest + i;
      const s = ((b % BUDGET_SPAN) + BUDGET_SPAN) % BUDGET_SPAN;
      const held = grid.bucket[s] as number;
      if (held > b) {
        // a newer bucket already took this slot: b has expired here
        firsts.push(0);
        retries.push(0);
        continue;
      }
      if (held < b) {
        grid.bucket[s] = b;
        grid.firsts[s] = 0;
        grid.retries[s] = 0;
      }
      grid.firsts[s] = (grid.firsts[s] as number) + (request.firsts[i] ?? 0);
      grid.retries[s] = (grid.retries[s] as number) + (request.retries[i] ?? 0);
      firsts.push(grid.firsts[s] as number);
      retries.push(grid.retries[s] as number);
    }
    return { firsts, retries };
  }

  /** @example store.reset(); */
  reset(): void {
    this.#grids.clear();
  }
}
