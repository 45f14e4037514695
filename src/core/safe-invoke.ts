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

/**
 * Call `target[method](arg)` as `safeInvoke` does, reading the method inside the guard too: a
 * hook object with a throwing getter (or a Proxy) cannot break a call either. Absent or
 * non-function members are skipped.
 */
export function safeHook(target: object | undefined, method: string, arg?: unknown): Promise<void> | undefined {
  if (target === undefined) return undefined;
  let fn: unknown;
  try {
    fn = (target as Record<string, unknown>)[method];
  } catch {
    return undefined;
  }
  return typeof fn === 'function' ? safeInvoke(fn as (a: unknown) => unknown, target, arg) : undefined;
}

/**
 * The budget's answer to "may this call retry?". A budget that throws is ignored (the retry
 * goes ahead), as a throwing breaker is: a guard never breaks a call.
 */
export function budgetAllows(budget: { tryAcquireRetry(): boolean }): boolean {
  try {
    return budget.tryAcquireRetry() !== false;
  } catch {
    return true;
  }
}
