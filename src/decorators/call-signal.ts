/**
 * Per-call cancellation for retried functions and decorated methods, without changing their
 * parameters: `wrapped.withSignal(signal)(...args)`, or `withSignal(signal, () => obj.method())`
 * for a decorated method. A call that gets such a signal also keeps the options' `signal`: the
 * two are joined, and the join's listeners are removed when the call settles.
 */
import { subscribe, unsubscribe } from '../core/abort-registry.js';
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
 * that unsubscribes it. It subscribes through the abort registry (one listener per signal
 * however many calls share it), rather than `AbortSignal.any`, so that a long-lived options
 * signal neither collects one dependant nor one listener per call in flight, and so that it runs
 * where `AbortSignal.any` is missing (Node < 20.3, older browsers).
 */
export function joinSignals(a: AbortSignal, b: AbortSignal): { signal: AbortSignal; dispose: () => void } {
  if (a === b || a.aborted) return { signal: a, dispose: noop };
  if (b.aborted) return { signal: b, dispose: noop };
  const controller = new AbortController();
  const dispose = (): void => {
    unsubscribe(a, subscriber);
    unsubscribe(b, subscriber);
  };
  const subscriber = {
    onSignalAbort(reason: unknown): void {
      dispose();
      controller.abort(reason);
    },
  };
  subscribe(a, subscriber);
  subscribe(b, subscriber);
  return { signal: controller.signal, dispose };
}

/**
 * `signal`, joined with the signal of an enclosing `withSignal(outer, …)` that no retried call
 * has taken yet (which this call then takes): nested helpers that add their own signal keep the
 * caller's. `dispose` ends the join.
 * @internal
 */
export function takeAmbient(signal: AbortSignal): { signal: AbortSignal; dispose: () => void } {
  const outer = ambient.signal;
  if (outer === undefined) return { signal, dispose: noop };
  ambient.signal = undefined;
  ambient.taken = true;
  return joinSignals(outer, signal);
}

/** Dispose `dispose` when `out` settles (a thenable) or now. @internal */
export function disposeAfter<R>(out: R, dispose: () => void): R {
  if (dispose === noop) return out;
  if (isThenable(out)) {
    // any thenable (not every one has `finally`)
    return (out as PromiseLike<unknown>).then(
      (value) => {
        dispose();
        return value;
      },
      (error: unknown) => {
        dispose();
        throw error;
      },
    ) as R;
  }
  dispose();
  return out;
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
  return disposeAfter(out, dispose);
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
  // Inside another withSignal whose signal is still pending (a helper adding its own deadline):
  // the call made here carries both, and the outer one counts as taken.
  const joined = outer === undefined ? undefined : joinSignals(outer, signal);
  ambient.signal = joined === undefined ? signal : joined.signal;
  ambient.taken = false;
  let taken = false;
  let out: R;
  try {
    out = fn();
  } catch (error) {
    joined?.dispose();
    throw error;
  } finally {
    taken = ambient.taken;
    ambient.signal = taken ? undefined : outer;
    ambient.taken = outerTaken || taken;
  }
  if (!taken) {
    joined?.dispose();
    // `fn` may have started work that rejects later: do not turn that into an unhandled rejection
    if (isThenable(out)) out.then(noop, noop);
    throw new TypeError(
      'withSignal: `fn` made no call of a retried function or decorated method before returning; call it directly, e.g. withSignal(signal, () => api.get(id))',
    );
  }
  return joined === undefined ? out : disposeAfter(out, joined.dispose);
}
