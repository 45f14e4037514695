import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  BUDGET_SPAN,
  type BudgetExchange,
  type BudgetStore,
  type BudgetTotals,
  MemoryBudgetStore,
} from '../../src/budget/budget-store.js';
import { RetryBudget } from '../../src/budget/retry-budget.js';
import type { Clock } from '../../src/core/clock.js';

const fakeClock = (now = 0): Clock & { t: number } => {
  const c = { t: now, now: () => c.t, setTimeout: () => undefined, clearTimeout: () => undefined };
  return c;
};

const zeros = (): number[] => Array<number>(BUDGET_SPAN).fill(0);
const at = (i: number, n: number): number[] => Object.assign(zeros(), { [i]: n });

/**
 * A remote-like store: answers with a promise that the test settles, backed by a
 * MemoryBudgetStore that applies a request only when it "arrives" (on `deliver`).
 */
class SlowStore implements BudgetStore {
  readonly shared = new MemoryBudgetStore();
  readonly requests: BudgetExchange[] = [];
  readonly #queue: Array<{ request: BudgetExchange; resolve: (t: BudgetTotals) => void; reject: (e: unknown) => void }> = [];
  resets = 0;

  exchange(request: BudgetExchange): Promise<BudgetTotals> {
    this.requests.push(request);
    return new Promise((resolve, reject) => this.#queue.push({ request, resolve, reject }));
  }
  get inFlight(): number {
    return this.#queue.length;
  }
  /** Apply and answer every queued request (or fail them all). */
  async deliver(fail = false): Promise<void> {
    for (const q of this.#queue.splice(0)) {
      if (fail) q.reject(new Error('connection lost'));
      else q.resolve(this.shared.exchange(q.request));
    }
    await new Promise((r) => setImmediate(r));
  }
  reset(): Promise<void> {
    this.resets++;
    this.shared.reset();
    return Promise.resolve();
  }
}

afterEach(() => {
  vi.useRealTimers();
});

describe('MemoryBudgetStore', () => {
  it('adds the request counts and returns the shared totals of the 11 buckets after the addition', () => {
    const store = new MemoryBudgetStore();
    expect(store.exchange({ bucketWidth: 100, bucket: 20, firsts: at(10, 3), retries: at(9, 1) })).toEqual({
      firsts: at(10, 3),
      retries: at(9, 1),
    });
    // one bucket later, the same counts are one index older
    expect(store.exchange({ bucketWidth: 100, bucket: 21, firsts: at(10, 2), retries: zeros() })).toEqual({
      firsts: Object.assign(at(9, 3), { 10: 2 }),
      retries: at(8, 1),
    });
  });

  it('keeps grids of different bucket widths apart', () => {
    const store = new MemoryBudgetStore();
    store.exchange({ bucketWidth: 100, bucket: 5, firsts: at(10, 4), retries: zeros() });
    expect(store.exchange({ bucketWidth: 1000, bucket: 5, firsts: zeros(), retries: zeros() }).firsts).toEqual(zeros());
  });

  it('reads 0 for buckets that left the span, and for a bucket older than one it already replaced', () => {
    const store = new MemoryBudgetStore();
    store.exchange({ bucketWidth: 10, bucket: 0, firsts: at(10, 5), retries: zeros() });
    expect(store.exchange({ bucketWidth: 10, bucket: 11, firsts: zeros(), retries: zeros() }).firsts).toEqual(zeros());
    // bucket 0 shares a slot with bucket 11: asking for it now (a lagging clock) reads 0 and adds nothing
    const lagging = store.exchange({ bucketWidth: 10, bucket: 10, firsts: at(0, 7), retries: zeros() });
    expect(lagging.firsts[0]).toBe(0);
  });

  it('reset() forgets every grid', () => {
    const store = new MemoryBudgetStore();
    store.exchange({ bucketWidth: 10, bucket: 0, firsts: at(10, 5), retries: zeros() });
    store.reset();
    expect(store.exchange({ bucketWidth: 10, bucket: 0, firsts: zeros(), retries: zeros() }).firsts).toEqual(zeros());
  });
});

describe('RetryBudget sharing a synchronous store', () => {
  it('budgets sharing a MemoryBudgetStore are limited by their combined counts, exactly', () => {
    const store = new MemoryBudgetStore();
    const clock = fakeClock(5_000);
    const a = new RetryBudget({ store, clock, ratio: 0.5, minRetriesPerSecond: 0 });
    const b = new RetryBudget({ store, clock, ratio: 0.5, minRetriesPerSecond: 0 });
    for (let i = 0; i < 10; i++) (i % 2 === 0 ? a : b).recordFirstAttempt(); // 10 firsts in all → 5 retries
    expect(a.getStats().firstAttempts).toBe(10);
    expect([a.tryAcquireRetry(), a.tryAcquireRetry(), a.tryAcquireRetry()]).toEqual([true, true, true]);
    expect([b.tryAcquireRetry(), b.tryAcquireRetry(), b.tryAcquireRetry()]).toEqual([true, true, false]);
    expect(a.tryAcquireRetry()).toBe(false);
    expect(b.getStats()).toEqual({ firstAttempts: 10, retries: 5, available: 0, ratio: 0.5 });
  });

  it('shared counts expire with the window like local ones', () => {
    const store = new MemoryBudgetStore();
    const clock = fakeClock(0);
    const a = new RetryBudget({ store, clock, ratio: 1, minRetriesPerSecond: 0, window: 1000 });
    const b = new RetryBudget({ store, clock, ratio: 1, minRetriesPerSecond: 0, window: 1000 });
    a.recordFirstAttempt();
    expect(b.getStats().firstAttempts).toBe(1);
    clock.t = 1000;
    expect(b.getStats().firstAttempts).toBe(0);
    expect(b.tryAcquireRetry()).toBe(false);
  });

  it('reset() clears the shared store too', () => {
    const store = new MemoryBudgetStore();
    const clock = fakeClock(0);
    const a = new RetryBudget({ store, clock });
    const b = new RetryBudget({ store, clock });
    a.recordFirstAttempt();
    b.reset();
    expect(a.getStats().firstAttempts).toBe(1); // a's own count stays until a resets
    expect(new RetryBudget({ store, clock }).getStats().firstAttempts).toBe(0);
  });

  it('uses wall time (Date.now) for bucket numbers when a store is set and no clock is given', () => {
    vi.useFakeTimers({ now: 1_700_000_123_456 });
    const requests: BudgetExchange[] = [];
    const inner = new MemoryBudgetStore();
    const spy: BudgetStore = { exchange: (r) => (requests.push(r), inner.exchange(r)), reset: () => inner.reset() };
    new RetryBudget({ store: spy }).recordFirstAttempt();
    expect(requests[0]).toMatchObject({ bucketWidth: 1000, bucket: 1_700_000_123 });
  });

  it('a store that throws never breaks a decision: the budget goes on from its own counts and resends', () => {
    let fail = true;
    const inner = new MemoryBudgetStore();
    const store: BudgetStore = {
      exchange: (r) => {
        if (fail) throw new Error('down');
        return inner.exchange(r);
      },
      reset: () => undefined,
    };
    const b = new RetryBudget({ store, clock: fakeClock(), ratio: 1, minRetriesPerSecond: 0 });
    b.recordFirstAttempt();
    b.recordFirstAttempt();
    expect([b.tryAcquireRetry(), b.tryAcquireRetry(), b.tryAcquireRetry()]).toEqual([true, true, false]);
    fail = false;
    b.recordFirstAttempt(); // next exchange carries every count not yet taken
    const totals = inner.exchange({ bucketWidth: 1000, bucket: 0, firsts: zeros(), retries: zeros() });
    expect([totals.firsts[10], totals.retries[10]]).toEqual([3, 2]);
  });

  it('a malformed answer counts as a failed exchange', () => {
    const sent: BudgetExchange[] = [];
    const store: BudgetStore = { exchange: (r) => (sent.push(r), { firsts: [1] } as never), reset: () => undefined };
    const b = new RetryBudget({ store, clock: fakeClock(), ratio: 1, minRetriesPerSecond: 0 });
    b.recordFirstAttempt();
    b.recordFirstAttempt();
    expect(b.getStats().firstAttempts).toBe(2);
    expect(sent.at(-1)?.firsts[10]).toBe(2); // the first count was sent again
  });
});

describe('RetryBudget with an asynchronous (remote) store', () => {
  it('decides synchronously from local counts while an exchange is in flight', () => {
    const store = new SlowStore();
    const b = new RetryBudget({ store, clock: fakeClock(), ratio: 1, minRetriesPerSecond: 0 });
    b.recordFirstAttempt();
    expect(store.inFlight).toBe(1);
    expect(b.tryAcquireRetry()).toBe(true);
    expect(b.tryAcquireRetry()).toBe(false);
    expect(store.inFlight).toBe(1); // at most one exchange in flight
  });

  it("learns other processes' counts at its next exchange; exchanges at most once per bucket", async () => {
    const store = new SlowStore();
    const clock = fakeClock(0);
    const a = new RetryBudget({ store, clock, ratio: 0.5, minRetriesPerSecond: 0 });
    const b = new RetryBudget({ store, clock, ratio: 0.5, minRetriesPerSecond: 0 });
    const synced = async (x: RetryBudget) => {
      const done = x.sync();
      await store.deliver();
      await done;
    };
    for (let i = 0; i < 8; i++) a.recordFirstAttempt(); // the first one starts a's exchange for bucket 0
    expect(store.requests).toHaveLength(1);
    await store.deliver();
    b.recordFirstAttempt(); // b pushes 1 and pulls what a has shared so far (1)
    await store.deliver();
    expect(b.getStats().firstAttempts).toBe(2);
    clock.t = 1000; // bucket 1: a's next event shares the 7 others and its new retry waits for the next one
    expect(a.tryAcquireRetry()).toBe(true);
    await store.deliver();
    expect(a.getStats().firstAttempts).toBe(9);
    await synced(a);
    await synced(b);
    expect(b.getStats()).toEqual({ firstAttempts: 9, retries: 1, available: 3, ratio: 1 / 9 });
  });

  it('a failed exchange is resent: the shared counters end up with every count exactly once', async () => {
    const store = new SlowStore();
    const clock = fakeClock(0);
    const b = new RetryBudget({ store, clock, ratio: 1, minRetriesPerSecond: 0 });
    b.recordFirstAttempt();
    b.recordFirstAttempt();
    await store.deliver(true); // lost
    b.recordFirstAttempt();
    const done = b.sync();
    await store.deliver();
    await done;
    const totals = store.shared.exchange({ bucketWidth: 1000, bucket: 0, firsts: zeros(), retries: zeros() });
    expect(totals.firsts[10]).toBe(3);
  });

  it('an answer that arrives after reset() is ignored, and reset() resets the store', async () => {
    const store = new SlowStore();
    const b = new RetryBudget({ store, clock: fakeClock(), ratio: 1, minRetriesPerSecond: 0 });
    const other = new RetryBudget({ store, clock: fakeClock(), ratio: 1, minRetriesPerSecond: 0 });
    other.recordFirstAttempt();
    await store.deliver();
    b.recordFirstAttempt();
    const reset = b.reset();
    expect(reset).toBeInstanceOf(Promise);
    await reset;
    await store.deliver(); // b's stale exchange comes back
    expect(b.getStats().firstAttempts).toBe(0);
    expect(store.resets).toBe(1);
  });

  it('sync() without a store resolves at once', async () => {
    await expect(new RetryBudget().sync()).resolves.toBeUndefined();
  });
});
