/**
 * The synchronous side of the `retry` wrapper. There is no second retry loop here: the one
 * executor (`retry-async.ts`) runs in synchronous mode, and this module only supplies the
 * blocking wait. A wait blocks the whole thread (`Atomics.wait`), which is what a script, a CLI
 * or a worker thread may want and what a server's main thread must never do.
 */
import type { Clock } from './clock.js';
import { executeMaybeSync } from './retry-async.js';
import type { AttemptContext } from './retry-async.js';
import type { Plan } from './options.js';

/**
 * A clock that can also wait synchronously. Give one to `retry` in tests (a virtual clock whose
 * `sleepSync` moves time) so that a synchronous retry never blocks for real.
 * @example
 * let t = 0;
 * const clock: SyncClock = {
 *   now: () => t,
 *   setTimeout: (fn, ms) => setTimeout(fn, ms),
 *   clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
 *   sleepSync: (ms) => { t += ms; },
 * };
 */
export interface SyncClock extends Clock {
  /** Block (or pretend to) for `ms` milliseconds. @default Atomics.wait on a private cell */
  sleepSync?(ms: number): void;
}

let cell: Int32Array | undefined;

/**
 * Block the current thread for `ms` milliseconds with `Atomics.wait` (no CPU used). Where
 * `Atomics.wait` is not allowed (a browser's main thread) or `SharedArrayBuffer` is missing
 * (a page without cross-origin isolation), it falls back to a busy wait on `Date.now()`.
 * @example blockFor(50); // the thread sleeps 50 ms
 */
export function blockFor(ms: number): void {
  if (!(ms > 0)) return;
  try {
    cell ??= new Int32Array(new SharedArrayBuffer(4));
    Atomics.wait(cell, 0, 0, ms);
    return;
  } catch {
    // Atomics.wait is refused on this thread: spin instead.
  }
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // busy wait: the only synchronous wait left
  }
}

/** The blocking wait a plan's clock provides (`clock.sleepSync`), else `blockFor`. */
export function sleeperFor(clock: Clock): (ms: number) => void {
  const sleepSync = (clock as SyncClock).sleepSync;
  return typeof sleepSync === 'function' ? (ms) => sleepSync.call(clock, ms) : blockFor;
}

/**
 * Run `fn` under `plan`, synchronously while it can: a function that returns (or throws)
 * synchronously gets its result (or its final error thrown) synchronously, its waits blocking;
 * the first thenable (from `fn`, or from an asynchronous breaker store) turns the call into the
 * asynchronous one and a Promise is returned. Same decision order as `retryAsync`, since it is
 * the same executor.
 * @internal
 */
export function executeSync<T>(
  plan: Plan,
  fn: (ctx: AttemptContext) => T,
  signal: AbortSignal | undefined,
  sleep: (ms: number) => void,
): T | Promise<Awaited<T>> {
  return executeMaybeSync(plan, fn, signal, sleep) as T | Promise<Awaited<T>>;
}
