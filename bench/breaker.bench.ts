// Pass-through cost of a closed circuit breaker, against cockatiel's, in one process.
// Run: npx tsx bench/breaker.bench.ts   (add --rounds=N / --n=N to change the sampling)
// For the allocation column: npx tsx --expose-gc --min-semi-space-size=128 --max-semi-space-size=256 bench/breaker.bench.ts
//
// Every case runs its own loop (no per-call harness overhead). Cases are interleaved round by
// round in rotating order, so JIT warm-up and machine drift hit all alike; each figure is the
// median ns/call over the rounds, and "delta" is its difference to the bare `await fn()`.
import { performance } from 'node:perf_hooks';
import { circuitBreaker, ConsecutiveBreaker, handleAll } from 'cockatiel';
import { AdvancedCircuitBreaker, CircuitBreaker } from '../src/index.js';

const arg = (name: string, fallback: number): number => {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit === undefined ? fallback : Number(hit.slice(name.length + 3));
};
const N = arg('n', 200_000);
const ROUNDS = arg('rounds', 15);
const WARMUP = 3;

const fn = async (): Promise<number> => 1;

const ours = new CircuitBreaker({ failureThreshold: 5, recoveryTimeout: 30_000 });
const advanced = new AdvancedCircuitBreaker();
const advancedRate = new AdvancedCircuitBreaker({ failureRateThreshold: 0.5, slidingWindow: { type: 'count', size: 100 } });
const advancedTime = new AdvancedCircuitBreaker({ failureRateThreshold: 0.5, slidingWindow: { type: 'time', size: 10_000 } });
const theirs = circuitBreaker(handleAll, { halfOpenAfter: 30_000, breaker: new ConsecutiveBreaker(5) });

interface Case {
  name: string;
  run(n: number): Promise<void>;
}

const cases: Case[] = [
  { name: 'bare await fn()', run: async (n) => { for (let i = 0; i < n; i++) await fn(); } },
  { name: 'CircuitBreaker.execute', run: async (n) => { for (let i = 0; i < n; i++) await ours.execute(fn); } },
  { name: 'AdvancedCircuitBreaker.execute', run: async (n) => { for (let i = 0; i < n; i++) await advanced.execute(fn); } },
  { name: 'Advanced, count window (rate)', run: async (n) => { for (let i = 0; i < n; i++) await advancedRate.execute(fn); } },
  { name: 'Advanced, time window (rate)', run: async (n) => { for (let i = 0; i < n; i++) await advancedTime.execute(fn); } },
  { name: 'cockatiel ConsecutiveBreaker(5)', run: async (n) => { for (let i = 0; i < n; i++) await theirs.execute(fn); } },
];

const samples = new Map<string, number[]>(cases.map((c) => [c.name, []]));
for (let r = 0; r < WARMUP + ROUNDS; r++) {
  for (let k = 0; k < cases.length; k++) {
    const c = cases[(k + r) % cases.length] as Case;
    const t0 = performance.now();
    await c.run(N);
    const ns = ((performance.now() - t0) * 1e6) / N;
    if (r >= WARMUP) samples.get(c.name)?.push(ns);
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};
const bare = median(samples.get('bare await fn()') ?? []);
const rows = cases.map((c) => {
  const ns = median(samples.get(c.name) ?? []);
  return [c.name, ns.toFixed(1), c.name.startsWith('bare') ? '' : `+${(ns - bare).toFixed(1)}`];
});
const header = ['case', 'ns/call (median)', 'delta vs bare'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
const line = (cells: string[]): string => `| ${cells.map((x, i) => x.padEnd(widths[i] as number)).join(' | ')} |`;
console.log(`node ${process.version}, ${N} calls x ${ROUNDS} rounds (median), closed breakers, fn = async () => 1`);
console.log([line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n'));

// The BreakerGuard path the executor uses (acquirePermit + onSuccess, no promise): ns and bytes per call.
type Guard = { acquirePermit(): unknown; onSuccess(permit: unknown, duration: number): void };
const guardCases: [string, Guard][] = [
  ['CircuitBreaker', ours],
  ['AdvancedCircuitBreaker', advanced],
  ['Advanced, count window (rate)', advancedRate],
  ['Advanced, time window (rate)', advancedTime],
];
const gc = (globalThis as { gc?: () => void }).gc;
const guardLoop = (g: Guard, n: number): void => {
  for (let i = 0; i < n; i++) g.onSuccess(g.acquirePermit(), 0);
};
const guardRows = guardCases.map(([name, g]) => {
  const times: number[] = [];
  for (let r = 0; r < WARMUP + ROUNDS; r++) {
    const t0 = performance.now();
    guardLoop(g, N * 5);
    if (r >= WARMUP) times.push(((performance.now() - t0) * 1e6) / (N * 5));
  }
  let bytes = 'n/a (needs --expose-gc)';
  if (gc !== undefined) {
    gc();
    gc();
    const before = process.memoryUsage().heapUsed;
    guardLoop(g, 1_000_000);
    bytes = ((process.memoryUsage().heapUsed - before) / 1_000_000).toFixed(2);
  }
  return [name, median(times).toFixed(1), bytes];
});
const gHeader = ['acquirePermit + onSuccess', 'ns/call (median)', 'bytes/call'];
const gWidths = gHeader.map((h, i) => Math.max(h.length, ...guardRows.map((r) => (r[i] as string).length)));
const gLine = (cells: string[]): string => `| ${cells.map((x, i) => x.padEnd(gWidths[i] as number)).join(' | ')} |`;
console.log('');
console.log([gLine(gHeader), `|${gWidths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...guardRows.map(gLine)].join('\n'));
