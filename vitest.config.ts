import { transform } from 'esbuild';
import { defineConfig, type Plugin } from 'vitest/config';
import SummaryReporter from './test/support/summary-reporter.js';

/**
 * Vitest 4 / Vite 8 (Oxc) only understand legacy decorators. Files that use `@decorator`
 * syntax are lowered by esbuild first, which implements TC39 standard decorators.
 */
function standardDecorators(): Plugin {
  return {
    name: 'zenoo:standard-decorators',
    enforce: 'pre',
    async transform(code, id) {
      if (!/\.m?ts$/.test(id) || id.includes('node_modules') || !/^\s*@\w/m.test(code)) return null;
      const out = await transform(code, {
        loader: 'ts',
        target: 'es2022',
        format: 'esm',
        sourcemap: 'external',
        sourcefile: id,
      });
      return { code: out.code, map: out.map };
    },
  };
}

export default defineConfig({
  plugins: [standardDecorators()],
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', new SummaryReporter()],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
});
