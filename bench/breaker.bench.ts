// Pass-through cost of a closed circuit breaker, against cockatiel's, in one process.
// Run: npx tsx bench/breaker.bench.ts   (add --rounds=N / --n=N to change the sampling)
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
