import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // The library: platform-neutral (browsers, Deno, Bun, edge), ESM + CJS with types for both.
    entry: { index: 'src/index.ts', redis: 'src/redis/index.ts', testing: 'src/testing.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    platform: 'neutral',
    splitting: false,
    treeshake: true,
  },
  {
    // The command line (Node only): one executable ESM file, never imported by the library.
    entry: { cli: 'src/cli/index.ts' },
    format: ['esm'],
    dts: false,
    sourcemap: false,
    clean: false,
    target: 'node20',
    platform: 'node',
    splitting: false,
    treeshake: true,
  },
]);
