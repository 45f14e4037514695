/**
 * The package version, read at run time from the nearest `package.json` named `zenoo-retry`
 * above this file: `dist/cli.js` → `../package.json`, in the repository and in an installed
 * package alike (and from `src/cli/` under tsx).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The version string, or `'unknown'` when no package.json is found. */
export function readVersion(from: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(from));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'zenoo-retry' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // no (readable) package.json here: look further up
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return 'unknown';
}
