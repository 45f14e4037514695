/**
 * Every exported class keeps its own name in the build (`console.log` shows it, error messages
 * and stack traces use it): a bundler renames a class that names itself inside its body
 * (`var X = class _X`), which once made `ExponentialBackoffStrategy.name` read
 * `_ExponentialBackoffStrategy`.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root, runnableEntry } from '../helpers/built-entry.js';

const isClass = (v: unknown): v is abstract new (...a: never[]) => unknown =>
  typeof v === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(v));

const check = (mod: Record<string, unknown>): string[] =>
  Object.entries(mod)
    .filter(([, v]) => isClass(v))
    .filter(([key, v]) => (v as { name: string }).name !== key)
    .map(([key, v]) => `${key} is named ${(v as { name: string }).name}`);

describe('exported class names', () => {
  it('ESM: each class is named as it is exported', async () => {
    const mod = (await import(await runnableEntry())) as Record<string, unknown>;
    expect(Object.values(mod).filter(isClass).length).toBeGreaterThan(20);
    expect(check(mod)).toEqual([]);
  });

  it.skipIf(!existsSync(join(root, 'dist/index.cjs')))('CJS: each class is named as it is exported', () => {
    const mod = createRequire(import.meta.url)(join(root, 'dist/index.cjs')) as Record<string, unknown>;
    expect(check(mod)).toEqual([]);
  });
});
