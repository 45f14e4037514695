/**
 * Run a user hook so that it can never break a call: a throw is swallowed and a returned
 * rejection is caught. Returns the hook's promise (already made safe) when it returned one,
 * so that callers that must await a hook (`onRetry`) can.
 */
export function safeInvoke<A extends unknown[]>(
  fn: ((...args: A) => unknown) | undefined,
  thisArg: unknown,
  ...args: A
): Promise<void> | undefined {
  if (fn === undefined) return undefined;
  try {
    const out = fn.apply(thisArg, args) as { then?: unknown } | undefined;
    if (out !== null && typeof out === 'object' && typeof out.then === 'function') {
      return Promise.resolve(out as PromiseLike<unknown>).then(noop, noop);
    }
  } catch {
    // hooks never change the outcome of a call
  }
  return undefined;
}

export const noop = (): void => {};
