import type { JitterType } from './strategy.js';

/**
 * `3 * previousDelay` must stay finite (else `0 * Infinity` is NaN), so a larger previous delay is
 * clamped to this. Not `MAX_VALUE / 3`: multiplying that by 3 rounds up to `Infinity`.
 */
const MAX_PREVIOUS = Number.MAX_VALUE / 4;

/**
 * The one jitter function every built-in strategy uses, after capping. Formulas from Marc Brooker,
 * "Exponential Backoff And Jitter", AWS Architecture Blog, 2015
 * (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/), with `r = random()`:
 *
 * - `'full'`: `r * capped`
 * - `'equal'`: `capped/2 + r * capped/2`
 * - `'decorrelated'`: `min(maxDelay, base + r * (3 * (previousDelay ?? base) - base))`
 *
 * The result is finite and within `[0, maxDelay]` whatever the inputs: `r` is clamped into
 * `[0, 1]` (NaN → 0), a missing, negative or NaN `previousDelay` counts as `base`, and a huge one
 * is clamped so that `3 * previousDelay` cannot overflow. No allocation: this runs on every retry.
 *
 * @param type how to spread the delay
 * @param capped `min(calculateDelay(n), maxDelay)`: finite, `>= 0`
 * @param random a `[0,1)` source; called exactly once
 * @param base the strategy's base delay (decorrelated jitter only)
 * @param previousDelay the delay actually used before this one (decorrelated jitter only)
 * @param maxDelay the cap (decorrelated jitter only; the other types stay within `capped`)
 * @example
 * applyJitter('equal', 8000, () => 0.5, 1000, undefined, 60_000); // 6000
 */
export function applyJitter(
  type: JitterType,
  capped: number,
  random: () => number,
  base: number,
  previousDelay: number | undefined,
  maxDelay: number,
): number {
  if (type !== 'full' && type !== 'equal' && type !== 'decorrelated') {
    throw new TypeError(`\`jitterType\` must be 'full', 'equal' or 'decorrelated', got ${typeof type === 'string' ? JSON.stringify(type) : String(type)}`);
  }
  let r = random();
  if (!(r >= 0)) r = 0;
  else if (r > 1) r = 1;
  // The callers pass min(delay, maxDelay); a direct caller may not: keep the result in [0, maxDelay].
  if (!(capped >= 0)) capped = 0;
  if (capped > maxDelay) capped = maxDelay >= 0 ? maxDelay : 0;
  if (type === 'full') return r * capped;
  if (type === 'equal') {
    const half = capped / 2;
    const d = half + r * half;
    // Halving a subnormal can round up, so the sum could exceed `capped` by one ulp.
    return d < capped ? d : capped;
  }
  let prev = previousDelay === undefined || !(previousDelay >= 0) ? base : previousDelay;
  if (prev > MAX_PREVIOUS) prev = MAX_PREVIOUS;
  // When 3*prev < base the AWS range is reversed; the value still lies between 3*prev and base.
  const d = base + r * (3 * prev - base);
  return d < maxDelay ? d : maxDelay;
}
