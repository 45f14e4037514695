import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { markdownTable } from '../helpers/markdown.js';
import { BULK_DEFAULTS } from '../../src/bulk/bulk-retry-manager.js';

const page = readFileSync(new URL('../../docs/bulk.md', import.meta.url), 'utf8');

const table = (heading: string, first: string): string[][] => markdownTable(page, `## ${heading}`, first);

describe('docs/bulk.md', () => {
  it('the options table lists exactly BULK_DEFAULTS', () => {
    const rows = table('Options', 'option');
    const documented = Object.fromEntries(rows.map(([option, value]) => [option!.replace(/`/g, ''), Number(value!.replace(/`/g, ''))]));
    expect(documented).toEqual({ ...BULK_DEFAULTS });
  });
});
