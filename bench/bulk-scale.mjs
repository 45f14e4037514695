// BulkRetryManager at scale, and a charted example for docs/bulk.md.
//   node --expose-gc --import tsx bench/bulk-scale.mjs
// Part 1: 100,000 operations (70 % succeed at once, 20 % after one retry, 10 % never), delay 0,
//         for several concurrency limits (and once all succeeding, to separate the cost of the
//         users' Error objects): wall time, peak RSS/heap, heap retained by the result.
// Part 2: 2,000 calls to a simulated flaky dependency in virtual time (seeded): progress curve
//         and attempts histogram as ASCII charts.
import { BulkRetryManager } from '../src/index.ts';
import { VirtualClock } from '../src/core/virtual-clock.ts';

const MB = 1024 * 1024;
const gc = globalThis.gc ?? (() => {});
const fmt = (n, d = 1) => n.toFixed(d);

async function scale(n, concurrency, failing = true) {
  gc();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  let inFlight = 0;
  let peakInFlight = 0;
  const ops = Array.from({ length: n }, (_, i) => async ({ attempt }) => {
    inFlight++;
    peakInFlight = Math.max(peakInFlight, inFlight);
    if (i % 97 === 0) await new Promise((r) => setImmediate(r));
    else await Promise.resolve();
    inFlight--;
    const kind = i % 10;
    if (failing && (kind === 9 || (kind >= 7 && attempt === 1))) throw new Error(`op ${i}`);
    return i;
  });
  const manager = new BulkRetryManager({ maxAttempts: 3, baseDelay: 0, concurrency, partialSuccessThreshold: 0 });
  const t0 = performance.now();
  const result = await manager.executeBulk(ops, { onProgress: ({ done }) => done % 1000 === 0 && sample() });
  const ms = performance.now() - t0;
  sample();
  const seen = new Uint8Array(n);
  for (const s of result.successful) seen[s.index]++;
  for (const f of result.failed) seen[f.index]++;
  const exact = seen.every((c) => c === 1);
  gc();
  const retained = process.memoryUsage().heapUsed - base.heapUsed;
  return { ms, peakRss, peakHeap, base, retained, exact, peakInFlight, result };
}

console.log('## 100,000 operations, delay 0 (node', process.version + ')\n');
console.log('| operations | concurrency | wall time | µs/op | peak in flight | peak RSS | peak heapUsed | heap retained (ops + result) | every index once |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|:---:|');
for (const [c, failing] of [[1, true], [8, true], [64, true], [512, true], [64, false]]) {
  const r = await scale(100_000, c, failing);
  console.log(
    `| ${failing ? '70/20/10 % mix' : 'all succeed'} | ${c} | ${fmt(r.ms, 0)} ms | ${fmt((r.ms * 1000) / 100_000, 2)} | ${r.peakInFlight} | ${fmt(r.peakRss / MB)} MB | ` +
      `${fmt(r.peakHeap / MB)} MB | ${fmt(r.retained / MB)} MB | ${r.exact ? 'yes' : 'NO'} |`,
  );
}

// ---- Part 2: a flaky dependency in virtual time ------------------------------------------
const seeded = (seed) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const random = seeded(7);
const clock = new VirtualClock();
const N = 2000;
// Each call takes 20–80 ms; 30 % fail transiently.
const ops = Array.from({ length: N }, () => () =>
  new Promise((resolve, reject) => {
    const fail = random() < 0.3;
    clock.setTimeout(() => (fail ? reject(new Error('503')) : resolve('ok')), 20 + random() * 60);
  }),
);
const manager = new BulkRetryManager({ clock, maxAttempts: 4, baseDelay: 100, concurrency: 32, partialSuccessThreshold: 0, timeout: Infinity });
const curve = [];
const p = manager.executeBulk(ops, { onProgress: ({ done }) => curve.push([clock.now(), done]) });
await clock.runAll(1_000_000);
const result = await p;
const end = clock.now();

const hist = new Map();
for (const r of [...result.successful, ...result.failed]) hist.set(r.attempts, (hist.get(r.attempts) ?? 0) + 1);
const width = 50;
const max = Math.max(...hist.values());
console.log(`\n## ${N} calls, 30 % transient failures, 20–80 ms each, concurrency 32, maxAttempts 4, baseDelay 100 (virtual time)\n`);
console.log(`successRate ${result.successRate}, ${result.failed.length} failed after 4 attempts, finished at ${fmt(end / 1000, 2)} s\n`);
console.log('attempts per operation');
for (const [k, v] of [...hist].sort((a, b) => a[0] - b[0])) {
  console.log(`${k} ${'█'.repeat(Math.max(1, Math.round((v / max) * width))).padEnd(width)} ${v}`);
}
console.log('\noperations done over time');
const rows = 10;
const cols = 50;
const grid = Array.from({ length: rows }, () => Array(cols).fill(' '));
for (let c = 0; c < cols; c++) {
  const t = ((c + 1) / cols) * end;
  let done = 0;
  for (const [at, d] of curve) if (at <= t) done = d;
  const h = Math.round((done / N) * rows);
  for (let r = 0; r < h; r++) grid[rows - 1 - r][c] = '█';
}
grid.forEach((row, r) => {
  const label = r === 0 ? String(N).padStart(5) : r === rows - 1 ? String(N / rows).padStart(5) : '     ';
  console.log(`${label} |${row.join('')}`);
});
console.log(`      +${'-'.repeat(cols)}`);
console.log(`       0 s${' '.repeat(cols - 8)}${fmt(end / 1000, 1)} s`);
