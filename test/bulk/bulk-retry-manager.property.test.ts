import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BulkRetryManager } from '../../src/bulk/bulk-retry-manager.js';
import type { AttemptContext } from '../../src/core/retry-async.js';
import { VirtualClock } from '../../src/core/virtual-clock.js';
import { FixedDelayStrategy } from '../../src/strategies/fixed.js';

/** One operation's script: how many attempts fail first, and each attempt's duration (virtual ms). */
const opArb = fc.record({
  failures: fc.integer({ min: 0, max: 5 }),
  durations: fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 4 }),
  sync: fc.boolean(),
});

const batchArb = fc.record({
  ops: fc.array(opArb, { maxLength: 30 }),
  concurrency: fc.integer({ min: 1, max: 8 }),
  maxAttempts: fc.integer({ min: 1, max: 4 }),
  delay: fc.integer({ min: 0, max: 10 }),
});

type Script = { failures: number; durations: number[]; sync: boolean };

/** Builds the operations and the bookkeeping that checks the concurrency bound as they run. */
function harness(clock: VirtualClock, scripts: Script[], concurrency: number) {
  const calls = scripts.map(() => 0);
  const track = { inFlight: 0, peak: 0, startedOps: 0, done: 0, peakOps: 0, violations: 0 };
  const ops = scripts.map((s, i) => (ctx: AttemptContext) => {
    calls[i]!++;
    if (ctx.attempt !== calls[i]) track.violations++; // ctx.attempt is this op's call count
    if (ctx.attempt === 1) track.startedOps++;
    track.peakOps = Math.max(track.peakOps, track.startedOps - track.done);
    const fail = ctx.attempt <= s.failures;
    const ms = s.durations[(ctx.attempt - 1) % s.durations.length]!;
    if (s.sync && ms === 0) {
      if (fail) throw new Error(`op ${i} attempt ${ctx.attempt}`);
      return i * 10;
    }
    track.inFlight++;
    track.peak = Math.max(track.peak, track.inFlight);
    return new Promise<number>((resolve, reject) =>
      clock.setTimeout(() => {
        track.inFlight--;
        if (fail) reject(new Error(`op ${i} attempt ${ctx.attempt}`));
        else resolve(i * 10);
      }, ms),
    );
  });
  const onProgress = ({ done }: { done: number }) => {
    track.done = done;
  };
  void concurrency;
  return { ops, calls, track, onProgress };
}

describe('BulkRetryManager properties', () => {
  it('every index appears exactly once, in order, with the executor’s attempts; the concurrency bound holds', async () => {
    await fc.assert(
      fc.asyncProperty(batchArb, async ({ ops: scripts, concurrency, maxAttempts, delay }) => {
        const clock = new VirtualClock();
        const { ops, calls, track, onProgress } = harness(clock, scripts, concurrency);
        const strategy = new FixedDelayStrategy({ maxAttempts, delay });
        const m = new BulkRetryManager({ clock, strategy, partialSuccessThreshold: 0, concurrency, timeout: Infinity });
        const p = m.executeBulk(ops, { onProgress });
        await clock.runAll();
        const r = await p;

        const indices = [...r.successful.map((s) => s.index), ...r.failed.map((f) => f.index)].sort((a, b) => a - b);
        expect(indices).toEqual(scripts.map((_, i) => i));
        expect(r.successful.map((s) => s.index)).toEqual([...r.successful.map((s) => s.index)].sort((a, b) => a - b));
        expect(r.failed.map((s) => s.index)).toEqual([...r.failed.map((s) => s.index)].sort((a, b) => a - b));
        for (const s of r.successful) {
          const script = scripts[s.index]!;
          expect(script.failures).toBeLessThan(maxAttempts);
          expect(s.value).toBe(s.index * 10);
          expect(s.attempts).toBe(script.failures + 1);
          expect(calls[s.index]).toBe(s.attempts);
        }
        for (const f of r.failed) {
          expect(scripts[f.index]!.failures).toBeGreaterThanOrEqual(maxAttempts);
          expect(f.attempts).toBe(maxAttempts);
          expect(calls[f.index]).toBe(maxAttempts);
        }
        expect(r.total).toBe(scripts.length);
        expect(r.successRate).toBe(scripts.length === 0 ? 1 : r.successful.length / scripts.length);
        expect(track.violations).toBe(0);
        expect(track.peak).toBeLessThanOrEqual(concurrency);
        expect(track.peakOps).toBeLessThanOrEqual(concurrency);
        expect(clock.pending).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it('abort at any moment: rejects with the reason, no operation starts afterwards, no timer is left', async () => {
    await fc.assert(
      fc.asyncProperty(batchArb, fc.integer({ min: 0, max: 60 }), async ({ ops: scripts, concurrency, maxAttempts, delay }, at) => {
        const clock = new VirtualClock();
        const { ops, calls } = harness(clock, scripts, concurrency);
        const controller = new AbortController();
        const m = new BulkRetryManager({ clock, strategy: new FixedDelayStrategy({ maxAttempts, delay }), partialSuccessThreshold: 0, concurrency, timeout: Infinity });
        const p = m.executeBulk(ops, { signal: controller.signal });
        const outcome = p.then(
          () => 'resolved',
          (e: unknown) => e,
        );
        await clock.advance(at);
        const before = [...calls];
        const reason = new Error('abort');
        controller.abort(reason);
        const settled = await outcome;
        await clock.runAll();
        // Either the batch had already finished, or it rejects with the reason.
        if (settled !== 'resolved') expect(settled).toBe(reason);
        expect(calls).toEqual(before);
        expect(clock.pending).toBe(0);
      }),
      { numRuns: 200 },
    );
  });
});
