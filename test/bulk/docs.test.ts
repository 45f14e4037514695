import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BULK_DEFAULTS } from '../../src/bulk/bulk-retry-manager.js';

const page = readFileSync(new URL('../../docs/bulk.md', import.meta.url), 'utf8');

/** Rows of the first markdown table after `## heading` whose header starts with `| first |`. */
function table(heading: string, first: string): string[][] {
  const start = page.indexOf(`\n## ${heading}\n`);
  expect(start, `docs/bulk.md has a "## ${heading}" section`).toBeGreaterThan(-1);
  const lines = page.slice(start).split('\n');
  const header = lines.findIndex((l) => l.startsWith(`| ${first} |`));
  expect(header).toBeGreaterThan(-1);
  const rows: string[][] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(line.slice(1, -1).split(' | ').map((c) => c.trim()));
  }
  return rows;
}

describe('docs/bulk.md', () => {
  it('the options table lists exactly BULK_DEFAULTS', () => {
    const rows = table('Options', 'option');
    const documented = Object.fromEntries(rows.map(([option, value]) => [option!.replace(/`/g, ''), Number(value!.replace(/`/g, ''))]));
    expect(documented).toEqual({ ...BULK_DEFAULTS });
  });
});
