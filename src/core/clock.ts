/**
 * Time as the library sees it. Every component that waits or measures takes a `Clock`,
 * so tests and the simulator run in virtual time without patching globals.
 */
export interface Clock {
  /** Monotonic milliseconds (any origin). */
  now(): number;
  /** Schedule `fn` after `ms` milliseconds; returns a handle for `clearTimeout`. */
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Largest delay a JS timer honours; larger values fire at once in Node (2^31 - 1). */
export const MAX_TIMER_DELAY = 2_147_483_647;

/** Clamp a delay to what `setTimeout` can express. */
export const clampDelay = (ms: number): number =>
  ms > MAX_TIMER_DELAY ? MAX_TIMER_DELAY : ms > 0 ? ms : 0;

type WithPerformance = { performance?: { now(): number } };
const g = globalThis as WithPerformance;
/** `performance` is read at call time: fake timers (vitest, sinon) replace the global object. */
const hasPerf = typeof g.performance?.now === 'function';

/**
 * The real clock: `performance.now()` (falls back to `Date.now()`) and the global timers,
 * looked up at call time so that fake timers installed after import still apply.
 */
export const realClock: Clock = /* @__PURE__ */ Object.freeze({
  now: hasPerf ? () => (g.performance as { now(): number }).now() : () => Date.now(),
  setTimeout: (fn: () => void, ms: number): unknown => setTimeout(fn, clampDelay(ms)),
  clearTimeout: (handle: unknown): void => clearTimeout(handle as ReturnType<typeof setTimeout>),
});

/** Let a timer not keep the process alive, where the runtime supports it (Node, Bun, Deno). */
export function unrefTimer(handle: unknown): void {
  const h = handle as { unref?: () => void } | null;
  if (h !== null && typeof h === 'object' && typeof h.unref === 'function') h.unref();
}
