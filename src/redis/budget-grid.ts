/**
 * One bucket grid (one `bucketWidth`) of a `RedisBudgetStore`: a ring of `BUDGET_SPAN` slots keyed
 * by absolute bucket index, like `MemoryBudgetStore`'s, holding per bucket this store's
 * cumulative counts (what it reports to Redis) and everyone else's (from the latest reply).
 */
import { BUDGET_SPAN, type BudgetExchange, type BudgetTotals } from '../budget/budget-store.js';

const slotOf = (b: number): number => ((b % BUDGET_SPAN) + BUDGET_SPAN) % BUDGET_SPAN;

/** What a sync sends: this store's cumulative counts of the span ending at `newest`. */
export interface GridReport {
  readonly newest: number;
  readonly firsts: readonly number[];
  readonly retries: readonly number[];
}

export class BudgetGrid {
  readonly width: number;
  /** Newest bucket seen. */
  newest = -Infinity;
  readonly #bucket = new Float64Array(BUDGET_SPAN).fill(-Infinity);
  readonly #mineF = new Float64Array(BUDGET_SPAN);
  readonly #mineR = new Float64Array(BUDGET_SPAN);
  readonly #otherF = new Float64Array(BUDGET_SPAN);
  readonly #otherR = new Float64Array(BUDGET_SPAN);
  /** Others' retries of the bucket that left the span when `newest` began. */
  #leftOtherR = 0;
  /** When (store clock) this store first saw bucket `newest`, and its stagger for it (ms). */
  #newestAt = 0;
  #stagger = 0;

  constructor(width: number) {
    this.width = width;
  }

  /**
   * Add the request's counts; return the totals as known here, and whether it added retries.
   * `now`: store clock; `random`: a [0,1) source for the stagger.
   */
  exchange(request: BudgetExchange, now: number, random: () => number): { totals: BudgetTotals; retried: boolean } {
    if (request.bucket > this.newest) {
      const s = slotOf(request.bucket);
      this.#leftOtherR = this.#bucket[s] === request.bucket - BUDGET_SPAN ? (this.#otherR[s] as number) : 0;
      this.newest = request.bucket;
      this.#newestAt = now;
      this.#stagger = random() * this.width;
    }
    const firsts: number[] = [];
    const retries: number[] = [];
    let retried = false;
    const oldest = request.bucket - BUDGET_SPAN + 1;
    for (let i = 0; i < BUDGET_SPAN; i++) {
      const b = oldest + i;
      const s = slotOf(b);
      const held = this.#bucket[s] as number;
      if (held > b) {
        firsts.push(0); // a newer bucket took this slot: b has left the span here
        retries.push(0);
        continue;
      }
      if (held < b) {
        this.#bucket[s] = b;
        this.#mineF[s] = this.#mineR[s] = this.#otherF[s] = this.#otherR[s] = 0;
      }
      const r = request.retries[i] ?? 0;
      if (r > 0) retried = true;
      this.#mineF[s] = (this.#mineF[s] as number) + (request.firsts[i] ?? 0);
      this.#mineR[s] = (this.#mineR[s] as number) + r;
      firsts.push((this.#mineF[s] as number) + (this.#otherF[s] as number));
      retries.push((this.#mineR[s] as number) + (this.#otherR[s] as number));
    }
    // Every process sees the oldest bucket's retries leave the window at the same moment; if each
    // then granted the freed allowance before hearing of the others' grants, the fleet would grant
    // it several times over. So others' retries of the bucket that just left still count here for
    // a random part of a bucket (this store's stagger): processes take freed allowance in turn,
    // each seeing the grants of those before it.
    if (request.bucket === this.newest && this.#leftOtherR > 0 && now - this.#newestAt < this.#stagger) {
      retries[0] = (retries[0] as number) + this.#leftOtherR;
    }
    return { totals: { firsts, retries }, retried };
  }

  /** This store's cumulative counts of the span ending at the newest bucket (undefined: none yet). */
  report(): GridReport | undefined {
    if (this.newest === -Infinity) return undefined;
    const firsts: number[] = [];
    const retries: number[] = [];
    for (let b = this.newest - BUDGET_SPAN + 1; b <= this.newest; b++) {
      const s = slotOf(b);
      const mine = this.#bucket[s] === b;
      firsts.push(mine ? (this.#mineF[s] as number) : 0);
      retries.push(mine ? (this.#mineR[s] as number) : 0);
    }
    return { newest: this.newest, firsts, retries };
  }

  /** Others(b) = shared total(b) - what this store had reported for b. Returns whether others' retries grew. */
  apply(sent: GridReport, reply: readonly unknown[]): boolean {
    let more = false;
    for (let i = 0; i < BUDGET_SPAN; i++) {
      const b = sent.newest - BUDGET_SPAN + 1 + i;
      const s = slotOf(b);
      if (this.#bucket[s] !== b) continue; // left the span meanwhile
      const f = Number(reply[i]) - (sent.firsts[i] as number);
      const r = Number(reply[BUDGET_SPAN + i]) - (sent.retries[i] as number);
      const others = r > 0 ? r : 0;
      if (others > (this.#otherR[s] as number)) more = true;
      this.#otherF[s] = f > 0 ? f : 0;
      this.#otherR[s] = others;
    }
    return more;
  }
}
