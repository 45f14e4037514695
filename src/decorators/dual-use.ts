/**
 * One function, three ways in: a higher-order function (`asyncRetry(options)(fn)`), a TC39
 * standard method decorator (`@asyncRetry(options)`, TypeScript 5+, no experimentalDecorators),
 * and a legacy `experimentalDecorators` method decorator (NestJS and friends). The call shape
 * tells them apart at run time; the overloads below make a wrong use a compile error.
 */
import { describeValue } from '../core/validate.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- `any[]` is the only parameter list every method type is assignable to */
/**
 * Any method of `This` returning `R`: the shape a retry decorator accepts.
 * @example
 * type Fetcher = AnyMethod<UserService, Promise<User>>;
 */
export type AnyMethod<This, R> = (this: This, ...args: any[]) => R;
/**
 * Any function returning `R`: the shape a retry wrapper accepts.
 * @example
 * type AsyncFn = AnyFunction<Promise<unknown>>;
 */
export type AnyFunction<R> = (...args: any[]) => R;

/**
 * A retried function: the same `this` and parameters as the original, returning `Result`.
 * @example
 * const get = asyncRetry({ maxAttempts: 3 })((id: string) => fetchUser(id));
 * await get('42');
 * await get.withSignal(controller.signal)('42'); // this call also stops when the signal aborts
 */
export interface RetriedFunction<This, Args extends unknown[], Result> {
  (this: This, ...args: Args): Result;
  /**
   * The same function, whose calls also abort when `signal` aborts (together with the options'
   * `signal`, if any). The parameters do not change.
   * @example await fetchUser.withSignal(AbortSignal.timeout(5000))('42');
   */
  withSignal(signal: AbortSignal): (this: This, ...args: Args) => Result;
}

/*
 * The higher-order overloads declare `noContext?: undefined` so that TypeScript, which resolves a
 * decorator call with any arity, never picks them for a decorator (a getter returning a Promise
 * would otherwise pass as a "function").
 */

/**
 * What `asyncRetry(options)` (and every asynchronous preset) returns: wraps a function, or
 * decorates an `async` method (TC39 standard or legacy decorators). `Fallback` is the type a
 * call may resolve with instead of the function's own result (`retryWithFallback`).
 * @example const wrap: AsyncRetryWrapper = asyncRetry({ maxAttempts: 3 }); const get = wrap(fetchUser);
 */
export interface AsyncRetryWrapper<Fallback = never> {
  /**
   * Wrap `fn`: same `this` and parameters, a Promise of its (awaited) result.
   * @example const load = asyncRetry()(async (id: number) => db.load(id));
   */
  <This, Args extends unknown[], R>(
    fn: (this: This, ...args: Args) => R,
    noContext?: undefined,
  ): RetriedFunction<This, Args, Promise<Awaited<R> | Fallback>>;
  /**
   * TC39 standard method decorator: only methods returning a Promise qualify.
   * @example class Api { @asyncRetry({ maxAttempts: 3 }) async get() { … } }
   */
  <This, F extends AnyMethod<This, Promise<unknown>>>(
    value: F,
    context: ClassMethodDecoratorContext<This, F> & FallbackFits<F, Fallback>,
  ): F;
  /**
   * Legacy (`experimentalDecorators`) method decorator: replaces `descriptor.value`.
   * @example class Api { @asyncRetry() async get() { … } } // with experimentalDecorators
   */
  <F extends AnyFunction<Promise<unknown>>>(
    target: object,
    propertyKey: string | symbol,
    descriptor: TypedPropertyDescriptor<F> & FallbackFits<F, Fallback>,
  ): TypedPropertyDescriptor<F>;
}

/**
 * A decorated method must be able to return the fallback: `Fallback` must be assignable to
 * the method's awaited result, or the decorator does not type-check.
 * @example FallbackFits<() => Promise<string[]>, never[]>; // unknown (fits)
 */
export type FallbackFits<F, Fallback> = [Fallback] extends [F extends AnyFunction<infer R> ? Awaited<R> : never]
  ? unknown
  : { readonly 'the fallback value must be assignable to the method result': Fallback };

/**
 * `R` as `retry` returns it: a thenable result becomes a Promise, any other stays as it is.
 * @example SyncOrAsync<number | Promise<string>>; // number | Promise<string>
 */
export type SyncOrAsync<R> = R extends PromiseLike<unknown> ? Promise<Awaited<R>> : R;

/**
 * What `retry(options)` returns: like `AsyncRetryWrapper`, but a synchronous function or
 * method stays synchronous (its waits block the thread).
 * @example const parse = retry({ maxAttempts: 2 })((text: string) => JSON.parse(text)); // sync
 */
export interface RetryWrapper {
  /**
   * Wrap `fn`: same `this` and parameters; a sync result stays sync, a thenable becomes a Promise.
   * @example const read = retry({ maxAttempts: 3, delay: 10 })(() => fs.readFileSync(path, 'utf8'));
   */
  <This, Args extends unknown[], R>(
    fn: (this: This, ...args: Args) => R,
    noContext?: undefined,
  ): RetriedFunction<This, Args, SyncOrAsync<R>>;
  /**
   * TC39 standard method decorator, for synchronous and asynchronous methods.
   * @example class Config { @retry({ delay: 10 }) read() { … } }
   */
  <This, F extends AnyMethod<This, unknown>>(value: F, context: ClassMethodDecoratorContext<This, F>): F;
  /** Legacy (`experimentalDecorators`) method decorator: replaces `descriptor.value`. */
  <F extends AnyFunction<unknown>>(
    target: object,
    propertyKey: string | symbol,
    descriptor: TypedPropertyDescriptor<F>,
  ): TypedPropertyDescriptor<F>;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

type Wrap = (fn: (...args: unknown[]) => unknown, name: string) => (...args: unknown[]) => unknown;

const isObject = (v: unknown): v is object => v !== null && (typeof v === 'object' || typeof v === 'function');

/** A method's `name` as JavaScript gives it: `load`, `[load]` for `Symbol('load')`, `''` for `Symbol()`. */
const nameOf = (key: unknown, fallback: string): string =>
  typeof key === 'string'
    ? key
    : typeof key === 'symbol'
      ? key.description === undefined
        ? ''
        : `[${key.description}]`
      : fallback;

/** `class X {}` (a legacy class decorator is called with the class alone, like the higher-order use). */
const isClass = (fn: unknown): boolean => {
  try {
    // `class X {`, `class {`, `class X extends Y {` — not a method named `class` (`class () {}`)
    return typeof fn === 'function' && /^class(?:\s+[\w$]+)?(?:\s+extends\b[^{]*)?\s*\{/.test(Function.prototype.toString.call(fn));
  } catch {
    return false;
  }
};

/**
 * Build the dual-use function of wrapper `where`, whose `wrap(fn, name)` returns the retried
 * function. Dispatch on the call shape:
 * - `(fn)` → the wrapped function (higher-order use);
 * - `(fn, context)` with `context.kind === 'method'` → the replacement method (TC39);
 * - `(target, key, descriptor)` with a function `descriptor.value` → the descriptor (legacy);
 * - anything else (a field, getter, accessor, class, or a non-function) → TypeError.
 */
export function dualUse<W>(where: string, wrap: Wrap): W {
  function dual(this: unknown, a: unknown, b?: unknown, c?: unknown): unknown {
    if (typeof a === 'function' && b === undefined && c === undefined) {
      if (isClass(a)) {
        throw new TypeError(
          `${where}: only methods can be decorated or functions wrapped, not a class (\`${(a as { name?: string }).name || '(anonymous)'}\`)`,
        );
      }
      return wrap(a as (...args: unknown[]) => unknown, (a as { name?: string }).name ?? '');
    }
    if (isObject(b) && typeof (b as { kind?: unknown }).kind === 'string' && c === undefined) {
      const context = b as { kind: string; name?: unknown };
      if (context.kind !== 'method' || typeof a !== 'function') {
        throw new TypeError(
          `${where}: only methods can be decorated, not ${/^[aeiou]/.test(context.kind) ? 'an' : 'a'} ${context.kind} (\`${nameOf(context.name, '?')}\`)`,
        );
      }
      return wrap(a as (...args: unknown[]) => unknown, nameOf(context.name, (a as { name?: string }).name ?? ''));
    }
    if (isObject(a) && (typeof b === 'string' || typeof b === 'symbol') && isObject(c)) {
      const descriptor = c as PropertyDescriptor;
      if (typeof descriptor.value !== 'function') {
        throw new TypeError(
          `${where}: only methods can be decorated, \`${nameOf(b, '?')}\` is ${
            descriptor.get !== undefined || descriptor.set !== undefined ? 'an accessor' : describeValue(descriptor.value)
          }`,
        );
      }
      return { ...descriptor, value: wrap(descriptor.value as (...args: unknown[]) => unknown, nameOf(b, '')) };
    }
    if (isObject(a) && (typeof b === 'string' || typeof b === 'symbol') && c === undefined) {
      throw new TypeError(`${where}: only methods can be decorated, \`${nameOf(b, '?')}\` is a property`);
    }
    throw new TypeError(
      `${where}: expected a function to wrap or a method to decorate, got ${describeValue(a)}${
        b === undefined ? '' : ` and ${describeValue(b)}`
      }`,
    );
  }
  return dual as W;
}
