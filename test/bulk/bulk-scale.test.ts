import { describe, expect, it } from 'vitest';
import { BulkRetryManager } from '../../src/bulk/bulk-retry-manager.js';
import type { AttemptContext } from '../../src/core/retry-async.js';
import { MaxRetriesExceededError } from '../../src/errors/library-errors.js';

const N = 100_000;
const CONCURRENCY = 64;
const MB = 1024 * 1024;

describe('BulkRetryManager at scale', () => {
  it('100,000 operations with concurrency 64: no result lost or duplicated, the bound never exceeded', async () => {
    globalThis.gc?.();
    const base = process.memoryUsage();
    let peakRss = base.rss;
    let peakHeap = base.heapUsed;
    const sample = () => {
      const m = process.memoryUsage();
      if (m.rss > peakRss) peakRss = m.rss;
      if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
    };

    // i % 10: 0-6 succeed at once, 7-8 fail once then succeed, 9 always fails (3 attempts).
    let inFlight = 0;
    let peakInFlight = 0;
    let startedOps = 0;
    let done = 0;
    let peakOps = 0;
    let calls = 0;
    const ops = Array.from({ length: N }, (_, i) => async ({ attempt }: AttemptContext) => {
      calls++;
      if (attempt === 1) startedOps++;
      if (startedOps - done > peakOps) peakOps = startedOps - done;
      inFlight++;
      if (inFlight > peakInFlight) peakInFlight = inFlight;
      // Real asynchrony: most operations settle after a microtask, every 97th after a macrotask.
      if (i % 97 === 0) await new Promise((r) => setImmediate(r));
      else await Promise.resolve();
      inFlight--;
      const kind = i % 10;
      if (kind === 9 || (kind >= 7 && attempt === 1)) throw new Error(`op ${i} attempt ${attempt}`);
      return i;
    });

    const built = process.memoryUsage();
    const manager = new BulkRetryManager({ maxAttempts: 3, baseDelay: 0, concurrency: CONCURRENCY, partialSuccessThreshold: 0.85 });
    const t0 = performance.now();
    const result = await manager.executeBulk(ops, {
      onProgress: (p) => {
        done = p.done;
        if (p.done % 1000 === 0) sample();
      },
    });
    const ms = performance.now() - t0;
    sample();

    const seen = new Uint8Array(N);
    for (const s of result.successful) {
      seen[s.index]!++;
      expect(s.value).toBe(s.index);
    }
    for (const f of result.failed) seen[f.index]!++;
    expect(seen.every((c) => c === 1)).toBe(true);
    expect(result.successful).toHaveLength(90_000);
    expect(result.failed).toHaveLength(10_000);
    expect(result.failed.every((f) => f.index % 10 === 9 && f.attempts === 3 && f.error instanceof MaxRetriesExceededError)).toBe(true);
    expect(result.successful.every((s, k, a) => k === 0 || a[k - 1]!.index < s.index)).toBe(true);
    expect(result.successRate).toBe(0.9);
    expect(calls).toBe(70_000 + 20_000 * 2 + 10_000 * 3);
    expect(peakInFlight).toBeLessThanOrEqual(CONCURRENCY);
    expect(peakOps).toBeLessThanOrEqual(CONCURRENCY);
    expect(peakOps).toBe(CONCURRENCY);

    console.log(
      `[bulk-scale] ${N} operations (${calls} attempts), concurrency ${CONCURRENCY}: ${ms.toFixed(0)} ms ` +
        `(${((ms * 1000) / N).toFixed(2)} µs/op); peak in flight ${peakOps} ops / ${peakInFlight} attempts; ` +
        `peak RSS ${(peakRss / MB).toFixed(1)} MB (+${((peakRss - base.rss) / MB).toFixed(1)} MB), ` +
        `peak heapUsed ${(peakHeap / MB).toFixed(1)} MB (+${((peakHeap - base.heapUsed) / MB).toFixed(1)} MB over the start, ` +
        `of which ${((built.heapUsed - base.heapUsed) / MB).toFixed(1)} MB the 100k operation closures; the rest: the result ` +
        `(100k entries, 10k MaxRetriesExceededError holding 30k Errors) and garbage not yet collected)`,
    );
  });
});
