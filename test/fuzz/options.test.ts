/**
 * Fuzzing of options (issue 8): every numeric option of every public constructor and wrapper
 * (and of the methods that take options: strategy.with()/delays(), policy.with()),
 * fed negative, zero, NaN, ±Infinity, huge, non-integer and non-number values, must throw a
 * RangeError/TypeError naming the option — at construction or wrap time — never be accepted
 * silently. Each option's rule (bounds, integer, Infinity allowed) is written down here from
 * SPEC.md and the JSDoc; a fast-check property then feeds arbitrary values and checks that
 * exactly the values the rule admits are accepted.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AdaptiveStrategy,
  AdvancedCircuitBreaker,
  type AdvancedCircuitBreakerOptions,
  AggressiveRetryPolicy,
  asyncRetry,
  BulkRetryManager,
  CircuitBreaker,
  DatabaseRetryPolicy,
  databaseRetry,
  DefaultRetryPolicy,
  ExponentialBackoffStrategy,
  FixedDelayStrategy,
  HTTPError,
  LinearBackoffStrategy,
  NetworkRetryPolicy,
  networkRetry,
  QuickRetryPolicy,
  quickRetry,
  RateLimitError,
  RetryBudget,
  RetryPolicy,
  retry,
  retryAsync,
  retryWithFallback,
  retryWithTimeout,
} from '../../src/index.js';

/** What an option admits (mirrors the validation rule): bounds, integer, Infinity. */
interface Rule {
  min?: number; // inclusive
  gt?: number; // exclusive
  max?: number; // inclusive
  integer?: boolean;
  infinity?: boolean; // +Infinity allowed ("no limit")
  /** A value that must be accepted (control: the option is really read). @default 1 */
  ok?: number;
}

const COUNT: Rule = { integer: true, min: 1 }; // attempts, thresholds, concurrency…
const MS: Rule = { min: 0 }; // delays: 0 allowed
const POSITIVE_MS: Rule = { gt: 0 }; // durations that must be > 0
const TOTAL_MS: Rule = { gt: 0, infinity: true }; // timeouts: Infinity = none
const RATE: Rule = { gt: 0, max: 1, ok: 0.5 }; // failure-rate thresholds
const FRACTION: Rule = { min: 0, max: 1, ok: 0.5 };
const MULTIPLIER: Rule = { gt: 0, ok: 2 };

/** Does `rule` admit `value`? (the oracle) */
function admits(rule: Rule, value: unknown): boolean {
  if (typeof value !== 'number' || Number.isNaN(value)) return false;
  if (value === Infinity) return rule.infinity === true;
  if (!Number.isFinite(value)) return false;
  if (rule.integer && !Number.isInteger(value)) return false;
  if (rule.min !== undefined && value < rule.min) return false;
  if (rule.gt !== undefined && value <= rule.gt) return false;
  if (rule.max !== undefined && value > rule.max) return false;
  return true;
}

/** The issue's bad values, kept where the rule rejects them, plus a fraction for integer options. */
const CANDIDATES: readonly unknown[] = [-1, 0, Number.NaN, Infinity, -Infinity, 1e308, 1.5, '1', null, {}, true];
const badValues = (rule: Rule): unknown[] => CANDIDATES.filter((v) => !admits(rule, v));

type Make = (value: unknown) => unknown;
interface Case {
  target: string;
  option: string;
  rule: Rule;
  make: Make;
}
const cases: Case[] = [];
const targets = new Set<string>();

/** Register `options` of `target`, each built by `make(option, value)`. */
function add(target: string, options: Record<string, Rule>, make: (option: string, value: unknown) => unknown): void {
  targets.add(target);
  for (const [option, rule] of Object.entries(options)) cases.push({ target, option, rule, make: (v) => make(option, v) });
}

const fn = async () => 1;
const RETRY_OPTIONS: Record<string, Rule> = {
  maxAttempts: COUNT,
  delay: MS,
  backoffMultiplier: MULTIPLIER,
  maxDelay: MS,
  timeout: TOTAL_MS,
  attemptTimeout: TOTAL_MS,
};
const PRESET_WRAPPER_OPTIONS: Record<string, Rule> = {
  maxAttempts: COUNT,
  baseDelay: MS,
  backoffMultiplier: MULTIPLIER,
  maxDelay: MS,
  timeout: TOTAL_MS,
  attemptTimeout: TOTAL_MS,
};

// --- strategies (constructor, and the with() that derives a copy) -----------------------------
const STRATEGIES = {
  ExponentialBackoffStrategy: [ExponentialBackoffStrategy, { maxAttempts: COUNT, baseDelay: MS, multiplier: MULTIPLIER, maxDelay: MS }],
  LinearBackoffStrategy: [LinearBackoffStrategy, { maxAttempts: COUNT, baseDelay: MS, increment: MS, maxDelay: MS }],
  FixedDelayStrategy: [FixedDelayStrategy, { maxAttempts: COUNT, delay: MS }],
  AdaptiveStrategy: [
    AdaptiveStrategy,
    {
      maxAttempts: COUNT,
      baseDelay: MS,
      maxDelay: MS,
      successThreshold: FRACTION,
      adaptationWindow: { integer: true, min: 10, max: 1_000_000, ok: 100 }, // >= minSamples (10)
      minSamples: { integer: true, min: 1, max: 100 }, // <= adaptationWindow (100)
    },
  ],
} as const;
for (const [name, [Ctor, options]] of Object.entries(STRATEGIES)) {
  const C = Ctor as new (o: object) => { with(o: object): unknown };
  add(name, options, (o, v) => new C({ [o]: v }));
  // A derived AdaptiveStrategy shares its outcome window: with() keeps adaptationWindow as it is.
  const derived = name === 'AdaptiveStrategy' ? { ...options, adaptationWindow: { integer: true, min: 100, max: 100, ok: 100 } } : options;
  add(`${name}#with`, derived, (o, v) => new C({}).with({ [o]: v }));
  add(`${name}#delays`, { count: { integer: true, min: 0, infinity: true } }, (o, v) =>
    (new C({}) as unknown as { delays(o: object): unknown }).delays({ [o]: v }),
  );
}

// --- policies ------------------------------------------------------------------------------------
add('RetryPolicy', { timeout: TOTAL_MS }, (o, v) => new RetryPolicy({ [o]: v }));
add('RetryPolicy#with', { timeout: TOTAL_MS }, (o, v) => new RetryPolicy().with({ [o]: v }));
for (const [name, P] of Object.entries({
  DefaultRetryPolicy,
  NetworkRetryPolicy,
  DatabaseRetryPolicy,
  QuickRetryPolicy,
  AggressiveRetryPolicy,
})) {
  add(name, { timeout: TOTAL_MS }, (o, v) => new P({ [o]: v }));
  add(`${name}#with`, { timeout: TOTAL_MS }, (o, v) => new P().with({ [o]: v }));
}

// --- executor and wrappers (all validate at call/wrap time) -------------------------------------
add('retryAsync', RETRY_OPTIONS, (o, v) => {
  void retryAsync(fn, { [o]: v }).catch(() => {});
});
add('asyncRetry', RETRY_OPTIONS, (o, v) => asyncRetry({ [o]: v }));
add('retry', RETRY_OPTIONS, (o, v) => retry({ [o]: v }));
add('retryWithFallback', RETRY_OPTIONS, (o, v) => retryWithFallback({ [o]: v, fallbackValue: 0 }));
add('networkRetry', PRESET_WRAPPER_OPTIONS, (o, v) => networkRetry({ [o]: v }));
add('databaseRetry', PRESET_WRAPPER_OPTIONS, (o, v) => databaseRetry({ [o]: v }));
add('quickRetry', PRESET_WRAPPER_OPTIONS, (o, v) => quickRetry({ [o]: v }));
add(
  'retryWithTimeout',
  {
    totalTimeout: { gt: 0, ok: 1000 },
    maxAttempts: COUNT,
    baseDelay: MS,
    backoffMultiplier: MULTIPLIER,
    maxDelay: MS,
    attemptTimeout: TOTAL_MS,
  },
  (o, v) => retryWithTimeout({ totalTimeout: 1000, [o]: v }),
);

// --- breakers -----------------------------------------------------------------------------------
add('CircuitBreaker', { failureThreshold: COUNT, recoveryTimeout: POSITIVE_MS }, (o, v) => new CircuitBreaker({ [o]: v }));
add(
  'AdvancedCircuitBreaker',
  {
    failureThreshold: COUNT,
    recoveryTimeout: POSITIVE_MS,
    halfOpenMaxCalls: COUNT,
    successThreshold: COUNT,
    failureRateThreshold: RATE,
    minimumThroughput: { integer: true, min: 1, max: 100 }, // <= the count window's size (100)
  },
  (o, v) =>
    new AdvancedCircuitBreaker((o === 'minimumThroughput' ? { failureRateThreshold: 0.5, [o]: v } : { [o]: v }) as AdvancedCircuitBreakerOptions),
);
add(
  'AdvancedCircuitBreaker (rate mode)',
  { slowCallDuration: POSITIVE_MS, slowCallRateThreshold: RATE },
  (o, v) => new AdvancedCircuitBreaker({ slowCallDuration: 1000, slowCallRateThreshold: 0.5, [o]: v }),
);
add(
  'AdvancedCircuitBreaker (count window)',
  // A count window keeps one slot per call: its size is bounded so it cannot exhaust memory.
  { 'slidingWindow.size': { integer: true, min: 1, max: 1_000_000, ok: 100 } }, // the default minimumThroughput shrinks to fit
  (_, v) => new AdvancedCircuitBreaker({ failureRateThreshold: 0.5, slidingWindow: { type: 'count', size: v as number } }),
);
add(
  'AdvancedCircuitBreaker (time window)',
  { 'slidingWindow.size': { gt: 0, ok: 10_000 } },
  (_, v) => new AdvancedCircuitBreaker({ failureRateThreshold: 0.5, slidingWindow: { type: 'time', size: v as number } }),
);

// --- budget, bulk, errors -------------------------------------------------------------------------
add(
  'RetryBudget',
  { ratio: { min: 0, max: 1000, ok: 0.1 }, minRetriesPerSecond: { min: 0 }, window: POSITIVE_MS },
  (o, v) => new RetryBudget({ [o]: v }),
);
add(
  'BulkRetryManager',
  {
    maxAttempts: COUNT,
    baseDelay: MS,
    delay: MS, // alias of baseDelay
    partialSuccessThreshold: FRACTION,
    concurrency: { integer: true, min: 1, infinity: true },
    backoffMultiplier: MULTIPLIER,
    maxDelay: MS,
    timeout: TOTAL_MS,
    attemptTimeout: TOTAL_MS,
  },
  (o, v) => new BulkRetryManager({ [o]: v }),
);
add('HTTPError', { status: { integer: true, min: 100, max: 599, ok: 503 }, retryAfter: MS }, (o, v) =>
  o === 'status' ? new HTTPError(v as number) : new HTTPError(503, 'x', { [o]: v as number }),
);
add('RateLimitError', { retryAfter: MS }, (o, v) => new RateLimitError('x', { [o]: v as number }));

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : v === null ? 'null' : typeof v === 'object' ? JSON.stringify(v) : String(v));
const names = (option: string, message: string): boolean => message.includes(`\`${option}\``) || message.includes(option);

/** What happens when `make(value)` runs: 'accepted', or a problem described for the report. */
function verdict(c: Case, value: unknown): 'accepted' | 'rejected' | string {
  try {
    c.make(value);
    return 'accepted';
  } catch (error) {
    if (!(error instanceof RangeError || error instanceof TypeError)) return `threw ${String(error)} (not a RangeError/TypeError)`;
    if (!names(c.option, error.message)) return `threw ${error.name}: "${error.message}" (does not name \`${c.option}\`)`;
    return 'rejected';
  }
}

/**
 * Gaps found by this file and reported to their owners. Their tests are `it.fails`: they pass
 * while the gap is there and fail once it is fixed — then delete the entry.
 */
const KNOWN_GAPS: ReadonlyMap<string, string> = new Map<string, string>([
  // none left: the count window's size cap and BulkRetryManager's null/`baseDelay` checks were fixed
]);

let checkedValues = 0;
afterAll(() => {
  const derived = cases.filter((c) => c.target.includes('#')).length;
  const roots = new Set([...targets].map((t) => t.split(/[ #]/)[0]));
  console.info(
    `[fuzz] ${cases.length} numeric options fuzzed (${cases.length - derived} of ${roots.size} public constructors/wrappers, ` +
      `${derived} of methods: strategy.with()/delays(), policy.with()); ${checkedValues} bad values checked (+ 60 fast-check runs per option); known gaps: ${KNOWN_GAPS.size}`,
  );
});

describe.each(cases.map((c) => [`${c.target} · ${c.option}`, c] as const))('%s', (key, c) => {
  const gap = KNOWN_GAPS.get(key);
  const strict = gap === undefined ? it : it.fails;
  strict(`rejects every bad value with a RangeError/TypeError naming the option${gap ? ` — KNOWN GAP: ${gap}` : ''}`, () => {
    const problems: string[] = [];
    for (const value of badValues(c.rule)) {
      checkedValues++;
      const v = verdict(c, value);
      if (v === 'accepted') problems.push(`${show(value)} → accepted silently`);
      else if (v !== 'rejected') problems.push(`${show(value)} → ${v}`);
    }
    expect(problems).toEqual([]);
  });

  it('accepts a valid value (the option is really read)', () => {
    expect(verdict(c, c.rule.ok ?? 1)).toBe('accepted');
  });

  // Under a known gap the property may or may not draw the bad value: skipped, not flaky.
  (gap === undefined ? it : it.skip)('property: a value is accepted exactly when the rule admits it, else rejected naming the option', () => {
    const value = fc.oneof(
      fc.double(),
      fc.integer({ min: -5, max: 2_000_000 }),
      fc.constantFrom(0, 1, -0, 0.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER, Number.MIN_VALUE, Infinity, -Infinity, Number.NaN),
      fc.anything().filter((v) => v !== undefined),
    );
    fc.assert(
      fc.property(value, (v) => {
        const got = verdict(c, v);
        const expected = admits(c.rule, v) ? 'accepted' : 'rejected';
        if (got !== expected) throw new Error(`${show(v)}: expected ${expected}, got ${got}`);
      }),
      { numRuns: 60 },
    );
  });
});
