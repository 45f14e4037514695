import { describe, expect, it } from 'vitest';
import { snapshot } from '../../src/core/attempt.js';
import { HTTPError, NonRetryableError, RateLimitError, ValidationError } from '../../src/errors/vocabulary.js';
import {
  AggressiveRetryPolicy,
  DatabaseRetryPolicy,
  DefaultRetryPolicy,
  NetworkRetryPolicy,
  PRESETS,
  QuickRetryPolicy,
} from '../../src/policies/presets.js';
import { RetryPolicy } from '../../src/policies/retry-policy.js';
import { ExponentialBackoffStrategy } from '../../src/strategies/exponential.js';
import * as S from '../classify/shapes.js';

const attempt = snapshot(1, 3, undefined, 0, 0, 0);
const classes = {
  DefaultRetryPolicy,
  NetworkRetryPolicy,
  DatabaseRetryPolicy,
  QuickRetryPolicy,
  AggressiveRetryPolicy,
} as const;

describe('PRESETS', () => {
  it('holds the SPEC §2 values, in ms', () => {
    expect(PRESETS).toEqual({
      DefaultRetryPolicy: { maxAttempts: 3, baseDelay: 1000, multiplier: 2, maxDelay: 60000, jitter: true, timeout: 60000 },
      NetworkRetryPolicy: { maxAttempts: 5, baseDelay: 2000, multiplier: 2, maxDelay: 60000, jitter: true, timeout: 120000 },
      DatabaseRetryPolicy: { maxAttempts: 3, baseDelay: 2000, multiplier: 1.5, maxDelay: 60000, jitter: true, timeout: 180000 },
      QuickRetryPolicy: { maxAttempts: 2, baseDelay: 100, multiplier: 2, maxDelay: 1000, jitter: false, timeout: 5000 },
      AggressiveRetryPolicy: { maxAttempts: 10, baseDelay: 500, multiplier: 1.2, maxDelay: 60000, jitter: true, timeout: 300000 },
    });
  });

  it('is frozen, entries included', () => {
    expect(Object.isFrozen(PRESETS)).toBe(true);
    for (const v of Object.values(PRESETS)) expect(Object.isFrozen(v)).toBe(true);
  });
});

describe('preset classes', () => {
  for (const [name, Cls] of Object.entries(classes)) {
    const values = PRESETS[name as keyof typeof PRESETS];
    it(`${name} is a RetryPolicy whose exponential strategy and timeout come from PRESETS`, () => {
      const p = new Cls();
      expect(p).toBeInstanceOf(RetryPolicy);
      expect(p).toBeInstanceOf(Cls);
      expect(p.strategy).toBeInstanceOf(ExponentialBackoffStrategy);
      const s = p.strategy as ExponentialBackoffStrategy;
      expect({ maxAttempts: s.maxAttempts, baseDelay: s.baseDelay, multiplier: s.multiplier, maxDelay: s.maxDelay }).toEqual({
        maxAttempts: values.maxAttempts,
        baseDelay: values.baseDelay,
        multiplier: values.multiplier,
        maxDelay: values.maxDelay,
      });
      expect(p.timeout).toBe(values.timeout);
      expect(p.circuitBreaker).toBeUndefined();
    });
  }

  it('QuickRetryPolicy does not jitter: its schedule is exactly 100 (one retry)', () => {
    const s = new QuickRetryPolicy().strategy as ExponentialBackoffStrategy;
    expect([...s.delays()]).toEqual([100]);
    expect([...s.delays({ count: 5 })]).toEqual([100, 200, 400, 800, 1000]);
  });

  it('the jittered presets stay within their un-jittered schedule', () => {
    const s = new NetworkRetryPolicy().strategy as ExponentialBackoffStrategy;
    const max = [2000, 4000, 8000, 16000];
    [...s.delays()].forEach((d, i) => {
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(max[i] as number);
    });
  });

  it('constructor overrides replace preset values; undefined keeps them', () => {
    const strategy = new ExponentialBackoffStrategy({ maxAttempts: 7 });
    const p = new NetworkRetryPolicy({ timeout: 5000, strategy });
    expect(p.timeout).toBe(5000);
    expect(p.strategy).toBe(strategy);
    expect(new NetworkRetryPolicy({ timeout: undefined }).timeout).toBe(120_000);
    const custom = new DefaultRetryPolicy({ retryableErrors: [HTTPError] });
    expect(custom.isRetryable(new HTTPError(503), attempt)).toBe(true);
    expect(custom.isRetryable(new Error('x'), attempt)).toBe(false);
    expect(custom.isRetryable(new HTTPError(404), attempt)).toBe(false); // nonRetryableErrors still wins
  });

  it('constructor overrides are validated like RetryPolicy options', () => {
    expect(() => new DefaultRetryPolicy({ timeout: -1 })).toThrow(RangeError);
    expect(() => new DefaultRetryPolicy({ maxAttempts: 3 } as never)).toThrow(/unknown option `maxAttempts`/);
    expect(() => new DefaultRetryPolicy(null as never)).toThrow(TypeError);
  });

  it('with() derives a policy of the same class and leaves the original unchanged', () => {
    const a = new DatabaseRetryPolicy();
    const b = a.with({ timeout: 1000 });
    expect(b).toBeInstanceOf(DatabaseRetryPolicy);
    expect(b).not.toBe(a);
    expect(b.timeout).toBe(1000);
    expect(a.timeout).toBe(180_000);
    expect(b.strategy).toBe(a.strategy);
    expect(b.isRetryable(S.pgError('40001'), attempt)).toBe(true);
  });

  it('circuitBreaker can be assigned after construction', () => {
    const p = new DefaultRetryPolicy();
    const breaker = { acquirePermit: () => true } as never;
    p.circuitBreaker = breaker;
    expect(p.circuitBreaker).toBe(breaker);
    expect(new DefaultRetryPolicy().circuitBreaker).toBeUndefined();
  });
});

describe('preset decisions (isRetryable)', () => {
  const cases: [string, unknown, Record<keyof typeof classes, boolean>][] = [
    ['ECONNRESET', S.systemError('ECONNRESET'), { DefaultRetryPolicy: true, NetworkRetryPolicy: true, DatabaseRetryPolicy: true, QuickRetryPolicy: true, AggressiveRetryPolicy: true }],
    ['fetch failed', S.fetchFailed(S.systemError('ECONNREFUSED')), { DefaultRetryPolicy: true, NetworkRetryPolicy: true, DatabaseRetryPolicy: true, QuickRetryPolicy: true, AggressiveRetryPolicy: true }],
    ['TimeoutError', new DOMException('t', 'TimeoutError'), { DefaultRetryPolicy: true, NetworkRetryPolicy: true, DatabaseRetryPolicy: true, QuickRetryPolicy: true, AggressiveRetryPolicy: true }],
    ['HTTP 503', new HTTPError(503), { DefaultRetryPolicy: true, NetworkRetryPolicy: true, DatabaseRetryPolicy: false, QuickRetryPolicy: true, AggressiveRetryPolicy: true }],
    ['HTTP 429', new RateLimitError(), { DefaultRetryPolicy: true, NetworkRetryPolicy: true, DatabaseRetryPolicy: false, QuickRetryPolicy: true, AggressiveRetryPolicy: true }],
    ['HTTP 507', new HTTPError(507), { DefaultRetryPolicy: true, NetworkRetryPolicy: false, DatabaseRetryPolicy: false, QuickRetryPolicy: true, AggressiveRetryPolicy: false }],
    ['HTTP 404', new HTTPError(404), { DefaultRetryPolicy: false, NetworkRetryPolicy: false, DatabaseRetryPolicy: false, QuickRetryPolicy: false, AggressiveRetryPolicy: false }],
    ['pg 40001', S.pgError('40001'), { DefaultRetryPolicy: true, NetworkRetryPolicy: false, DatabaseRetryPolicy: true, QuickRetryPolicy: true, AggressiveRetryPolicy: true }],
    ['pg 23505', S.pgError('23505'), { DefaultRetryPolicy: false, NetworkRetryPolicy: false, DatabaseRetryPolicy: false, QuickRetryPolicy: false, AggressiveRetryPolicy: false }],
    ['plain Error', new Error('?'), { DefaultRetryPolicy: true, NetworkRetryPolicy: false, DatabaseRetryPolicy: false, QuickRetryPolicy: true, AggressiveRetryPolicy: false }],
    ['TypeError', new TypeError('bug'), { DefaultRetryPolicy: false, NetworkRetryPolicy: false, DatabaseRetryPolicy: false, QuickRetryPolicy: false, AggressiveRetryPolicy: false }],
    ['ValidationError', new ValidationError(), { DefaultRetryPolicy: false, NetworkRetryPolicy: false, DatabaseRetryPolicy: false, QuickRetryPolicy: false, AggressiveRetryPolicy: false }],
    ['NonRetryableError(ECONNRESET)', new NonRetryableError('stop', { cause: S.systemError('ECONNRESET') }), { DefaultRetryPolicy: false, NetworkRetryPolicy: false, DatabaseRetryPolicy: false, QuickRetryPolicy: false, AggressiveRetryPolicy: false }],
    ['AbortError', new DOMException('a', 'AbortError'), { DefaultRetryPolicy: false, NetworkRetryPolicy: false, DatabaseRetryPolicy: false, QuickRetryPolicy: false, AggressiveRetryPolicy: false }],
  ];
  for (const [label, error, expected] of cases) {
    it(`${label}: ${Object.entries(expected).map(([k, v]) => `${k.replace('RetryPolicy', '')} ${v ? 'retries' : 'stops'}`).join(', ')}`, () => {
      for (const [name, Cls] of Object.entries(classes)) {
        expect(new Cls().isRetryable(error, attempt), name).toBe(expected[name as keyof typeof classes]);
      }
    });
  }
});

describe('docs/policies.md', () => {
  it("renders the PRESETS table exactly (the presets' values cannot drift from the docs)", async () => {
    const { readFile } = await import('node:fs/promises');
    const md = await readFile(new URL('../../docs/policies.md', import.meta.url), 'utf8');
    const rows = new Map<string, string[]>();
    for (const line of md.split('\n')) {
      const m = /^\| `(\w+RetryPolicy)` \| (\d+) \| (\d+) \| ([\d.]+) \| (\d+) \| (true|false) \| (\d+) \|/.exec(line);
      if (m) rows.set(m[1] as string, m.slice(2, 8));
    }
    expect([...rows.keys()].sort()).toEqual(Object.keys(PRESETS).sort());
    for (const [name, v] of Object.entries(PRESETS)) {
      expect(rows.get(name), name).toEqual(
        [v.maxAttempts, v.baseDelay, v.multiplier, v.maxDelay, v.jitter, v.timeout].map(String),
      );
    }
  });
});
