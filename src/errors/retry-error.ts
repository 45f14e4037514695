/**
 * Error base classes. Each class is branded with `Symbol.for('zenoo-retry.<Name>')` and has a
 * `static [Symbol.hasInstance]`, so `instanceof` holds across the ESM and CJS copies of one
 * install (the pattern of undici's `lib/core/errors.js`).
 */

const BRANDS = Symbol.for('zenoo-retry.brands');

type Branded = { [BRANDS]?: ReadonlySet<string> };

/** `instanceof` by brand: true when `value` was built by `cls` or a subclass, in any copy. */
export function hasBrand(value: unknown, brand: string): boolean {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
  const brands = (value as Branded)[BRANDS];
  return brands !== undefined && brands.has(brand);
}

/**
 * Give `cls` a brand and an `instanceof` that recognises every copy of it. Subclasses of a
 * branded class must call this too (the base class's check would otherwise be inherited and
 * answer for the base brand).
 */
export function brand(cls: abstract new (...args: never[]) => unknown, name: string): void {
  const key = `zenoo-retry.${name}`;
  const proto = cls.prototype as Branded;
  const parent = Object.getPrototypeOf(proto) as Branded | null;
  const inherited = parent?.[BRANDS];
  const set = new Set(inherited);
  set.add(key);
  Object.defineProperty(proto, BRANDS, { value: set, enumerable: false });
  Object.defineProperty(cls, Symbol.hasInstance, {
    value(this: unknown, instance: unknown): boolean {
      // Subclasses declared by users inherit this; fall back to the prototype chain for them.
      if (this !== cls) return Function.prototype[Symbol.hasInstance].call(this, instance);
      return hasBrand(instance, key);
    },
  });
  Object.defineProperty(proto, 'name', {
    value: name,
    writable: true,
    configurable: true,
    enumerable: false,
  });
}

/** Options every library and vocabulary error accepts. */
export interface ErrorOptions {
  cause?: unknown;
}

/**
 * Base of every error this library throws. `name` is the class name, `cause` is set when one
 * was given.
 */
export class RetryError extends Error {
  constructor(message?: string, options?: ErrorOptions) {
    super(message ?? '', options !== undefined && 'cause' in options ? { cause: options.cause } : undefined);
    // `name` from the prototype when `brand` set it there (survives minification); a subclass
    // declared by a user (not branded) gets its own class name, as with a plain Error subclass.
    const proto = new.target.prototype as { name?: string };
    const name = (Object.hasOwn(proto, 'name') ? proto.name : undefined) ?? new.target.name;
    Object.defineProperty(this, 'name', { value: name, writable: true, configurable: true, enumerable: false });
  }
}
brand(RetryError, 'RetryError');
