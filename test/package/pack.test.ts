import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
let dir = '';
let tarball = '';

const run = (cmd: string, args: string[], cwd: string): string =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

beforeAll(() => {
  if (!existsSync(join(root, 'dist/index.js'))) run('npx', ['tsup'], root);
  dir = mkdtempSync(join(tmpdir(), 'zenoo-pack-'));
  const out = run('npm', ['pack', '--json', '--pack-destination', dir], root);
  tarball = join(dir, (JSON.parse(out) as Array<{ filename: string }>)[0]!.filename);
  const app = join(dir, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }));
  run('npm', ['install', '--no-audit', '--no-fund', '--offline', tarball], app);
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the packed package, as users install it', () => {
  it('ships only dist, README and LICENSE (and package.json)', () => {
    const listing = run('tar', ['-tzf', tarball], dir).trim().split('\n');
    const top = new Set(listing.map((p) => p.replace(/^package\//, '').split('/')[0]));
    expect([...top].sort()).toEqual(['LICENSE', 'README.md', 'dist', 'package.json'].filter((f) => f !== 'README.md' || existsSync(join(root, 'README.md'))).sort());
    expect(listing.some((p) => p.endsWith('.test.ts'))).toBe(false);
  });

  it('has no runtime dependencies', () => {
    const pkg = JSON.parse(run('tar', ['-xzOf', tarball, 'package/package.json'], dir)) as Record<string, unknown>;
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(pkg.sideEffects).toBe(false);
  });

  it('works through import (ESM) and require (CJS)', () => {
    const app = join(dir, 'app');
    writeFileSync(
      join(app, 'esm.mjs'),
      `import { retryAsync, ExponentialBackoffStrategy, MaxRetriesExceededError } from 'zenoo-retry';
let n = 0;
const v = await retryAsync(async () => { if (++n < 3) throw new Error('x'); return n; }, { delay: 0 });
if (v !== 3 || typeof ExponentialBackoffStrategy !== 'function' || typeof MaxRetriesExceededError !== 'function') process.exit(1);
console.log('esm ok');`,
    );
    writeFileSync(
      join(app, 'cjs.cjs'),
      `const { retryAsync, ExponentialBackoffStrategy } = require('zenoo-retry');
let n = 0;
retryAsync(async () => { if (++n < 2) throw new Error('x'); return n; }, { delay: 0 }).then((v) => {
  if (v !== 2 || typeof ExponentialBackoffStrategy !== 'function') process.exit(1);
  console.log('cjs ok');
});`,
    );
    expect(run('node', ['esm.mjs'], app)).toContain('esm ok');
    expect(run('node', ['cjs.cjs'], app)).toContain('cjs ok');
  });

  it('instanceof holds across the ESM and CJS copies of one install', () => {
    const app = join(dir, 'app');
    writeFileSync(
      join(app, 'dual.mjs'),
      `import { createRequire } from 'node:module';
import * as esm from 'zenoo-retry';
const cjs = createRequire(import.meta.url)('zenoo-retry');
if (esm.MaxRetriesExceededError === cjs.MaxRetriesExceededError) { console.log('same class?'); process.exit(1); }
const a = new cjs.MaxRetriesExceededError({ maxAttempts: 1, attempts: 1, lastError: 1, errors: [1] });
const b = new esm.RetryTimeoutError({ timeout: 5, attempts: 1, lastError: undefined });
const ok = a instanceof esm.MaxRetriesExceededError && a instanceof esm.RetryError && a instanceof Error
  && b instanceof cjs.RetryTimeoutError && b instanceof cjs.RetryError
  && !(a instanceof esm.RetryTimeoutError) && !(b instanceof cjs.MaxRetriesExceededError);
console.log(ok ? 'dual ok' : 'dual broken');`,
    );
    expect(run('node', ['dual.mjs'], app)).toContain('dual ok');
  });

  it('dist has no node: import in the main entry (browser-safe)', () => {
    const files = readdirSync(join(root, 'dist')).filter((f) => /^index\.(c?js)$/.test(f));
    expect(files.length).toBe(2);
    for (const f of files) {
      const code = execFileSync('cat', [join(root, 'dist', f)], { encoding: 'utf8' });
      expect(code).not.toMatch(/from ['"]node:|require\(['"]node:/);
    }
  });
});
