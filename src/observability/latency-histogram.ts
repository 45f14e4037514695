/**
 * A fixed-size log-linear histogram of durations in ms (the HdrHistogram layout): each power of
 * two `[2^k, 2^(k+1))` is split into `SUB_BUCKETS` equal sub-buckets, for `k` from `MIN_EXP` to
 * `MAX_EXP`. Memory is one `Float64Array` allocated once; recording is O(1) and allocates nothing.
 *
 * Accuracy: a quantile is reported as the midpoint of the bucket holding the exact sample of that
 * rank (nearest-rank definition), clamped to the exact `min`/`max` seen. Because a bucket's width
 * is at most `1/SUB_BUCKETS` of its lower bound, the reported value is within
 * `1/(2*SUB_BUCKETS)` = **0.79 %** of the exact sample for values >= `2^MIN_EXP` ms (~0.98 µs);
 * below that, values share one bucket reported as 0 (absolute error < 1 µs). Values above
 * `2^(MAX_EXP+1)` ms (~49.7 days) are clamped into the top bucket; `max` stays exact.
 * Counts are float64, exact up to 2^53 recordings.
 * @internal
 */

/** Sub-buckets per power of two (a power of two itself, so bucket arithmetic is exact). */
export const SUB_BUCKETS = 64;
/** Smallest tracked power of two (2^-10 ms ≈ 0.98 µs). */
export const MIN_EXP = -10;
/** Largest tracked power of two (2^31 ms ≈ 24.9 days, the top octave ends at ~49.7 days). */
export const MAX_EXP = 31;
/** Worst-case relative error of a reported quantile (for values >= 2^MIN_EXP ms). */
export const RELATIVE_ERROR = 1 / (2 * SUB_BUCKETS);

const OCTAVES = MAX_EXP - MIN_EXP + 1;
/** Bucket 0 holds [0, 2^MIN_EXP); then OCTAVES * SUB_BUCKETS log-linear buckets. */
export const BUCKET_COUNT = 1 + OCTAVES * SUB_BUCKETS;

const POW2 = new Float64Array(OCTAVES + 1);
for (let i = 0; i <= OCTAVES; i++) POW2[i] = 2 ** (MIN_EXP + i);
const LOWEST = 2 ** MIN_EXP;

/** Index of the bucket holding `v` (v >= 0, finite). */
function bucketOf(v: number): number {
  if (v < LOWEST) return 0;
  // Math.log2 may be off by one ulp near powers of two: fix the octave with exact comparisons.
  let k = Math.floor(Math.log2(v)) - MIN_EXP;
  if (k >= OCTAVES) return BUCKET_COUNT - 1;
  if (k < 0) k = 0;
  if ((POW2[k] as number) > v) k--;
  else if ((POW2[k + 1] as number) <= v) k++;
  if (k >= OCTAVES) return BUCKET_COUNT - 1;
  const sub = Math.floor((v / (POW2[k] as number) - 1) * SUB_BUCKETS);
  return 1 + k * SUB_BUCKETS + (sub < SUB_BUCKETS ? sub : SUB_BUCKETS - 1);
}

/** Midpoint of bucket `i` (0 for the sub-µs bucket). */
function midpointOf(i: number): number {
  if (i === 0) return 0;
  const k = Math.floor((i - 1) / SUB_BUCKETS);
  const sub = (i - 1) % SUB_BUCKETS;
  const base = POW2[k] as number;
  return base + ((sub + 0.5) * base) / SUB_BUCKETS;
}

/** Quantiles as returned by {@link LatencyHistogram.quantiles}. */
export interface LatencyQuantiles {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** @internal see the module comment. */
export class LatencyHistogram {
  readonly #counts = new Float64Array(BUCKET_COUNT);
  #count = 0;
  #min = Infinity;
  #max = 0;

  /** Number of values recorded. */
  get count(): number {
    return this.#count;
  }

  /** Length of the internal bucket array (constant; exposed for memory tests). */
  get size(): number {
    return this.#counts.length;
  }

  /** Record one duration in ms; negative or non-finite values count as 0. O(1), no allocation. */
  record(ms: number): void {
    const v = ms > 0 && ms < Infinity ? ms : 0;
    const i = bucketOf(v);
    this.#counts[i] = (this.#counts[i] as number) + 1;
    this.#count++;
    if (v < this.#min) this.#min = v;
    if (v > this.#max) this.#max = v;
  }

  /**
   * Value at quantile `q` in [0, 1] (nearest rank: the smallest recorded value such that at least
   * `q * count` values are <= it), within {@link RELATIVE_ERROR}. 0 when empty.
   */
  quantile(q: number): number {
    if (this.#count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.#count));
    let seen = 0;
    for (let i = 0; i < BUCKET_COUNT; i++) {
      seen += this.#counts[i] as number;
      if (seen >= rank) return this.#clamp(midpointOf(i));
    }
    return this.#max;
  }

  /** p50, p95, p99 in one pass, and the exact max. All 0 when empty. */
  quantiles(): LatencyQuantiles {
    if (this.#count === 0) return { p50: 0, p95: 0, p99: 0, max: 0 };
    const r50 = Math.max(1, Math.ceil(0.5 * this.#count));
    const r95 = Math.max(1, Math.ceil(0.95 * this.#count));
    const r99 = Math.max(1, Math.ceil(0.99 * this.#count));
    let p50 = -1;
    let p95 = -1;
    let seen = 0;
    for (let i = 0; i < BUCKET_COUNT; i++) {
      const c = this.#counts[i] as number;
      if (c === 0) continue;
      seen += c;
      if (p50 < 0 && seen >= r50) p50 = this.#clamp(midpointOf(i));
      if (p95 < 0 && seen >= r95) p95 = this.#clamp(midpointOf(i));
      if (seen >= r99) return { p50, p95, p99: this.#clamp(midpointOf(i)), max: this.#max };
    }
    return { p50: this.#max, p95: this.#max, p99: this.#max, max: this.#max };
  }

  /** Forget every recorded value. */
  reset(): void {
    this.#counts.fill(0);
    this.#count = 0;
    this.#min = Infinity;
    this.#max = 0;
  }

  #clamp(v: number): number {
    return v < this.#min ? this.#min : v > this.#max ? this.#max : v;
  }
}
