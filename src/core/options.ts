import { DefaultRetryPolicy } from '../policies/presets.js';
import { type ErrorMatcher, toPredicateList } from '../policies/matchers.js';
import { RetryPolicy } from '../policies/retry-policy.js';
import type { RetryEventListener } from '../observability/events.js';
import type { RetryStrategy, StrategyOverrides } from '../strategies/strategy.js';
import type { RetryAttempt } from './attempt.js';
import { type Clock, realClock } from './clock.js';
import type { BreakerGuard, BudgetGuard, MetricsSink } from './hooks.js';
import { checkFunction, checkNumber, describeValue } from './validate.js';

/**
 * Options of `retryAsync` and of every wrapper (`asyncRetry`, `retry`, presets …).
 * Every option is optional; `undefined` never wipes a default.
 */
export interface RetryOptions {
  /** Which errors, which strategy, how long. @default new DefaultRetryPolicy() */
  policy?: RetryPolicy | undefined;
  /** Replaces the policy's strategy. @default policy.strategy */
  strategy?: RetryStrategy | undefined;
  /** Every call counts, the first included. @default strategy.maxAttempts */
  maxAttempts?: number | undefined;
  /** The strategy's base delay in ms (`delay` for FixedDelayStrategy). @default strategy's */
  delay?: number | undefined;
  /** Exponential multiplier (only for ExponentialBackoffStrategy). @default strategy's */
  backoffMultiplier?: number | undefined;
  /** Cap on any single wait, in ms. @default strategy's */
  maxDelay?: number | undefined;
  /** Retry only errors matching one of these (overrides the policy's lists). */
  exceptions?: ErrorMatcher | readonly ErrorMatcher[] | undefined;
  /** When set, it alone decides whether an error is retried (a throw counts as "no"). */
  retryCondition?: ((error: unknown, attempt: RetryAttempt) => boolean) | undefined;
  /** Called before each wait with the failed attempt; awaited; its errors are ignored. */
  onRetry?: ((attempt: RetryAttempt) => unknown) | undefined;
  /** Total ms for the whole call, all attempts and waits. @default policy.timeout */
  timeout?: number | undefined;
  /** Ms one attempt may run before it fails with `RequestTimeoutError`. @default undefined */
  attemptTimeout?: number | undefined;
  /** Cancels everything at once; the call rejects with `signal.reason`. */
  signal?: AbortSignal | undefined;
  /** Guards each attempt. @default policy.circuitBreaker */
  circuitBreaker?: BreakerGuard | undefined;
  /** Records calls, attempts, latency. */
  metrics?: MetricsSink | undefined;
  /** Lifecycle callbacks (a `RetryEventHandler` or any object with some of its methods). */
  eventHandler?: RetryEventListener | undefined;
  /** Limits retries across every call that shares it. */
  budget?: BudgetGuard | undefined;
  /** Time source and timers. @default the real monotonic clock */
  clock?: Clock | undefined;
}

const OPTION_LIST: readonly string[] = [
  'policy', 'strategy', 'maxAttempts', 'delay', 'backoffMultiplier', 'maxDelay', 'exceptions',
  'retryCondition', 'onRetry', 'timeout', 'attemptTimeout', 'signal', 'circuitBreaker', 'metrics',
  'eventHandler', 'budget', 'clock',
];
export const RETRY_OPTION_KEYS: ReadonlySet<string> = /* @__PURE__ */ new Set(OPTION_LIST);

/** Everything the executor needs, resolved and validated once (at wrap time for wrappers). */
export interface Plan {
  readonly policy: RetryPolicy;
  readonly strategy: RetryStrategy;
  readonly maxAttempts: number;
  readonly exceptions: ((error: unknown) => boolean) | undefined;
  readonly retryCondition: ((error: unknown, attempt: RetryAttempt) => boolean) | undefined;
  readonly onRetry: ((attempt: RetryAttempt) => unknown) | undefined;
  /** Finite total timeout, or undefined. */
  readonly timeout: number | undefined;
  readonly attemptTimeout: number | undefined;
  readonly signal: AbortSignal | undefined;
  /** The options' breaker; the policy's is read at call time (it is assignable). */
  readonly breaker: BreakerGuard | undefined;
  readonly metrics: MetricsSink | undefined;
  readonly events: RetryEventListener | undefined;
  readonly budget: BudgetGuard | undefined;
  readonly clock: Clock;
  /** The strategy learns from outcomes (AdaptiveStrategy). */
  readonly adaptive: boolean;
  /** Nothing can end a call from outside and nothing watches attempts: the lean first attempt. */
  readonly lean: boolean;
  /** As `lean`, but with a total timeout: the guarded first attempt (one deadline entry). */
  readonly guarded: boolean;
  /** Some hook reads snapshots (elapsed time, events, metrics): the call records its start. */
  readonly timed: boolean;
}

const EMPTY: RetryOptions = Object.freeze({});

/** Reject unknown keys (typos such as `maxAttempt`), naming the key. */
function checkKeys(o: RetryOptions, where: string): void {
  for (const key in o) {
    if (!RETRY_OPTION_KEYS.has(key)) throw new TypeError(`${where}: unknown option \`${key}\``);
  }
}

let defaultPolicy: RetryPolicy | undefined;
/** The shared default policy (immutable in practice: nobody else holds it). */
const getDefaultPolicy = (): RetryPolicy => (defaultPolicy ??= new DefaultRetryPolicy());

type Overridable = RetryStrategy & { withOverrides?(o: StrategyOverrides): RetryStrategy };

interface Derived {
  readonly o: StrategyOverrides;
  readonly strategy: RetryStrategy;
}
/** The last strategy derived from each base: `retryAsync(fn, { delay: 0 })` in a loop derives once. */
const derivedCache = /* @__PURE__ */ new WeakMap<RetryStrategy, Derived>();

const sameOverrides = (a: StrategyOverrides, b: StrategyOverrides): boolean =>
  a.maxAttempts === b.maxAttempts && a.baseDelay === b.baseDelay && a.multiplier === b.multiplier && a.maxDelay === b.maxDelay;

const deriveStrategy = (base: RetryStrategy, o: StrategyOverrides): RetryStrategy => {
  const cached = derivedCache.get(base);
  if (cached !== undefined && sameOverrides(cached.o, o)) return cached.strategy;
  const s = base as Overridable;
  if (typeof s.withOverrides === 'function') {
    const strategy = s.withOverrides(o);
    // Strategies are immutable values (AdaptiveStrategy's derived views share its window),
    // so handing out the same derived one again is indistinguishable from deriving anew.
    derivedCache.set(base, { o, strategy });
    return strategy;
  }
  const names = Object.keys(o)
    .filter((k) => k !== 'maxAttempts')
    .map((k) => (k === 'baseDelay' ? 'delay' : k === 'multiplier' ? 'backoffMultiplier' : k));
  throw new TypeError(
    `\`${names.join('`, `')}\` cannot be applied to a custom strategy without withOverrides(); configure the strategy itself`,
  );
};

const isObject = (v: unknown): v is object => v !== null && typeof v === 'object';

function checkGuard(name: string, value: unknown, method: string): void {
  if (value !== undefined && (!isObject(value) || typeof (value as Record<string, unknown>)[method] !== 'function')) {
    throw new TypeError(`\`${name}\` must be an object with the method ${method}(), got ${describeValue(value)}`);
  }
}

/**
 * Validate `options` and resolve them into a plan. Throws RangeError/TypeError naming the
 * option and the value. Never mutates `options`, the policy or the strategy.
 */
export function compile(options: RetryOptions | undefined, where = 'retryAsync'): Plan {
  if (options !== undefined && !isObject(options)) {
    throw new TypeError(`${where}: options must be an object, got ${describeValue(options)}`);
  }
  const o: RetryOptions = options ?? EMPTY;
  checkKeys(o, where);
  const policy = o.policy ?? getDefaultPolicy();
  if (!(policy instanceof RetryPolicy)) {
    throw new TypeError(`\`policy\` must be a RetryPolicy, got ${describeValue(policy)}`);
  }
  let strategy = policy.strategy;
  if (o.strategy !== undefined) {
    if (!isObject(o.strategy) || typeof (o.strategy as RetryStrategy).getDelay !== 'function') {
      throw new TypeError(`\`strategy\` must be a RetryStrategy, got ${describeValue(o.strategy)}`);
    }
    strategy = o.strategy;
  }
  const maxAttempts =
    o.maxAttempts === undefined ? strategy.maxAttempts : checkNumber('maxAttempts', o.maxAttempts, { integer: true, min: 1 });
  if (o.delay !== undefined || o.backoffMultiplier !== undefined || o.maxDelay !== undefined) {
    const ov: StrategyOverrides = { maxAttempts };
    if (o.delay !== undefined) ov.baseDelay = checkNumber('delay', o.delay, { min: 0 });
    if (o.backoffMultiplier !== undefined) ov.multiplier = checkNumber('backoffMultiplier', o.backoffMultiplier, { gt: 0 });
    if (o.maxDelay !== undefined) ov.maxDelay = checkNumber('maxDelay', o.maxDelay, { min: 0 });
    strategy = deriveStrategy(strategy, ov);
  }
  let exceptions: ((error: unknown) => boolean) | undefined;
  if (o.exceptions !== undefined) {
    exceptions = toPredicateList(o.exceptions, 'exceptions') ?? (() => false);
  }
  const retryCondition = checkFunction<Plan['retryCondition']>('retryCondition', o.retryCondition) ?? policy.retryCondition;
  const onRetry = checkFunction<Plan['onRetry']>('onRetry', o.onRetry);
  let timeout = o.timeout === undefined ? policy.timeout : checkNumber('timeout', o.timeout, { gt: 0, allowInfinity: true });
  if (timeout === Infinity) timeout = undefined;
  let attemptTimeout =
    o.attemptTimeout === undefined ? undefined : checkNumber('attemptTimeout', o.attemptTimeout, { gt: 0, allowInfinity: true });
  if (attemptTimeout === Infinity) attemptTimeout = undefined;
  const signal = o.signal;
  if (signal !== undefined && (!isObject(signal) || typeof (signal as AbortSignal).addEventListener !== 'function')) {
    throw new TypeError(`\`signal\` must be an AbortSignal, got ${describeValue(signal)}`);
  }
  checkGuard('circuitBreaker', o.circuitBreaker, 'acquirePermit');
  checkGuard('metrics', o.metrics, 'recordCall');
  checkGuard('budget', o.budget, 'tryAcquireRetry');
  if (o.eventHandler !== undefined && !isObject(o.eventHandler)) {
    throw new TypeError(`\`eventHandler\` must be an object, got ${describeValue(o.eventHandler)}`);
  }
  const clock = o.clock ?? realClock;
  if (clock !== realClock) checkGuard('clock', clock, 'setTimeout');
  const metrics = o.metrics;
  const events = o.eventHandler;
  const timed =
    metrics !== undefined || events !== undefined || onRetry !== undefined || retryCondition !== undefined;
  const adaptive = typeof (strategy as { recordOutcome?: unknown }).recordOutcome === 'function';
  return {
    policy,
    strategy,
    maxAttempts,
    exceptions,
    retryCondition,
    onRetry,
    timeout,
    attemptTimeout,
    signal,
    breaker: o.circuitBreaker,
    metrics,
    events,
    budget: o.budget,
    clock,
    adaptive,
    timed,
    lean: timeout === undefined && attemptTimeout === undefined && o.circuitBreaker === undefined && !timed && !adaptive,
    guarded: timeout !== undefined && attemptTimeout === undefined && o.circuitBreaker === undefined && !timed && !adaptive,
  };
}

/**
 * `retryAsync(fn, { maxAttempts: 3 })` in a loop passes a new options object with the same
 * values on every call. A plan made from plain values is kept per policy (weakly: it goes with
 * the policy) with those values, and reused while a call's options have the very same ones —
 * so such a call skips validation and the plan's allocation. Only options made of numbers and
 * the policy qualify: a call that brings objects of its own (signal, hooks, strategy, breaker,
 * clock…) is compiled afresh, so nothing a settled call was given stays reachable from here.
 */
interface Memo {
  readonly maxAttempts: number | undefined;
  readonly delay: number | undefined;
  readonly backoffMultiplier: number | undefined;
  readonly maxDelay: number | undefined;
  readonly timeout: number | undefined;
  readonly attemptTimeout: number | undefined;
  /** The policy's fields the plan was made from (JavaScript callers can reassign them). */
  readonly strategy: RetryStrategy;
  /** The strategy's own maxAttempts (a custom strategy may change it). */
  readonly strategyMaxAttempts: number;
  readonly policyTimeout: number | undefined;
  readonly retryCondition: RetryPolicy['retryCondition'];
  readonly plan: Plan;
}
const memos = /* @__PURE__ */ new WeakMap<RetryPolicy, Memo>();

/** Only numbers (or nothing) besides `policy`. */
const plainValues = (o: RetryOptions): boolean =>
  o.strategy === undefined &&
  o.exceptions === undefined &&
  o.retryCondition === undefined &&
  o.onRetry === undefined &&
  o.signal === undefined &&
  o.circuitBreaker === undefined &&
  o.metrics === undefined &&
  o.eventHandler === undefined &&
  o.budget === undefined &&
  o.clock === undefined;

/** `compile(options)` for `retryAsync`, reusing the plan of the previous call with the same plain values. */
export function compileCall(options: RetryOptions | undefined): Plan {
  if (options === null) return compile(options); // a TypeError, as always
  const o = options ?? EMPTY;
  if (typeof o !== 'object' || !plainValues(o)) return compile(options);
  if (o.policy !== undefined && !(o.policy instanceof RetryPolicy)) return compile(options);
  const policy = o.policy ?? getDefaultPolicy();
  const m = memos.get(policy);
  if (
    m !== undefined &&
    m.maxAttempts === o.maxAttempts &&
    m.delay === o.delay &&
    m.timeout === o.timeout &&
    m.attemptTimeout === o.attemptTimeout &&
    m.maxDelay === o.maxDelay &&
    m.backoffMultiplier === o.backoffMultiplier &&
    m.strategy === policy.strategy &&
    m.strategyMaxAttempts === policy.strategy.maxAttempts &&
    m.policyTimeout === policy.timeout &&
    m.retryCondition === policy.retryCondition
  ) {
    checkKeys(o, 'retryAsync');
    return m.plan;
  }
  const plan = compile(options);
  if (plan.policy === policy) {
    memos.set(policy, {
      maxAttempts: o.maxAttempts,
      delay: o.delay,
      backoffMultiplier: o.backoffMultiplier,
      maxDelay: o.maxDelay,
      timeout: o.timeout,
      attemptTimeout: o.attemptTimeout,
      strategy: policy.strategy,
      strategyMaxAttempts: policy.strategy.maxAttempts,
      policyTimeout: policy.timeout,
      retryCondition: policy.retryCondition,
      plan,
    });
  }
  return plan;
}
