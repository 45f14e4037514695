/**
 * Error base class. Every library class carries its brand as a static string
 * (`static readonly zenooRetryBrand = 'zenoo-retry.<Name>'`) and inherits a
 * `static [Symbol.hasInstance]` that compares brands along the value's prototype chain, so
 * `instanceof` holds across the ESM and CJS copies of one install (the idea of undici's
 * `lib/core/errors.js`). Brands live in class bodies, not in top-level calls, so a bundler can
 * drop every error class an app does not use.
 */

type Ctor = { zenooRetryBrand?: string };

const ownBrand = (ctor: unknown): string | undefined =>
  (typeof ctor === 'function' || (typeof ctor === 'object' && ctor !== null)) && Object.hasOwn(ctor, 'zenooRetryBrand')
    ? (ctor as Ctor).zenooRetryBrand
    : undefined;

/** True when `value` was built by a class carrying `brand` (or a subclass of one), in any copy. */
export function hasBrand(value: unknown, brand: string): boolean {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
  // Fast "no": a branded instance's constructor has (or inherits) the static brand; a plain
  // Error's does not. (Read defensively: `constructor` may be anything on foreign objects.)
  try {
    const ctor = (value as { constructor?: unknown }).constructor;
    if (ctor === null || (typeof ctor !== 'function' && typeof ctor !== 'object')) return false;
    if (typeof (ctor as Ctor).zenooRetryBrand !== 'string') return false;
  } catch {
    return false;
  }
  for (let proto = Object.getPrototypeOf(value) as object | null, i = 0; proto !== null && i < 32; i++) {
    if (Object.hasOwn(proto, 'constructor') && ownBrand((proto as { constructor: unknown }).constructor) === brand) return true;
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  return false;
}

/**
 * Options every library and vocabulary error accepts (exported as `RetryErrorOptions`).
 * @example
 * throw new ConnectionError('upstream unreachable', { cause: err });
 */
export interface ErrorOptions {
  /** The error this one wraps. @default undefined */
  cause?: unknown;
}

const PREFIX = 'zenoo-retry.';

/**
 * Base of every error this library throws. `name` is the class name, `cause` is set when one
 * was given.
 */
export class RetryError extends Error {
  /** @internal The brand that makes `instanceof` work across copies of the library. */
  static readonly zenooRetryBrand: string = 'zenoo-retry.RetryError';

  static override [Symbol.hasInstance](this: Function, value: unknown): boolean {
    const brand = ownBrand(this);
    // A subclass declared by a user (no brand of its own): the ordinary prototype check.
    if (brand === undefined) return Function.prototype[Symbol.hasInstance].call(this, value);
    return hasBrand(value, brand);
  }

  constructor(message?: string, options?: ErrorOptions) {
    super(message ?? '', options !== undefined && 'cause' in options ? { cause: options.cause } : undefined);
    // The brand survives minification; a subclass declared by a user gets its own class name.
    const brand = ownBrand(new.target);
    const name = brand !== undefined ? brand.slice(PREFIX.length) : new.target.name;
    Object.defineProperty(this, 'name', { value: name, writable: true, configurable: true, enumerable: false });
  }
}
