/**
 * Seeded randomness for the CLI: every command that draws random numbers takes `--seed`, so a
 * run can be repeated exactly. Not cryptographic; fast and well distributed for simulations.
 */

/** A `[0, 1)` source, the shape every `random` option of the library takes. */
export type Random = () => number;

/**
 * mulberry32 (Tommy Ettinger, public domain): a 32-bit state PRNG with a full 2^32 period and
 * good statistical quality for its size.
 * @example
 * const random = mulberry32(42);
 * random(); // always the same first value for seed 42
 */
export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Mix several integers into one 32-bit seed (a murmur3-style finaliser per part), so that
 * `(seed, variant, run)` gives independent streams.
 * @example
 * mulberry32(mixSeed(42, 3, 17));
 */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    let k = Math.imul(part | 0, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A normal variate N(mean, sd) by the Box–Muller transform, from a `[0, 1)` source.
 * @example
 * normal(random, 10, 2); // ~10 ± 2
 */
export function normal(random: Random, mean: number, sd: number): number {
  const u = 1 - random(); // (0, 1]: log(0) is avoided
  const v = random();
  return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
