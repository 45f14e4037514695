// A tiny benchmark harness: every case runs its own loop (no per-call harness overhead), cases are
// interleaved round by round in rotating order (so drift and JIT warm-up hit all alike), and the
// median ns/op over rounds is reported, with ratios to a named baseline.
import { performance } from 'node:perf_hooks';

export async function measure(cases, { n = 100_000, rounds = 9, warmup = 2 } = {}) {
  const samples = new Map(cases.map((c) => [c.name, []]));
  for (let r = 0; r < warmup + rounds; r++) {
    const order = cases.map((_, i) => cases[(i + r) % cases.length]);
    for (const c of order) {
      const t0 = performance.now();
      await c.run(n);
      const ns = ((performance.now() - t0) * 1e6) / n;
      if (r >= warmup) samples.get(c.name).push(ns);
    }
  }
  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)];
  };
  return new Map([...samples].map(([k, v]) => [k, median(v)]));
}

/**
 * Bytes allocated per call: with a young generation big enough that no scavenge runs during
 * the loop, the heapUsed delta is what the calls allocated. Needs --expose-gc.
 */
export async function bytesPerCall(run, n = 20_000) {
  if (typeof globalThis.gc !== 'function') return Number.NaN;
  await run(1000);
  globalThis.gc();
  globalThis.gc();
  const before = process.memoryUsage().heapUsed;
  await run(n);
  const after = process.memoryUsage().heapUsed;
  return Math.max(0, (after - before) / n);
}

export function table(rows, columns) {
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells) => `| ${cells.map((x, i) => String(x).padEnd(widths[i])).join(' | ')} |`;
  return [line(columns), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map((r) => line(columns.map((c) => r[c])))].join('\n');
}
