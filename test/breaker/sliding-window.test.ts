import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CountWindow, FAILED, SLOW, TimeWindow } from '../../src/breaker/sliding-window.js';

const totals = (w: { calls: number; failures: number; slowCalls: number }) => ({
  calls: w.calls,
  failures: w.failures,
  slowCalls: w.slowCalls,
});

describe('CountWindow', () => {
  it('holds the last size outcomes and keeps running totals', () => {
    const w = new CountWindow(3);
    w.add(FAILED, 0);
    w.add(SLOW, 0);
    w.add(FAILED | SLOW, 0);
    expect(totals(w)).toEqual({ calls: 3, failures: 2, slowCalls: 2 });
    w.add(0, 0); // evicts the first FAILED
    expect(totals(w)).toEqual({ calls: 3, failures: 1, slowCalls: 2 });
    w.add(0, 0);
    w.add(0, 0);
    expect(totals(w)).toEqual({ calls: 3, failures: 0, slowCalls: 0 });
  });

  it('with maxAge drops entries whose age reached maxAge', () => {
    const w = new CountWindow(5, 100);
    w.add(FAILED, 0);
    w.add(FAILED, 50);
    w.expire(99);
    expect(w.calls).toBe(2);
    w.expire(100);
    expect(totals(w)).toEqual({ calls: 1, failures: 1, slowCalls: 0 });
    w.expire(10_000);
    expect(w.calls).toBe(0);
  });

  it('clear empties it', () => {
    const w = new CountWindow(2);
    w.add(FAILED, 0);
    w.clear();
    expect(totals(w)).toEqual({ calls: 0, failures: 0, slowCalls: 0 });
    w.add(0, 0);
    expect(w.calls).toBe(1);
  });

  it('always equals a naive list of the last size (and young enough) outcomes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 30 })), { maxLength: 60 }),
        (size, maxAge, ops) => {
          const w = new CountWindow(size, maxAge ?? Infinity);
          const model: { bits: number; at: number }[] = [];
          let now = 0;
          for (const [bits, dt] of ops) {
            now += dt;
            w.add(bits, now);
            model.push({ bits, at: now });
            const live = model.slice(-size).filter((e) => maxAge === undefined || e.at > now - maxAge);
            expect(totals(w)).toEqual({
              calls: live.length,
              failures: live.filter((e) => e.bits & FAILED).length,
              slowCalls: live.filter((e) => e.bits & SLOW).length,
            });
          }
        },
      ),
    );
  });
});

describe('TimeWindow', () => {
  it('counts the calls of the current bucket and the buckets - 1 before it', () => {
    const w = new TimeWindow(1000, 10); // buckets of 100 ms
    w.add(FAILED, 0);
    w.add(SLOW, 450);
    w.expire(999);
    expect(totals(w)).toEqual({ calls: 2, failures: 1, slowCalls: 1 });
    w.expire(1000); // bucket 0 out
    expect(totals(w)).toEqual({ calls: 1, failures: 0, slowCalls: 1 });
    w.expire(1399); // bucket 4 still in (current bucket 13)
    expect(w.calls).toBe(1);
    w.expire(1400);
    expect(w.calls).toBe(0);
  });

  it('expires everything after an idle period longer than the window, whatever the slot positions', () => {
    const w = new TimeWindow(1000, 10);
    for (let t = 0; t < 1000; t += 10) w.add(FAILED, t);
    expect(w.calls).toBe(100);
    w.add(0, 1000 + 10 * 1000); // far later, same slot as bucket 0
    expect(totals(w)).toEqual({ calls: 1, failures: 0, slowCalls: 0 });
  });

  it('a clock that steps back keeps writing into the newest bucket', () => {
    const w = new TimeWindow(1000, 10);
    w.add(FAILED, 500);
    w.add(FAILED, 100);
    expect(w.calls).toBe(2);
    w.expire(1500); // bucket 5 out
    expect(w.calls).toBe(0);
  });

  it('works with negative times and fractional bucket widths', () => {
    const w = new TimeWindow(7, 20);
    w.add(FAILED, -3.3);
    w.add(0, 0.1);
    expect(w.calls).toBe(2);
    w.expire(3.75);
    expect(w.calls).toBe(1);
  });

  it('always equals a naive filter by absolute bucket index', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2000 }),
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 700 })), { maxLength: 80 }),
        (size, buckets, ops) => {
          const w = new TimeWindow(size, buckets);
          const bucketMs = size / buckets;
          const model: { bits: number; index: number }[] = [];
          let now = 0;
          for (const [bits, dt] of ops) {
            now += dt;
            w.add(bits, now);
            const index = Math.floor(now / bucketMs);
            model.push({ bits, index });
            const live = model.filter((e) => e.index > index - buckets);
            expect(totals(w)).toEqual({
              calls: live.length,
              failures: live.filter((e) => e.bits & FAILED).length,
              slowCalls: live.filter((e) => e.bits & SLOW).length,
            });
          }
        },
      ),
    );
  });
});
