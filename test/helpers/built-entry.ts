/**
 * Which copy of the library the process-level tests (browser, leaks, exit) load.
 * - Under CI: always the ESM build, dist/index.js (npm test builds before vitest runs), so
 *   these tests check what users install.
 * - Locally: dist/index.js when it is at least as new as every file under src/; otherwise
 *   (not built, or stale) src/index.ts, with a warning.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { isCI } from './services.js';

export const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const distEntry = join(root, 'dist/index.js');
export const srcEntry = join(root, 'src/index.ts');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

let warned = false;
/** The entry to bundle or import: `dist/index.js`, or `src/index.ts` locally when dist is missing or stale. */
export function packageEntry(): { path: string; kind: 'dist' | 'src' } {
  if (isCI) return { path: distEntry, kind: 'dist' };
  const why = !existsSync(distEntry)
    ? 'not built'
    : statSync(distEntry).mtimeMs < newestMtime(join(root, 'src'))
      ? 'older than src/'
      : undefined;
  if (why === undefined) return { path: distEntry, kind: 'dist' };
  if (!warned) console.warn(`[tests] dist/index.js is ${why}: using src/index.ts (run \`npm run build\`)`);
  warned = true;
  return { path: srcEntry, kind: 'src' };
}

/** A path `node` can import: dist/index.js, or a fresh ESM bundle of src/index.ts under .tmp/. */
export async function runnableEntry(): Promise<string> {
  const { path, kind } = packageEntry();
  if (kind === 'dist') return path;
  const dir = join(root, '.tmp/entries');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `index-${process.pid}-${Date.now().toString(36)}.mjs`);
  await build({ entryPoints: [path], bundle: true, platform: 'neutral', format: 'esm', target: 'es2022', outfile: out, logLevel: 'silent' });
  process.once('exit', () => rmSync(out, { force: true }));
  return out;
}
