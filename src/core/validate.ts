/**
 * The one validation helper: every message names the option and the value received,
 * e.g. "RangeError: `multiplier` must be > 0, got -1".
 */

const show = (value: unknown): string => {
  try {
    return showUnsafe(value);
  } catch {
    return 'an unprintable value'; // a Proxy whose traps throw
  }
};

const showUnsafe = (value: unknown): string => {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (value === null || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `array(${value.length})`;
  try {
    return JSON.stringify(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
};

export interface NumberRule {
  /** Inclusive lower bound. */
  min?: number;
  /** Exclusive lower bound. */
  gt?: number;
  /** Inclusive upper bound. */
  max?: number;
  integer?: boolean;
  /** Allow `Infinity` (e.g. "no limit"). */
  allowInfinity?: boolean;
}

const describeRule = (rule: NumberRule): string => {
  const bounds: string[] = [];
  if (rule.gt !== undefined) bounds.push(`> ${rule.gt}`);
  if (rule.min !== undefined) bounds.push(`>= ${rule.min}`);
  if (rule.max !== undefined) bounds.push(`<= ${rule.max}`);
  const kind = rule.integer ? 'an integer' : 'a finite number';
  return bounds.length === 0 ? kind : `${kind} ${bounds.join(' and ')}`;
};

/** Throw a TypeError/RangeError unless `value` is a number obeying `rule`. Returns it. */
export function checkNumber(name: string, value: unknown, rule: NumberRule = {}): number {
  if (typeof value !== 'number') {
    throw new TypeError(`\`${name}\` must be ${describeRule(rule)}, got ${show(value)}`);
  }
  const ok =
    !Number.isNaN(value) &&
    (Number.isFinite(value) || (rule.allowInfinity === true && value === Infinity)) &&
    (!rule.integer || Number.isInteger(value) || value === Infinity) &&
    (rule.gt === undefined || value > rule.gt) &&
    (rule.min === undefined || value >= rule.min) &&
    (rule.max === undefined || value <= rule.max);
  if (!ok) throw new RangeError(`\`${name}\` must be ${describeRule(rule)}, got ${show(value)}`);
  return value;
}

/** Like `checkNumber` but `undefined` returns `fallback`. */
export function optNumber(
  name: string,
  value: unknown,
  fallback: number,
  rule: NumberRule = {},
): number {
  return value === undefined ? fallback : checkNumber(name, value, rule);
}

export function checkBoolean(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new TypeError(`\`${name}\` must be a boolean, got ${show(value)}`);
  return value;
}

export function checkFunction<F>(name: string, value: unknown): F | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') throw new TypeError(`\`${name}\` must be a function, got ${show(value)}`);
  return value as F;
}

export function checkOneOf<T extends string>(
  name: string,
  value: unknown,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new RangeError(
      `\`${name}\` must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${show(value)}`,
    );
  }
  return value as T;
}

export function checkObject(name: string, value: unknown): void {
  if (value !== undefined && (value === null || typeof value !== 'object')) {
    throw new TypeError(`\`${name}\` must be an object, got ${show(value)}`);
  }
}

/** Reject keys that are not in `known` (catches typos such as `maxAttempt`). */
export function checkKnownKeys(where: string, options: object, known: ReadonlySet<string>): void {
  for (const key of Object.keys(options)) {
    if (!known.has(key)) {
      throw new TypeError(`${where}: unknown option \`${key}\``);
    }
  }
}

export { show as describeValue };
