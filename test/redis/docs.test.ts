import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { markdownTable, unquote } from '../helpers/markdown.js';
import { REDIS_STORE_DEFAULTS } from '../../src/redis/options.js';

const page = readFileSync(new URL('../../docs/distributed.md', import.meta.url), 'utf8');

describe('docs/distributed.md', () => {
  it('the options table lists exactly REDIS_STORE_DEFAULTS', () => {
    const documented: Record<string, unknown> = {};
    for (const [option, cell] of markdownTable(page, '## Options', 'option')) {
      const value = unquote(cell);
      documented[unquote(option)] = /^'.*'$/.test(value) ? value.slice(1, -1) : Number(value);
    }
    expect(documented).toEqual({ ...REDIS_STORE_DEFAULTS });
  });

  it('names the diagnostics channel and the key layout the code uses', async () => {
    const { REDIS_CHANNEL_NAME } = await import('../../src/redis/events.js');
    expect(page).toContain(`**\`${REDIS_CHANNEL_NAME}\`**`);
    expect(page).toContain('`zenoo-retry:{breaker:payments}`');
    expect(page).toContain('`zenoo-retry:{budget:payments}:c:<uuid>`');
  });
});
