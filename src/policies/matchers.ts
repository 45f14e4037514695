import { describeValue } from '../core/validate.js';

/** An error class (matched with `instanceof`) or a predicate. */
// biome-ignore lint: `any` is what constructor types need here
export type ErrorMatcher = (new (...args: any[]) => unknown) | ((error: unknown) => boolean);

type Predicate = (error: unknown) => boolean;

const isClass = (fn: Function): boolean => {
  const proto = (fn as { prototype?: unknown }).prototype;
  if (proto === undefined || proto === null) return false; // arrow functions, bound functions
  if (fn === Error || proto instanceof Error) return true; // Error and its subclasses, native or not
  // `class X {}` that does not extend Error (people throw plain objects too)
  return /^class[\s{]/.test(Function.prototype.toString.call(fn));
};

/**
 * Turn a matcher into a predicate, once, at wrap time: classes become `instanceof` checks,
 * functions are called as predicates (a predicate that throws counts as "no match").
 */
export function toPredicate(matcher: ErrorMatcher, optionName = 'matcher'): Predicate {
  if (typeof matcher !== 'function') {
    throw new TypeError(
      `\`${optionName}\` must be an error class or a predicate (error) => boolean, got ${describeValue(matcher)}`,
    );
  }
  if (isClass(matcher)) {
    const cls = matcher as new (...args: unknown[]) => unknown;
    return (error) => {
      try {
        return error instanceof cls;
      } catch {
        return false; // a Proxy (or a hasInstance) that throws is no match
      }
    };
  }
  const fn = matcher as Predicate;
  return (error) => {
    try {
      return fn(error) === true;
    } catch {
      return false;
    }
  };
}

/** Normalise one matcher or a list of them into one predicate (`undefined` for none). */
export function toPredicateList(
  matchers: ErrorMatcher | readonly ErrorMatcher[] | undefined,
  optionName: string,
): Predicate | undefined {
  if (matchers === undefined) return undefined;
  const list = Array.isArray(matchers) ? (matchers as readonly ErrorMatcher[]) : [matchers as ErrorMatcher];
  const preds = list.map((m, i) => toPredicate(m, `${optionName}[${i}]`));
  if (preds.length === 0) return undefined;
  if (preds.length === 1) return preds[0];
  return (error) => {
    for (const p of preds) if (p(error)) return true;
    return false;
  };
}

const field = (error: unknown, key: string): unknown =>
  error !== null && typeof error === 'object' ? (error as Record<string, unknown>)[key] : undefined;

/**
 * Matches errors whose `code` (Node system errors, pg SQLSTATE, MySQL, Redis…) or `errno`
 * is one of `codes`; also looks one level into `cause` (fetch wraps network errors).
 * @example exceptions: [byCode('ECONNRESET', '40001')]
 */
export function byCode(...codes: (string | number)[]): (error: unknown) => boolean {
  const set = new Set(codes.map(String));
  const hit = (e: unknown): boolean => {
    const code = field(e, 'code');
    if ((typeof code === 'string' || typeof code === 'number') && set.has(String(code))) return true;
    const errno = field(e, 'errno');
    return typeof errno === 'string' && set.has(errno);
  };
  return (error) => hit(error) || hit(field(error, 'cause'));
}

/** Reads an HTTP status from `status`, `statusCode` or `response.status(Code)`. */
export function statusOf(error: unknown): number | undefined {
  for (const v of [
    field(error, 'status'),
    field(error, 'statusCode'),
    field(field(error, 'response'), 'status'),
    field(field(error, 'response'), 'statusCode'),
  ]) {
    if (typeof v === 'number' && Number.isInteger(v) && v >= 100 && v <= 599) return v;
  }
  return undefined;
}

/**
 * Matches HTTP errors by status (from `status`, `statusCode` or `response.status`, so errors
 * of fetch wrappers, axios, got and ky all work). A range may be given as `'5xx'`.
 * @example exceptions: [byStatus(429, 503, '5xx')]
 */
export function byStatus(...statuses: (number | `${1 | 2 | 3 | 4 | 5}xx`)[]): (error: unknown) => boolean {
  const exact = new Set<number>();
  const classes = new Set<number>();
  for (const s of statuses) {
    if (typeof s === 'number') exact.add(s);
    else if (/^[1-5]xx$/.test(s)) classes.add(Number(s[0]));
    else throw new TypeError(`\`byStatus\` takes status numbers or 'Nxx' ranges, got ${describeValue(s)}`);
  }
  return (error) => {
    const status = statusOf(error);
    return status !== undefined && (exact.has(status) || classes.has(Math.floor(status / 100)));
  };
}

/**
 * Matches errors by `name` (works across realms and copies of a library, where `instanceof`
 * does not).
 * @example exceptions: [byName('AbortError', 'TimeoutError')]
 */
export function byName(...names: string[]): (error: unknown) => boolean {
  const set = new Set(names);
  return (error) => {
    const name = field(error, 'name');
    return typeof name === 'string' && set.has(name);
  };
}
