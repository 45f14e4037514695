import { expect } from 'vitest';

/**
 * The rows (cells trimmed, header and separator skipped) of the first markdown table under the
 * line `heading` (e.g. `'## Options'`) whose header row starts with `| first |`, looked for
 * within that section (up to the next `## ` heading). Fails the test when either is missing.
 */
export function markdownTable(page: string, heading: string, first: string): string[][] {
  const start = page.indexOf(`\n${heading}\n`);
  expect(start, `the page has "${heading}"`).toBeGreaterThan(-1);
  const end = page.indexOf('\n## ', start + heading.length + 1);
  const lines = page.slice(start, end === -1 ? undefined : end).split('\n');
  const header = lines.findIndex((l) => l.startsWith(`| ${first} |`));
  expect(header, `"${heading}" has a table starting with | ${first} |`).toBeGreaterThan(-1);
  const rows: string[][] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(line.slice(1, -1).split(' | ').map((c) => c.trim()));
  }
  return rows;
}

/** A cell without its backticks. */
export const unquote = (cell: string | undefined): string => (cell ?? '').replace(/`/g, '');
