import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { markdownTable, unquote } from '../helpers/markdown.js';
import { RETRY_OPTION_KEYS } from '../../src/core/options.js';
import { WRAPPER_DEFAULTS } from '../../src/decorators/presets-wrappers.js';
import { PRESETS } from '../../src/policies/presets.js';

const page = readFileSync(new URL('../../docs/decorators.md', import.meta.url), 'utf8');

const table = (heading: string, first: string): string[][] => markdownTable(page, heading, first).map((row) => row.map(unquote));

describe('docs/decorators.md agrees with the code', () => {
  it('the presets table lists the WRAPPER_DEFAULTS (and PRESETS) values', () => {
    const rows = table('## Presets', 'wrapper');
    const names = ['networkRetry', 'databaseRetry', 'quickRetry'] as const;
    expect(rows.map((r) => r[0])).toEqual([...names]);
    for (const row of rows) {
      const name = row[0] as (typeof names)[number];
      const d = WRAPPER_DEFAULTS[name];
      const p = PRESETS[d.policy as keyof typeof PRESETS];
      const [, policy, , maxAttempts, baseDelay, multiplier, maxDelay, jitter, timeout] = row;
      expect({ policy, maxAttempts: Number(maxAttempts), baseDelay: Number(baseDelay), maxDelay: Number(maxDelay), timeout: Number(timeout) }).toEqual({
        policy: d.policy,
        maxAttempts: d.maxAttempts,
        baseDelay: d.baseDelay,
        maxDelay: d.maxDelay,
        timeout: d.timeout,
      });
      expect(Number(multiplier)).toBe(p.multiplier);
      expect(jitter === 'none').toBe(!p.jitter);
    }
  });

  it('the asyncRetry options table lists every RetryOptions key', () => {
    const rows = table('## `asyncRetry(options?)`', 'option');
    expect(rows.map((r) => r[0]).sort()).toEqual([...RETRY_OPTION_KEYS].sort());
  });

  it('retryWithTimeout documents the defaults it uses', () => {
    expect(page).toContain(`\`maxAttempts\` (default ${WRAPPER_DEFAULTS.retryWithTimeout.maxAttempts})`);
    expect(page).toContain(`\`baseDelay\` (default ${WRAPPER_DEFAULTS.retryWithTimeout.baseDelay})`);
  });
});
