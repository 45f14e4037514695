import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as lib from '../src/index.js';

const readme = readFileSync(resolve(import.meta.dirname, '../README.md'), 'utf8');

/** Rows of the README's "Defaults" table: component, option, value (parsed from code literals). */
function defaultsTable(): Array<[string, string, unknown]> {
  const section = readme.slice(readme.indexOf('### Defaults'), readme.indexOf('### Everything else'));
  const rows = [...section.matchAll(/^\| `(\w+)` \| `(\w+)` \| `([^`]+)` \|$/gm)];
  return rows.map(([, component, option, literal]) => [
    component!,
    option!,
    literal!.startsWith("'") ? literal!.slice(1, -1) : JSON.parse(literal!),
  ]);
}

const CODE: Record<string, Record<string, unknown>> = {
  ExponentialBackoffStrategy: lib.EXPONENTIAL_DEFAULTS,
  LinearBackoffStrategy: lib.LINEAR_DEFAULTS,
  FixedDelayStrategy: lib.FIXED_DEFAULTS,
  AdaptiveStrategy: lib.ADAPTIVE_DEFAULTS,
  ...(lib.PRESETS as unknown as Record<string, Record<string, unknown>>),
  CircuitBreaker: lib.CIRCUIT_BREAKER_DEFAULTS,
  AdvancedCircuitBreaker: lib.ADVANCED_CIRCUIT_BREAKER_DEFAULTS,
  RetryBudget: lib.RETRY_BUDGET_DEFAULTS,
  BulkRetryManager: lib.BULK_DEFAULTS,
};

describe("the README's defaults table", () => {
  const rows = defaultsTable();

  it('has rows for every component', () => {
    expect(new Set(rows.map(([c]) => c))).toEqual(new Set(Object.keys(CODE)));
  });

  it.each(rows)('%s %s is %o in the code', (component, option, value) => {
    expect(CODE[component]).toBeDefined();
    expect(CODE[component]![option]).toEqual(value);
  });

  it('matches what a default-built object really uses', () => {
    const s = new lib.ExponentialBackoffStrategy();
    expect([s.maxAttempts, s.baseDelay, s.multiplier, s.maxDelay]).toEqual([3, 1000, 2, 60000]);
    expect(new lib.DefaultRetryPolicy().timeout).toBe(60000);
  });
});
