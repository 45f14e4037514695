/**
 * `classifyError`: what kind of failure a thrown value is, and whether trying again can help.
 * Errors are recognised structurally (codes, statuses, names, labels), so the errors of Node,
 * undici/fetch, axios, got, ky, pg, mysql, sqlite, MongoDB and Redis clients need no adapter.
 * Never throws, whatever it is given (throwing getters, Proxies, cyclic causes).
 */
import { hasBrand } from '../errors/retry-error.js';
import {
  AUTH_STATUSES,
  type CodeRule,
  DRIVER_MESSAGES,
  type ErrorCategory,
  FETCH_FAILURE_MESSAGES,
  MONGO_TRANSIENT_CODES,
  MONGO_TRANSIENT_LABELS,
  MYSQL_CODES,
  MYSQL_PREFIX,
  NAMES,
  NODE_SQLITE_CODE,
  POSTGRES_TRANSIENT_CLASSES,
  POSTGRES_TRANSIENT_SQLSTATES,
  PRISMA_CODES,
  PROGRAMMING_NAMES,
  REDIS_REPLY_NAMES,
  REDIS_TRANSIENT_PREFIXES,
  RULES,
  SQLITE_PREFIX,
  SQLITE_TRANSIENT_ERRCODES,
  SQLITE_TRANSIENT_PREFIXES,
  SQLSTATE_LETTER_PATTERN,
  SQLSTATE_PATTERN,
  SYSTEM_CODES,
  TRANSIENT_STATUSES,
  UNDICI_PREFIX,
} from './known-codes.js';
import { readSafely, retryAfterOf } from './retry-after.js';

export type { ErrorCategory } from './known-codes.js';
export { ERROR_CATEGORIES } from './known-codes.js';

/** The result of `classifyError`. */
export interface ErrorClassification {
  readonly category: ErrorCategory;
  /** Whether trying again can help. */
  readonly retryable: boolean;
  /** Server-given delay in ms (Retry-After, `retryAfter`), when there is one. */
  readonly retryAfter?: number;
}

/** Options of `classifyError`. */
export interface ClassifyOptions {
  /** Wall-clock ms that an HTTP-date `Retry-After` is measured from. @default Date.now() */
  now?: number;
}

const PRISMA_CODE = /^P\d{4}$/;

/** How deep `cause` chains are followed. */
const MAX_DEPTH = 8;
/** How many members of an `AggregateError` are looked at. */
const MAX_MEMBERS = 16;

interface Found {
  readonly rule: CodeRule;
  readonly source: object;
  readonly status?: number;
}

const get = readSafely;
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const brandOf = (value: unknown, name: string): boolean => {
  try {
    return hasBrand(value, `zenoo-retry.${name}`);
  } catch {
    return false;
  }
};
/** Constructor names along the prototype chain (libraries such as node-redis never set `name`). */
const ctorNames = (value: object): string[] => {
  const names: string[] = [];
  try {
    let proto: unknown = Object.getPrototypeOf(value);
    for (let i = 0; i < 6 && proto !== null && proto !== undefined; i++) {
      const n = str(get(get(proto, 'constructor'), 'name'));
      if (n !== undefined && n !== 'Error' && n !== 'Object') names.push(n);
      proto = Object.getPrototypeOf(proto);
    }
  } catch {
    // a Proxy with a throwing getPrototypeOf: no names
  }
  return names;
};
const rule = (category: ErrorCategory, retryable: boolean): CodeRule => ({ category, retryable });

/** An HTTP error status (400..599) from `status`, `statusCode`, `response.status(Code)` or AWS `$metadata`. */
function httpStatus(e: object): number | undefined {
  const response = get(e, 'response');
  for (const v of [
    get(e, 'status'),
    get(e, 'statusCode'),
    get(response, 'status'),
    get(response, 'statusCode'),
    get(get(e, '$metadata'), 'httpStatusCode'),
  ]) {
    if (typeof v === 'number' && Number.isInteger(v) && v >= 400 && v <= 599) return v;
  }
  return undefined;
}

/** 408/425 timeout, 429 rate-limit, 401/403/407 auth, other 4xx client, every 5xx server (retryable). */
export function ruleForStatus(status: number): CodeRule {
  if (status === 408 || status === 425) return RULES.TIMEOUT;
  if (status === 429) return rule('rate-limit', true);
  if (AUTH_STATUSES.includes(status)) return rule('auth', false);
  if (status < 500) return RULES.CLIENT;
  return rule('server', true);
}

/** The rule for a string `code`, or `undefined`. `pgLike`: letter-class SQLSTATEs count too. */
function ruleForCode(code: string, e: object | undefined, pgLike: boolean): CodeRule | undefined {
  if (Object.hasOwn(SYSTEM_CODES, code)) {
    // axios reports its own timeout as ECONNABORTED "timeout of 1000ms exceeded"
    if (code === 'ECONNABORTED' && /timeout/i.test(str(get(e, 'message')) ?? '')) return RULES.TIMEOUT;
    return SYSTEM_CODES[code];
  }
  if (Object.hasOwn(MYSQL_CODES, code)) return MYSQL_CODES[code];
  if (code.startsWith(MYSQL_PREFIX)) return RULES.DB_PERMANENT;
  if (code.startsWith(SQLITE_PREFIX)) {
    return SQLITE_TRANSIENT_PREFIXES.some((p) => code.startsWith(p)) ? RULES.DB_TRANSIENT : RULES.DB_PERMANENT;
  }
  if (code === NODE_SQLITE_CODE) {
    const errcode = get(e, 'errcode');
    return typeof errcode === 'number' && SQLITE_TRANSIENT_ERRCODES.includes(errcode & 0xff)
      ? RULES.DB_TRANSIENT
      : RULES.DB_PERMANENT;
  }
  if (Object.hasOwn(POSTGRES_TRANSIENT_SQLSTATES, code)) return POSTGRES_TRANSIENT_SQLSTATES[code];
  if (SQLSTATE_PATTERN.test(code) || (pgLike && SQLSTATE_LETTER_PATTERN.test(code))) {
    return POSTGRES_TRANSIENT_CLASSES.includes(code.slice(0, 2)) ? RULES.DB_TRANSIENT : RULES.DB_PERMANENT;
  }
  return undefined;
}

/** `DatabaseError` (ours) by its code: always 'database'; an unknown or absent code is transient. */
function ruleForDatabaseError(code: unknown): CodeRule {
  if (typeof code !== 'string') return RULES.DB_TRANSIENT;
  const r = PRISMA_CODE.test(code)
    ? Object.hasOwn(PRISMA_CODES, code)
      ? (PRISMA_CODES[code] as CodeRule)
      : RULES.DB_PERMANENT
    : ruleForCode(code, undefined, true);
  if (r === undefined) return RULES.DB_TRANSIENT;
  return r.category === 'database' ? r : rule('database', r.retryable && (r.category === 'network' || r.category === 'timeout'));
}

function ownClass(e: object, depth: number, seen: Set<unknown>): Found | undefined {
  const found = (r: CodeRule, status?: number): Found =>
    status === undefined ? { rule: r, source: e } : { rule: r, source: e, status };
  if (!brandOf(e, 'RetryError')) return undefined;
  if (brandOf(e, 'NonRetryableError')) return found(rule('unknown', false));
  if (brandOf(e, 'HTTPError')) {
    const status = get(e, 'status');
    return typeof status === 'number' ? found(ruleForStatus(status), status) : undefined;
  }
  if (brandOf(e, 'ConnectionError')) return found(RULES.NETWORK);
  if (brandOf(e, 'RequestTimeoutError')) return found(RULES.TIMEOUT);
  if (brandOf(e, 'DatabaseError')) return found(ruleForDatabaseError(get(e, 'code')));
  if (brandOf(e, 'ValidationError')) return found(rule('validation', false));
  if (brandOf(e, 'AuthenticationError')) return found(rule('auth', false));
  if (brandOf(e, 'RetryTimeoutError')) return found(rule('timeout', false));
  // The library's give-up errors: the inner call has already retried; retrying again multiplies attempts.
  if (brandOf(e, 'MaxRetriesExceededError') || brandOf(e, 'RetryBudgetExceededError')) {
    const inner = find(get(e, 'lastError'), depth + 1, seen);
    return found(rule(inner?.rule.category ?? 'unknown', false));
  }
  if (brandOf(e, 'CircuitOpenError') || brandOf(e, 'BulkRetryError')) return found(rule('unknown', false));
  return undefined; // a plain RetryError or a user's subclass: look at its shape
}

function mongo(e: object, name: string | undefined): CodeRule | undefined {
  const labels = get(e, 'errorLabels');
  if (Array.isArray(labels) && labels.some((l) => MONGO_TRANSIENT_LABELS.includes(l as string))) return RULES.DB_TRANSIENT;
  const has = get(e, 'hasErrorLabel');
  if (typeof has === 'function' && MONGO_TRANSIENT_LABELS.some((l) => (has as (l: string) => unknown).call(e, l) === true)) {
    return RULES.DB_TRANSIENT;
  }
  const code = get(e, 'code');
  if (name?.startsWith('Mongo') && typeof code === 'number') {
    return MONGO_TRANSIENT_CODES.includes(code) ? RULES.DB_TRANSIENT : RULES.DB_PERMANENT;
  }
  return undefined;
}

function redis(e: object, message: string | undefined, names: (string | undefined)[]): CodeRule | undefined {
  if (message !== undefined) {
    const word = /^[A-Z]+(?=\s|$)/.exec(message)?.[0];
    if (word !== undefined && REDIS_TRANSIENT_PREFIXES.includes(word)) return RULES.DB_TRANSIENT;
  }
  return names.some((n) => n !== undefined && REDIS_REPLY_NAMES.includes(n)) ? RULES.DB_PERMANENT : undefined;
}

/** The first classification found along `e`, its `cause` chain and `AggregateError` members. */
function find(e: unknown, depth: number, seen: Set<unknown>): Found | undefined {
  if (e === null || (typeof e !== 'object' && typeof e !== 'function')) return undefined;
  if (depth > MAX_DEPTH || seen.has(e)) return undefined;
  seen.add(e);
  const found = (r: CodeRule, status?: number): Found =>
    status === undefined ? { rule: r, source: e } : { rule: r, source: e, status };
  const own = ownClass(e, depth, seen);
  if (own !== undefined) return own;

  const name = str(get(e, 'name'));
  const names = [name, ...ctorNames(e)];
  const message = str(get(e, 'message'));
  const cause = (): Found | undefined => find(get(e, 'cause'), depth + 1, seen);

  // redis-errors' AbortError (ioredis: "Command aborted due to connection close", and its
  // MaxRetriesPerRequestError) is a lost connection, not the application's abort
  if (names.includes('RedisError') && (names.includes('AbortError') || names.includes('MaxRetriesPerRequestError'))) {
    return found(RULES.NETWORK);
  }
  if (names.includes('AbortError')) {
    // timers/promises & co. reject with an AbortError whose cause is AbortSignal.timeout's reason
    const inner = cause();
    return inner?.rule.category === 'timeout' ? inner : found(RULES.CANCELLED);
  }
  for (const n of names) if (n !== undefined && Object.hasOwn(NAMES, n)) return found(NAMES[n] as CodeRule);

  // AWS SDK v3: the service says whether it is worth retrying
  const awsRetryable = get(e, '$retryable');
  if (awsRetryable !== null && typeof awsRetryable === 'object') {
    return found(get(awsRetryable, 'throttling') === true ? RULES.RATE_LIMIT : rule('server', true), httpStatus(e));
  }

  const m = mongo(e, name);
  if (m !== undefined) return found(m);
  const code = get(e, 'code');
  if (name?.startsWith('PrismaClient')) {
    const p = str(code) ?? str(get(e, 'errorCode')); // InitializationError uses `errorCode`
    if (p !== undefined && PRISMA_CODE.test(p)) return found(Object.hasOwn(PRISMA_CODES, p) ? (PRISMA_CODES[p] as CodeRule) : RULES.DB_PERMANENT);
  }
  if (typeof code === 'string') {
    const pgLike = typeof get(e, 'severity') === 'string' || typeof get(e, 'routine') === 'string';
    const r = ruleForCode(code, e, pgLike);
    if (r !== undefined) return found(r);
  }
  const rd = redis(e, message, names);
  if (rd !== undefined) return found(rd);
  const status = httpStatus(e);
  if (status !== undefined) return found(ruleForStatus(status), status);
  if (typeof code === 'string' && code.startsWith(UNDICI_PREFIX)) return found(RULES.NETWORK);

  const programming = name !== undefined && PROGRAMMING_NAMES.includes(name);
  if (programming && message !== undefined && FETCH_FAILURE_MESSAGES.includes(message)) {
    // fetch's TypeError('fetch failed'): the network failed; the cause (if known) says how
    const inner = cause();
    // a network or timeout cause says how; a recognised permanent one (a header overflow, a bad
    // redirect URL, a certificate) fails the same way next time; anything else is the network
    return inner !== undefined && (inner.rule.category === 'network' || inner.rule.category === 'timeout' || !inner.rule.retryable)
      ? inner
      : found(RULES.NETWORK);
  }
  // A driver error without a code (pg's 'Connection terminated unexpectedly'): a plain Error, exact message
  if (name === 'Error' && code === undefined && message !== undefined && Object.hasOwn(DRIVER_MESSAGES, message)) {
    return found(DRIVER_MESSAGES[message] as CodeRule);
  }
  // A wrapper: its cause decides. A programming error defers only to a retryable cause.
  const inner = cause() ?? aggregate(e, depth, seen);
  if (inner !== undefined && (!programming || inner.rule.retryable)) return inner;
  if (programming) return found(RULES.PROGRAMMING);
  return undefined;
}

function aggregate(e: object, depth: number, seen: Set<unknown>): Found | undefined {
  const members = get(e, 'errors');
  if (!Array.isArray(members)) return undefined;
  for (let i = 0; i < Math.min(members.length, MAX_MEMBERS); i++) {
    const f = find(get(members, i), depth + 1, seen);
    if (f !== undefined) return f;
  }
  return undefined;
}

/** Own fields any rule reads: a plain `Error` without them is classified by its message alone. */
const RULE_FIELDS = ['name', 'code', 'errno', 'status', 'statusCode', 'response', 'cause', 'errors', 'errorLabels', 'hasErrorLabel', 'errorCode', 'severity', 'routine'] as const;

/**
 * The common case on the failure path, `new Error('…')` with nothing attached: only the
 * message rules (Redis reply prefixes, known driver messages) can apply. Answers `null` when the
 * error is not that plain (the full search runs).
 */
function plain(error: object): Found | undefined | null {
  if (Object.getPrototypeOf(error) !== Error.prototype) return null;
  for (const key of RULE_FIELDS) if (Object.hasOwn(error, key)) return null;
  const message = (error as Error).message;
  if (typeof message !== 'string') return null;
  const word = /^[A-Z]+(?=\s|$)/.exec(message)?.[0];
  if (word !== undefined && REDIS_TRANSIENT_PREFIXES.includes(word)) return { rule: RULES.DB_TRANSIENT, source: error };
  if (Object.hasOwn(DRIVER_MESSAGES, message)) return { rule: DRIVER_MESSAGES[message] as CodeRule, source: error };
  return undefined;
}

const detail = (error: unknown): Found | undefined => {
  try {
    if (error instanceof Error) {
      const fast = plain(error);
      if (fast !== null) return fast;
    }
    return find(error, 0, new Set());
  } catch {
    return undefined;
  }
};

/**
 * Classify a thrown value: `category`, whether it is `retryable`, and the server's
 * `retryAfter` (ms) when the error carries one. Unknown errors are `'unknown'` and retryable
 * (the default policy retries everything but permanent errors). See
 * docs/error-classification.md for the full table.
 *
 * @example
 * classifyError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
 * // { category: 'network', retryable: true }
 * classifyError(new RateLimitError(undefined, { retryAfter: 2000 }));
 * // { category: 'rate-limit', retryable: true, retryAfter: 2000 }
 * errors.map((e) => classifyError(e)); // (a second argument, if any, must be options)
 */
export function classifyError(error: unknown, options?: ClassifyOptions): ErrorClassification {
  const f = detail(error);
  const now = get(options, 'now');
  const nowMs = typeof now === 'number' && Number.isFinite(now) ? now : Date.now();
  const category = f?.rule.category ?? 'unknown';
  const retryable = f?.rule.retryable ?? true;
  let retryAfter: number | undefined;
  try {
    retryAfter = retryAfterOf(error, nowMs) ?? (f !== undefined && f.source !== error ? retryAfterOf(f.source, nowMs) : undefined);
  } catch {
    retryAfter = undefined;
  }
  return retryAfter === undefined ? { category, retryable } : { category, retryable, retryAfter };
}

/**
 * A *permanent* error: one that `classifyError` calls not retryable — programming errors
 * (`TypeError`, `RangeError`, `SyntaxError`, `ReferenceError`…), `ValidationError`,
 * `AuthenticationError`, HTTP 4xx other than 408/425/429, `NonRetryableError`, aborts, and
 * non-transient database codes (`23505`, `ER_DUP_ENTRY`…). `DefaultRetryPolicy` excludes them.
 * @example new RetryPolicy({ nonRetryableErrors: [isPermanentError] });
 */
export function isPermanentError(error: unknown): boolean {
  return detail(error)?.rule.retryable === false;
}

/** A retryable network failure (reset, refused, DNS, fetch failed…). @example retryableErrors: [isNetworkError] */
export function isNetworkError(error: unknown): boolean {
  const r = detail(error)?.rule;
  return r?.category === 'network' && r.retryable;
}

/** A retryable timeout (ETIMEDOUT, undici timeouts, `TimeoutError`, HTTP 408/425…). @example retryableErrors: [isTimeoutError] */
export function isTimeoutError(error: unknown): boolean {
  const r = detail(error)?.rule;
  return r?.category === 'timeout' && r.retryable;
}

/** An HTTP error with status 408, 425, 429, 500, 502, 503 or 504. @example retryableErrors: [isTransientHttpError] */
export function isTransientHttpError(error: unknown): boolean {
  const f = detail(error);
  return f?.status !== undefined && f.rule.retryable && TRANSIENT_STATUSES.includes(f.status);
}

/** A retryable database error (deadlock, serialization failure, lost connection, SQLITE_BUSY…). @example retryableErrors: [isTransientDatabaseError] */
export function isTransientDatabaseError(error: unknown): boolean {
  const r = detail(error)?.rule;
  return r?.category === 'database' && r.retryable;
}
