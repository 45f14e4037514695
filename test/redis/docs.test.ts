import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REDIS_STORE_DEFAULTS } from '../../src/redis/options.js';

const page = readFileSync(new URL('../../docs/distributed.md', import.meta.url), 'utf8');

describe('docs/distributed.md', () => {
  it('the options table lists exactly REDIS_STORE_DEFAULTS', () => {
    const start = page.indexOf('\n## Options\n');
    expect(start).toBeGreaterThan(-1);
    const lines = page.slice(start).split('\n');
    const header = lines.findIndex((l) => l.startsWith('| option |'));
    const documented: Record<string, unknown> = {};
    for (const line of lines.slice(header + 2)) {
      if (!line.startsWith('|')) break;
      const [option, value] = line.slice(1, -1).split(' | ').map((c) => c.trim().replace(/`/g, ''));
      documented[option as string] = /^'.*'$/.test(value as string) ? (value as string).slice(1, -1) : Number(value);
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
