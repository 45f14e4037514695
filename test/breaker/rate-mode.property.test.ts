import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryBreakerStore } from '../../src/breaker/memory-store.js';
import type { BreakerOutcome } from '../../src/breaker/store.js';
import { ManualClock } from './helpers.js';

const outcome = fc.constantFrom<BreakerOutcome>('success', 'failure', 'slow-success', 'slow-failure', 'ignored');

describe('failure-rate mode opens exactly when a naive window says so (fast-check)', () => {
  it('count window, with or without maxAge', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 12 }),
        fc.option(fc.double({ min: 0.05, max: 1, noNaN: true }), { nil: undefined }),
        fc.option(fc.double({ min: 0.05, max: 1, noNaN: true }), { nil: undefined }),
        fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }),
        fc.array(fc.tuple(outcome, fc.integer({ min: 0, max: 15 })), { maxLength: 80 }),
        (size, minRaw, frt, srt, maxAge, ops) => {
          fc.pre(frt !== undefined || srt !== undefined);
          const min = Math.min(minRaw, size);
          const clock = new ManualClock();
          const store = new MemoryBreakerStore();
          store.configure({
            clock,
            rules: {
              recoveryTimeout: 1e9,
              halfOpenMaxCalls: 1,
              successThreshold: 1,
              failureThreshold: 1,
              window: {
                type: 'count',
                size,
                buckets: 0,
                maxAge: maxAge ?? Infinity,
                minimumThroughput: min,
                failureRateThreshold: frt,
                slowCallRateThreshold: srt,
              },
            },
          });
          const model: { failed: boolean; slow: boolean; at: number }[] = [];
          for (const [o, dt] of ops) {
            clock.advance(dt);
            const opened = store.record(store.acquire().generation, o).length > 0;
            if (o !== 'ignored') model.push({ failed: o.endsWith('failure'), slow: o.startsWith('slow'), at: clock.t });
            const live = model.slice(-size).filter((e) => maxAge === undefined || e.at > clock.t - maxAge);
            const calls = live.length;
            const f = live.filter((e) => e.failed).length / calls;
            const sl = live.filter((e) => e.slow).length / calls;
            const expected =
              o !== 'ignored' && calls >= min && ((frt !== undefined && f >= frt) || (srt !== undefined && sl >= srt));
            expect(opened).toBe(expected);
            if (opened) return; // the window starts over after a transition; one decision per run
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
