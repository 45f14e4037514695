/**
 * The contention model of Marc Brooker, "Exponential Backoff And Jitter" (AWS Architecture Blog,
 * 2015; simulator: github.com/aws-samples/aws-arch-backoff-simulator), run in virtual time
 * through the library's own executor.
 *
 * One row with a version number (optimistic concurrency control). Each client wants to write it
 * exactly once: it reads the version, then writes with that version; the write commits only if
 * the version is still current, otherwise the client backs off and starts over (read, then
 * write). Every message crosses the network in `|N(netMean, netSd)|` ms. A client's attempt is
 * therefore: request → read at the server → reply → write request → write at the server →
 * reply; a failed attempt is followed by the strategy's sleep. "Calls" counts writes reaching
 * the server (the article's work measure); "time" is when the last client got its success reply.
 */
import { VirtualClock, flush } from '../core/virtual-clock.js';
import { retryAsync } from '../core/retry-async.js';
import { RetryPolicy } from '../policies/retry-policy.js';
import { ExponentialBackoffStrategy } from '../strategies/exponential.js';
import { mixSeed, mulberry32, normal, type Random } from './rng.js';

/** The four backoff variants the article compares (all exponential, capped). */
export const VARIANTS = Object.freeze(['no-jitter', 'full', 'equal', 'decorrelated'] as const);
export type Variant = (typeof VARIANTS)[number];

/** Parameters of one study. Defaults are the article's simulator's. */
export interface OccParams {
  /** Clients racing for the row. */
  readonly clients: number;
  /** The article's `base` in ms: its sleeps are `min(cap, base * 2^n)`, n = 1, 2, … */
  readonly base: number;
  /** The article's `cap` in ms. */
  readonly cap: number;
  /** Mean one-way network delay, ms. */
  readonly netMean: number;
  /** Standard deviation of the network delay, ms. */
  readonly netSd: number;
}

/** The article simulator's values: `Net(10, 2)`, `backoff_cls(5, 2000)`. */
export const OCC_DEFAULTS: OccParams = Object.freeze({ clients: 100, base: 5, cap: 2000, netMean: 10, netSd: 2 });

/** Outcome of one run of one variant. */
export interface OccRun {
  /** Writes that reached the server (successful and conflicting). */
  readonly calls: number;
  /** Virtual ms until the last client learned its write committed. */
  readonly time: number;
}

/** Retries are unbounded in the article; this is "never give up" in practice. */
const UNBOUNDED_ATTEMPTS = 1_000_000;

/**
 * The library strategy reproducing the article's sleep for `variant`.
 * Article: `expo(n) = min(cap, base * 2^n)` for the n-th failure (n from 1); ours:
 * `min(maxDelay, baseDelay * 2^(n-1))`, hence `baseDelay = 2 * base`. Decorrelated jitter in the
 * article is `min(cap, uniform(base, 3 * sleep))` with `sleep` starting at `base`; ours uses
 * `baseDelay` the same way, hence `baseDelay = base` for that variant.
 */
export function strategyFor(variant: Variant, params: OccParams, random: Random): ExponentialBackoffStrategy {
  const common = { maxAttempts: UNBOUNDED_ATTEMPTS, multiplier: 2, maxDelay: params.cap, random };
  switch (variant) {
    case 'no-jitter':
      return new ExponentialBackoffStrategy({ ...common, baseDelay: 2 * params.base, jitter: false });
    case 'full':
    case 'equal':
      return new ExponentialBackoffStrategy({ ...common, baseDelay: 2 * params.base, jitterType: variant });
    case 'decorrelated':
      return new ExponentialBackoffStrategy({ ...common, baseDelay: params.base, jitterType: 'decorrelated' });
  }
}

class Conflict extends Error {
  override name = 'Conflict';
}

/**
 * Run one study of `variant`: every client through `retryAsync` on one `VirtualClock`.
 * `seed` and `run` select the random streams (network and jitter draw from separate streams, and
 * every variant sees the same streams for the same run: common random numbers).
 */
export async function runOcc(variant: Variant, params: OccParams, seed: number, run: number): Promise<OccRun> {
  const clock = new VirtualClock();
  const net = mulberry32(mixSeed(seed, run, 1));
  const policy = new RetryPolicy({ strategy: strategyFor(variant, params, mulberry32(mixSeed(seed, run, 2))) });
  const hop = (): Promise<void> =>
    new Promise((resolve) => clock.setTimeout(resolve, Math.abs(normal(net, params.netMean, params.netSd))));
  let version = 0;
  let calls = 0;
  let time = 0;
  let done = 0;
  const client = async (): Promise<void> => {
    await hop(); // read request travels
    const read = version;
    await hop(); // read reply travels
    await hop(); // write request travels
    calls++;
    const committed = read === version;
    if (committed) version++;
    await hop(); // write reply travels
    if (!committed) throw new Conflict('version changed');
  };
  for (let i = 0; i < params.clients; i++) {
    void retryAsync(client, { policy, clock }).then(() => {
      done++;
      time = clock.now();
    });
  }
  // Fire timers in due order, letting every promise job run after each (one macrotask turn).
  while (clock.step()) await flush();
  await flush();
  if (done !== params.clients) throw new Error(`simulation ended with ${params.clients - done} clients unfinished`);
  return { calls, time };
}
