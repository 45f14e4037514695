#!/usr/bin/env node
/**
 * Size budgets of what users bundle, measured the way size-limit does: esbuild bundles an entry
 * that imports from the built package (dist/index.js), minified and tree-shaken for the browser,
 * then gzip (level 9) of the result.
 *
 *   node scripts/size.mjs            table; exit 1 when a budget is exceeded
 *   node scripts/size.mjs --why      also list the modules that end up in each bundle
 *   node scripts/size.mjs --compare  also measure p-retry and cockatiel the same way
 *   node scripts/size.mjs --json     machine-readable output
 *   node scripts/size.mjs --dist DIR measure another build directory (default: dist)
 *
 * Needs a build (`npm run build`) first.
 */
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const distArg = args.indexOf('--dist');
const dist = resolve(root, distArg >= 0 ? (args[distArg + 1] ?? 'dist') : 'dist');
const entry = join(dist, 'index.js');

/** The budgets (bytes of gzip): issue 8. */
export const BUDGETS = Object.freeze({ minimal: 1500, whole: 9216 });

const OURS = [
  {
    name: 'minimal',
    label: 'zenoo-retry: { retryAsync, ExponentialBackoffStrategy }',
    code: `export { retryAsync, ExponentialBackoffStrategy } from ${JSON.stringify(entry)};`,
    budget: BUDGETS.minimal,
  },
  {
    name: 'whole',
    label: 'zenoo-retry: the whole main entry',
    code: `export * from ${JSON.stringify(entry)};`,
    budget: BUDGETS.whole,
  },
];

const PEERS = [
  { name: 'p-retry', label: 'p-retry 7: default export', code: `export { default } from 'p-retry';` },
  {
    name: 'cockatiel-min',
    label: 'cockatiel 3: { retry, handleAll, ExponentialBackoff }',
    code: `export { retry, handleAll, ExponentialBackoff } from 'cockatiel';`,
  },
  { name: 'cockatiel-all', label: 'cockatiel 3: the whole entry', code: `export * from 'cockatiel';` },
];

/** Bundle `code` (an ES module) like a browser app would; returns sizes and the metafile. */
async function measure(code) {
  const result = await build({
    stdin: { contents: code, resolveDir: root, loader: 'js', sourcefile: 'size-entry.js' },
    bundle: true,
    minify: true,
    treeShaking: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const out = result.outputFiles[0].contents;
  return {
    minified: out.byteLength,
    gzip: gzipSync(out, { level: 9 }).byteLength,
    inputs: Object.entries(Object.values(result.metafile.outputs)[0].inputs)
      .map(([file, info]) => ({ file: relative(root, resolve(root, file)), bytes: info.bytesInOutput }))
      .filter((i) => i.bytes > 0)
      .sort((a, b) => b.bytes - a.bytes),
  };
}

if (!existsSync(entry)) {
  console.error(`size: ${relative(root, entry)} not found; run \`npm run build\` first`);
  process.exit(2);
}

const rows = [];
for (const item of [...OURS, ...(flag('--compare') ? PEERS : [])]) {
  rows.push({ ...item, ...(await measure(item.code)) });
}

const over = rows.filter((r) => r.budget !== undefined && r.gzip > r.budget);
if (flag('--json')) {
  const slim = rows.map(({ code, ...r }) => (flag('--why') ? r : { ...r, inputs: undefined }));
  console.log(JSON.stringify({ dist: relative(root, dist), rows: slim, ok: over.length === 0 }, null, 2));
} else {
  const pad = (s, n) => String(s).padEnd(n);
  const lpad = (s, n) => String(s).padStart(n);
  const width = Math.max(...rows.map((r) => r.label.length));
  console.log(`${pad('bundle (esbuild, minified, browser, ESM)', width)}  ${lpad('min B', 7)}  ${lpad('gzip B', 7)}  ${lpad('budget', 7)}`);
  for (const r of rows) {
    const status = r.budget === undefined ? '' : r.gzip > r.budget ? '  OVER' : '  ok';
    console.log(`${pad(r.label, width)}  ${lpad(r.minified, 7)}  ${lpad(r.gzip, 7)}  ${lpad(r.budget ?? '-', 7)}${status}`);
  }
  if (flag('--why')) {
    for (const r of rows) {
      console.log(`\n${r.label}: bytes each module contributes (minified, before gzip)`);
      for (const i of r.inputs) console.log(`  ${lpad(i.bytes, 7)}  ${i.file}`);
    }
  }
}
if (over.length > 0) {
  for (const r of over) console.error(`size: ${r.name} is ${r.gzip} B gzip, over its budget of ${r.budget} B`);
  process.exit(1);
}
