#!/usr/bin/env node
/**
 * Size budgets of what users bundle, measured the way size-limit does: esbuild bundles an entry
 * that imports from the built package (dist/index.js), minified and tree-shaken for the browser,
 * then gzip (level 9) of the result.
 *
 *   node scripts/size.mjs            table; exit 1 when a budget is exceeded
 *   node scripts/size.mjs --why      also bundle the same imports from src/ and list, per module,
 *                                   the bytes it adds and the import chain that pulls it in
 *   node scripts/size.mjs --compare  also measure p-retry and cockatiel the same way
 *   node scripts/size.mjs --json     machine-readable output
 *   node scripts/size.mjs --dist DIR measure another build directory (default: dist)
 *
 * Needs a build (`npm run build`) first.
 */
import { existsSync, readFileSync } from 'node:fs';
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

/**
 * Bytes of gzip. `TARGETS` are issue 8's goals, which this feature set does not meet yet (see
 * docs/performance.md: the executor alone is ~2.6 KB gzip, the default policy's classifier
 * ~2.8 KB); they are printed so the gap stays visible. `BUDGETS` are the enforced ceilings: the
 * sizes measured when they were set plus ~6–10 % (last raised in session 2, from 12,000 / 24,000,
 * after the review fixes: strict HTTP-dates, the plan memo, more known codes; 13.2 / 24.5 KB
 * measured), so a regression fails `npm test`.
 */
export const TARGETS = Object.freeze({ minimal: 1500, whole: 9216 });
export const BUDGETS = Object.freeze({ minimal: 14_000, whole: 26_000 });

const OURS = [
  {
    name: 'minimal',
    label: 'zenoo-retry: { retryAsync, ExponentialBackoffStrategy }',
    code: `export { retryAsync, ExponentialBackoffStrategy } from ${JSON.stringify(entry)};`,
    names: ['retryAsync', 'ExponentialBackoffStrategy'],
    budget: BUDGETS.minimal,
    target: TARGETS.minimal,
  },
  {
    name: 'whole',
    label: 'zenoo-retry: the whole main entry',
    code: `export * from ${JSON.stringify(entry)};`,
    budget: BUDGETS.whole,
    target: TARGETS.whole,
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
async function measure(code, loader = 'js', roots = undefined) {
  const result = await build({
    stdin: { contents: code, resolveDir: root, loader, sourcefile: 'size-entry.js' },
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
  const graph = result.metafile.inputs;
  return {
    minified: out.byteLength,
    gzip: gzipSync(out, { level: 9 }).byteLength,
    inputs: Object.entries(Object.values(result.metafile.outputs)[0].inputs)
      .map(([file, info]) => ({ file: relative(root, resolve(root, file)), bytes: info.bytesInOutput, chain: roots && chainTo(graph, file, roots) }))
      .filter((i) => i.bytes > 0)
      .sort((a, b) => b.bytes - a.bytes),
  };
}

/**
 * The shortest import chain to `target` from the modules that define the imported names
 * (`roots`), not through src/index.ts: the edge that really pulls a module in.
 */
function chainTo(graph, target, roots) {
  const prev = new Map(roots.map((r) => [r, undefined]));
  const queue = [...roots];
  while (queue.length > 0) {
    const f = queue.shift();
    if (f === target) break;
    for (const i of graph[f]?.imports ?? []) {
      if (!prev.has(i.path) && graph[i.path] && !i.path.endsWith('src/index.ts')) {
        prev.set(i.path, f);
        queue.push(i.path);
      }
    }
  }
  if (!prev.has(target)) return undefined;
  const chain = [];
  for (let f = target; f !== undefined; f = prev.get(f)) chain.unshift(f.replace(/^src\//, ''));
  return chain;
}

/** The src/ modules that define `names`, read from src/index.ts's `export { … } from './x.js'` lines. */
function definingModules(names) {
  const index = readFileSync(join(root, 'src/index.ts'), 'utf8');
  const modules = new Set();
  for (const m of index.matchAll(/export\s*\{([^}]*)\}\s*from\s*'\.\/([^']+)\.js'/g)) {
    const exported = m[1].split(',').map((x) => x.trim().split(/\s+as\s+/).pop());
    if (exported.some((x) => names.includes(x))) modules.add(`src/${m[2]}.ts`);
  }
  return [...modules];
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
  console.log(`${pad('bundle (esbuild, minified, browser, ESM)', width)}  ${lpad('min B', 7)}  ${lpad('gzip B', 7)}  ${lpad('budget', 7)}  ${lpad('target', 7)}`);
  for (const r of rows) {
    const status = r.budget === undefined ? '' : r.gzip > r.budget ? '  OVER BUDGET' : '  ok';
    const target = r.target === undefined ? '' : r.gzip > r.target ? ' (target not met)' : ' (target met)';
    console.log(`${pad(r.label, width)}  ${lpad(r.minified, 7)}  ${lpad(r.gzip, 7)}  ${lpad(r.budget ?? '-', 7)}  ${lpad(r.target ?? '-', 7)}${status}${target}`);
  }
  if (flag('--why')) {
    // The built file is one module; bundling the same imports from src/ shows which modules
    // (and which import edges) the bytes come from.
    for (const item of OURS) {
      const roots = item.names ? definingModules(item.names) : undefined;
      const fromSrc = await measure(item.code.replace(JSON.stringify(entry), JSON.stringify(join(root, 'src/index.ts'))), 'ts', roots);
      console.log(`\n${item.label}, bundled from src/: ${fromSrc.minified} B min, ${fromSrc.gzip} B gzip; minified bytes per module${roots ? ' and the import chain that pulls it in' : ''}:`);
      for (const i of fromSrc.inputs) {
        const why = !roots ? '' : i.chain === undefined ? '(kept for its side effects: not imported by the used modules)' : i.chain.join(' → ');
        console.log(`  ${lpad(i.bytes, 7)}  ${pad(i.file, 40)} ${why}`);
      }
    }
  }
}
if (over.length > 0) {
  for (const r of over) console.error(`size: ${r.name} is ${r.gzip} B gzip, over its budget of ${r.budget} B`);
  process.exit(1);
}
