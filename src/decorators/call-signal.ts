/**
 * Per-call cancellation for retried functions and decorated methods, without changing their
 * parameters: `wrapped.withSignal(signal)(...args)`, or `withSignal(signal, () => obj.method())`
 * for a decorated method. A call that gets such a signal also keeps the options' `signal`: the
 * two are joined, and the join's listeners are removed when the call settles.
 */
import { checkFunction, describeValue } from '../core/validate.js';

/**
 * The signal handed by `withSignal(signal, fn)` to the next retried call made while `fn` runs
 * synchronously. A retried call takes it (clearing it), so nested calls do not inherit it.
 * @internal
 */
export const ambient: { signal: AbortSignal | undefined; taken: boolean } = { signal: undefined, taken: false };

const isThenable = (v: unknown): v is Promise<unknown> =>
  v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as { then?: unknown }).then === 'function';

/** Throw a TypeError unless `signal` looks like an AbortSignal. @internal */
export function checkSignal(where: string, signal: unknown): asserts signal is AbortSignal {
  if (
    signal === null ||
    typeof signal !== 'object' ||
    typeof (signal as AbortSignal).addEventListener !== 'function' ||
    typeof (signal as AbortSignal).aborted !== 'boolean'
  ) {
    throw new TypeError(`${where}: \`signal\` must be an AbortSignal, got ${describeValue(signal)}`);
  }
}

const noop = (): void => {};

/**
 * One signal that aborts when `a` or `b` aborts (with that signal's reason), and a `dispose`
 * that removes the listeners it added. Listeners are used rather than `AbortSignal.any`, so that
 * a long-lived options signal does not collect one dependant per call, and so that it runs
 * where `AbortSignal.any` is missing (Node < 20.3, older browsers).
 */
export function joinSignals(a: AbortSignal, b: AbortSignal): { signal: AbortSignal; dispose: () => void } {
  if (a === b || a.aborted) return { signal: a, dispose: noop };
  if (b.aborted) return { signal: b, dispose: noop };
  const controller = new AbortController();
  const onA = (): void => controller.abort(a.reason);
  const onB = (): void => controller.abort(b.reason);
  a.addEventListener('abort', onA, { once: true });
  b.addEventListener('abort', onB, { once: true });
  const dispose = (): void => {
    a.removeEventListener('abort', onA);
    b.removeEventListener('abort', onB);
  };
  controller.signal.addEventListener('abort', dispose, { once: true });
  return { signal: controller.signal, dispose };
}

/**
 * Run `start(signal)` with `extra` joined to the options' `base` signal; the join is disposed
 * when the result settles (a Promise) or at once (a synchronous result or throw).
 * @internal
 */
export function withExtraSignal<R>(base: AbortSignal | undefined, extra: AbortSignal, start: (signal: AbortSignal) => R): R {
  if (base === undefined) return start(extra);
  const { signal, dispose } = joinSignals(base, extra);
  if (dispose === noop) return start(signal);
  let out: R;
  try {
    out = start(signal);
  } catch (error) {
    dispose();
    throw error;
  }
  if (isThenable(out)) return out.finally(dispose) as R;
  dispose();
  return out;
}

/**
 * Call `fn` so that the first retried function (a wrapper's result or a decorated method) it
 * calls synchronously also aborts when `signal` aborts. Returns what `fn` returns. It is the
 * way to give a decorated method a per-call signal without changing its parameters.
 *
 * Throws a TypeError when `fn` made no retried call synchronously (e.g. only after an `await`),
 * since the signal would otherwise be silently ignored.
 * @example
 * class Api { @asyncRetry({ maxAttempts: 5 }) async get(id: string) { … } }
 * const controller = new AbortController();
 * const user = await withSignal(controller.signal, () => api.get('42'));
 */
export function withSignal<R>(signal: AbortSignal, fn: () => R): R {
  checkSignal('withSignal', signal);
  checkFunction('fn', fn);
  const outer = ambient.signal;
  const outerTaken = ambient.taken;
  ambient.signal = signal;
  ambient.taken = false;
  let taken = false;
  let out: R;
  try {
    out = fn();
  } finally {
    taken = ambient.taken;
    ambient.signal = outer;
    ambient.taken = outerTaken;
  }
  if (!taken) {
    throw new TypeError(
      'withSignal: `fn` made no call of a retried function or decorated method before returning; call it directly, e.g. withSignal(signal, () => api.get(id))',
    );
  }
  return out;
}
