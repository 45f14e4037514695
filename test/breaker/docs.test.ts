import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { markdownTable, unquote } from '../helpers/markdown.js';
import { ADVANCED_CIRCUIT_BREAKER_DEFAULTS } from '../../src/breaker/advanced-circuit-breaker.js';
import { CIRCUIT_BREAKER_DEFAULTS } from '../../src/breaker/circuit-breaker.js';

const page = readFileSync(new URL('../../docs/circuit-breakers.md', import.meta.url), 'utf8');

/** Rows (option → default cell) of the first `| option | default | meaning |` table after `## heading`. */
const optionTable = (heading: string): Map<string, string> =>
  new Map(markdownTable(page, `## ${heading}`, 'option | default | meaning').map(([option, value]) => [unquote(option), value ?? '']));

/** How a default is written in the docs: `5`, `undefined`, `{ type: 'count', size: 100 }`. */
const format = (value: unknown): string => {
  if (typeof value === 'string') return `'${value}'`;
  if (value !== null && typeof value === 'object') {
    return `{ ${Object.entries(value).map(([k, v]) => `${k}: ${format(v)}`).join(', ')} }`;
  }
  return String(value);
};

describe('docs/circuit-breakers.md', () => {
  it.each([
    ['`CircuitBreaker`', CIRCUIT_BREAKER_DEFAULTS],
    ['`AdvancedCircuitBreaker`', ADVANCED_CIRCUIT_BREAKER_DEFAULTS],
  ])('the %s options table states every default of the code', (heading, defaults) => {
    const rows = optionTable(heading);
    for (const [option, value] of Object.entries(defaults)) {
      expect(rows.get(option), `default of ${option}`).toBe(`\`${format(value)}\``);
    }
    expect([...rows.keys()].sort()).toEqual([...Object.keys(defaults), 'clock', 'store'].sort());
  });

  it('shows the measured bench table, not a placeholder', () => {
    expect(page).not.toContain('BENCH_TABLE');
    expect(page).toMatch(/\| cockatiel ConsecutiveBreaker\(5\) \| [\d.]+ \| \+[\d.]+ \|/);
  });
});
