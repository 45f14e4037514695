/**
 * The behaviour every `BreakerStore` must have (see src/breaker/store.ts), as a reusable
 * vitest suite. A Redis store's tests call it with a factory for fresh, empty stores:
 *
 *   runBreakerStoreContract('RedisBreakerStore', () => new RedisBreakerStore({ client, key: uniqueKey() }));
 *
 * Every call is awaited, so synchronous and promise-returning stores both fit. The store must
 * take its time from `config.clock` here (the suite moves a manual clock).
 */
import { describe, expect, it } from 'vitest';
import type {
  BreakerOutcome,
  BreakerRules,
  BreakerStore,
  Transition,
  WindowRules,
} from '../../src/breaker/store.js';
import { ManualClock } from './helpers.js';

export interface ContractOptions {
  /** Called after each test with the store it used (e.g. to delete Redis keys). */
  cleanup?: (store: BreakerStore) => void | Promise<void>;
}

const base: BreakerRules = Object.freeze({
  recoveryTimeout: 1000,
  halfOpenMaxCalls: 2,
  successThreshold: 2,
  failureThreshold: 3,
  window: undefined,
});

const windowRules = (w: Partial<WindowRules>): BreakerRules => ({
  ...base,
  window: {
    type: 'count',
    size: 10,
    buckets: 0,
    maxAge: Infinity,
    minimumThroughput: 4,
    failureRateThreshold: 0.5,
    slowCallRateThreshold: undefined,
    ...w,
  },
});

const plain = (ts: readonly Transition[]) => ts.map((t) => ({ from: t.from, to: t.to, at: t.at }));

export function runBreakerStoreContract(
  name: string,
  makeStore: () => BreakerStore | Promise<BreakerStore>,
  options: ContractOptions = {},
): void {
  /** A fresh store configured with `rules` and a manual clock at `start`. */
  async function setup(rules: BreakerRules = base, start = 1000) {
    const clock = new ManualClock(start);
    const store = await makeStore();
    store.configure({ rules, clock });
    const acquire = async () => store.acquire();
    const record = async (permit: number, outcome: BreakerOutcome) => plain(await store.record(permit, outcome));
    const read = async () => store.read();
    /** Acquire, expect admission, record `outcome`; returns the transitions. */
    const call = async (outcome: BreakerOutcome) => {
      const a = await acquire();
      expect(a.admitted).toBe(true);
      return record(a.generation, outcome);
    };
    return { store, clock, acquire, record, read, call };
  }

  const test = (title: string, body: (s: Awaited<ReturnType<typeof setup>>) => Promise<void>, rules?: BreakerRules) =>
    it(title, async () => {
      const s = await setup(rules);
      try {
        await body(s);
      } finally {
        await options.cleanup?.(s.store);
      }
    });

  describe(`${name} (BreakerStore contract)`, () => {
    test('a fresh store is closed at generation 0 with empty counters, since = creation time', async ({ read, acquire }) => {
      const s = await read();
      expect(s).toMatchObject({
        state: 'closed',
        generation: 0,
        since: 1000,
        consecutiveFailures: 0,
        calls: 0,
        failures: 0,
        slowCalls: 0,
        probes: 0,
        probeSuccesses: 0,
      });
      expect(s.transitions).toEqual([]);
      const a = await acquire();
      expect(a).toMatchObject({ admitted: true, state: 'closed', generation: 0, retryAfter: 0 });
      expect(a.transitions).toEqual([]);
    });

    test('failureThreshold consecutive failures open it at the time of the last one', async ({ call, clock, read }) => {
      expect(await call('failure')).toEqual([]);
      expect(await call('failure')).toEqual([]);
      expect(await call('success')).toEqual([]); // a success resets the streak
      expect(await call('failure')).toEqual([]);
      expect(await call('slow-failure')).toEqual([]);
      clock.t = 1500;
      expect(await call('failure')).toEqual([{ from: 'closed', to: 'open', at: 1500 }]);
      expect(await read()).toMatchObject({ state: 'open', generation: 1, since: 1500, consecutiveFailures: 0, calls: 0 });
    });

    test('ignored outcomes change no counter', async ({ call, read }) => {
      await call('failure');
      await call('ignored');
      await call('failure');
      await call('ignored');
      expect(await read()).toMatchObject({ consecutiveFailures: 2, calls: 2, failures: 2 });
    });

    test('counts since closing: calls, failures, slow calls', async ({ call, read }) => {
      await call('success');
      await call('slow-success');
      await call('failure');
      expect(await read()).toMatchObject({ calls: 3, failures: 1, slowCalls: 1, consecutiveFailures: 1 });
    });

    test('open rejects with retryAfter = since + recoveryTimeout - now', async ({ call, clock, acquire }) => {
      for (let i = 0; i < 3; i++) await call('failure');
      clock.t = 1400;
      expect(await acquire()).toMatchObject({ admitted: false, state: 'open', generation: 1, retryAfter: 600 });
      clock.t = 1999;
      expect((await acquire()).retryAfter).toBe(1);
    });

    test('open turns half-open at since + recoveryTimeout, stamped with that time however late it is noticed', async ({
      call,
      clock,
      acquire,
    }) => {
      for (let i = 0; i < 3; i++) await call('failure');
      clock.t = 2700;
      const a = await acquire();
      expect(a).toMatchObject({ admitted: true, state: 'half-open', generation: 2, retryAfter: 0 });
      expect(plain(a.transitions)).toEqual([{ from: 'open', to: 'half-open', at: 2000 }]);
    });

    test('read settles too: an overdue open store reads half-open, with the transition', async ({ call, clock, read }) => {
      for (let i = 0; i < 3; i++) await call('failure');
      clock.t = 2000;
      const s = await read();
      expect(s).toMatchObject({ state: 'half-open', since: 2000, generation: 2, probes: 0 });
      expect(plain(s.transitions)).toEqual([{ from: 'open', to: 'half-open', at: 2000 }]);
      expect((await read()).transitions).toEqual([]);
    });

    test('half-open admits halfOpenMaxCalls probes, then rejects with retryAfter 0', async ({ call, clock, acquire, read }) => {
      for (let i = 0; i < 3; i++) await call('failure');
      clock.t = 2000;
      expect((await acquire()).admitted).toBe(true);
      expect((await acquire()).admitted).toBe(true);
      expect(await acquire()).toMatchObject({ admitted: false, state: 'half-open', retryAfter: 0 });
      expect(await read()).toMatchObject({ probes: 2 });
    });

    test('successThreshold successful probes close it; a failed probe re-opens it', async ({ call, clock, acquire, record, read }) => {
      for (let i = 0; i < 3; i++) await call('failure');
      clock.t = 2000;
      const p1 = await acquire();
      const p2 = await acquire();
      expect(await record(p1.generation, 'success')).toEqual([]);
      expect(await read()).toMatchObject({ state: 'half-open', probes: 1, probeSuccesses: 1 });
      clock.t = 2100;
      expect(await record(p2.generation, 'success')).toEqual([{ from: 'half-open', to: 'closed', at: 2100 }]);
      expect(await read()).toMatchObject({ state: 'closed', generation: 3, since: 2100, probes: 0 });
      for (let i = 0; i < 3; i++) await call('failure');
      clock.t = 3100;
      const p3 = await acquire();
      expect(await record(p3.generation, 'failure')).toEqual([{ from: 'half-open', to: 'open', at: 3100 }]);
      expect(await read()).toMatchObject({ state: 'open', since: 3100 });
    });

    test('an ignored probe frees its slot and counts nothing', async ({ call, clock, acquire, record, read }) => {
      for (let i = 0; i < 3; i++) await call('failure');
      clock.t = 2000;
      const p1 = await acquire();
      await acquire();
      expect(await record(p1.generation, 'ignored')).toEqual([]);
      expect(await read()).toMatchObject({ state: 'half-open', probes: 1, probeSuccesses: 0 });
      expect((await acquire()).admitted).toBe(true);
    });

    test('an extra report in half-open never frees a slot nobody holds (probes never below 0)', async ({
      call,
      clock,
      acquire,
      record,
      read,
    }) => {
      for (let i = 0; i < 3; i++) await call('failure');
      clock.t = 2000;
      const p = await acquire();
      await record(p.generation, 'ignored');
      await record(p.generation, 'ignored'); // reported twice
      expect(await read()).toMatchObject({ state: 'half-open', probes: 0 });
      expect((await acquire()).admitted).toBe(true);
      expect((await acquire()).admitted).toBe(true);
      expect((await acquire()).admitted).toBe(false);
    });

    test('a slow successful probe is a success unless slowCallRateThreshold is set', async ({ call, clock, acquire, record }) => {
      for (let i = 0; i < 3; i++) await call('failure');
      clock.t = 2000;
      const p = await acquire();
      expect(await record(p.generation, 'slow-success')).toEqual([]);
    });

    test('stale outcomes (an older generation) change nothing', async ({ acquire, record, call, read, clock }) => {
      const early = await acquire(); // admitted while closed, generation 0
      for (let i = 0; i < 3; i++) await call('failure');
      expect(await record(early.generation, 'failure')).toEqual([]);
      clock.t = 2000;
      await acquire(); // half-open probe, generation 2
      expect(await record(early.generation, 'success')).toEqual([]);
      expect(await read()).toMatchObject({ state: 'half-open', probes: 1, probeSuccesses: 0 });
    });

    test('lost probes: all slots busy for recoveryTimeout re-opens at lastProbeAt + recoveryTimeout', async ({
      call,
      clock,
      acquire,
      record,
      read,
    }) => {
      for (let i = 0; i < 3; i++) await call('failure');
      clock.t = 2000;
      const p1 = await acquire();
      clock.t = 2200;
      await acquire(); // second slot, lastProbeAt = 2200
      clock.t = 3199;
      expect(await acquire()).toMatchObject({ admitted: false, state: 'half-open', retryAfter: 0 });
      clock.t = 3200;
      const s = await read();
      expect(s).toMatchObject({ state: 'open', since: 3200, probes: 0 });
      expect(plain(s.transitions)).toEqual([{ from: 'half-open', to: 'open', at: 3200 }]);
      expect(await record(p1.generation, 'success')).toEqual([]); // late: stale
      clock.t = 4200;
      const a = await acquire();
      expect(a).toMatchObject({ admitted: true, state: 'half-open' });
      expect(plain(a.transitions)).toEqual([{ from: 'open', to: 'half-open', at: 4200 }]);
    });

    test('half-open with a free slot waits for a probe however long nobody calls, even with an old probe in flight', async ({
      call,
      clock,
      acquire,
      read,
    }) => {
      for (let i = 0; i < 3; i++) await call('failure');
      clock.t = 2000;
      expect((await read()).state).toBe('half-open');
      clock.t = 50_000;
      expect(await read()).toMatchObject({ state: 'half-open', since: 2000 });
      await acquire(); // one slot busy, never settled
      clock.t = 90_000;
      const a = await acquire(); // the other slot is free: no reason to give up on the round
      expect(a).toMatchObject({ admitted: true, state: 'half-open', generation: 2 });
      expect(a.transitions).toEqual([]);
    });

    test('lost probes and the next recovery are both settled in one step when both are due', async ({ call, clock, acquire }) => {
      for (let i = 0; i < 3; i++) await call('failure');
      clock.t = 2000;
      await acquire();
      await acquire();
      clock.t = 9000;
      const a = await acquire();
      expect(a).toMatchObject({ admitted: true, state: 'half-open' });
      expect(plain(a.transitions)).toEqual([
        { from: 'half-open', to: 'open', at: 3000 },
        { from: 'open', to: 'half-open', at: 4000 },
      ]);
    });

    test('reset from open closes (one transition) and makes earlier permits stale', async ({ call, clock, acquire, store, read, record }) => {
      for (let i = 0; i < 3; i++) await call('failure');
      clock.t = 1200;
      expect(plain(await store.reset())).toEqual([{ from: 'open', to: 'closed', at: 1200 }]);
      const a = await acquire();
      expect(a).toMatchObject({ admitted: true, state: 'closed' });
      await store.reset(); // closed → closed: a new era, no transition
      expect(await record(a.generation, 'failure')).toEqual([]);
      expect(await read()).toMatchObject({ state: 'closed', consecutiveFailures: 0, calls: 0, since: 1200 });
    });

    test('concurrent acquires in half-open admit exactly halfOpenMaxCalls', async ({ call, clock, store }) => {
      for (let i = 0; i < 3; i++) await call('failure');
      clock.t = 2000;
      const answers = await Promise.all(Array.from({ length: 10 }, () => store.acquire()));
      expect(answers.filter((a) => a.admitted)).toHaveLength(2);
      expect(answers.flatMap((a) => plain(a.transitions))).toEqual([{ from: 'open', to: 'half-open', at: 2000 }]);
    });

    test('concurrent failures past the threshold open it exactly once', async ({ acquire, store }) => {
      const permits = await Promise.all(Array.from({ length: 8 }, () => acquire()));
      const results = await Promise.all(permits.map((p) => store.record(p.generation, 'failure')));
      expect(results.flatMap((r) => plain(r))).toEqual([{ from: 'closed', to: 'open', at: 1000 }]);
    });

    describe('count window', () => {
      test(
        'opens when the failure rate reaches the threshold once minimumThroughput calls were seen',
        async ({ call, read }) => {
          expect(await call('failure')).toEqual([]);
          expect(await call('failure')).toEqual([]);
          expect(await call('failure')).toEqual([]); // 3 calls < minimumThroughput 4
          expect(await call('success')).toEqual([{ from: 'closed', to: 'open', at: 1000 }]); // 3/4 >= 0.5
          expect(await read()).toMatchObject({ state: 'open', calls: 0 });
        },
        windowRules({}),
      );

      test(
        'keeps only the last size calls',
        async ({ call, read }) => {
          for (let i = 0; i < 3; i++) await call('failure');
          for (let i = 0; i < 10; i++) await call('success');
          expect(await read()).toMatchObject({ calls: 10, failures: 0 });
        },
        windowRules({ minimumThroughput: 10, failureRateThreshold: 0.9 }),
      );

      test(
        'without maxAge keeps old outcomes however long it was idle (the last N calls)',
        async ({ call, read, clock }) => {
          await call('failure');
          await call('success');
          clock.t += 1e9;
          expect(await read()).toMatchObject({ calls: 2, failures: 1 });
        },
        windowRules({}),
      );

      test(
        'with maxAge drops outcomes older than maxAge',
        async ({ call, read, clock }) => {
          await call('failure');
          clock.t = 1500;
          await call('failure');
          clock.t = 1999;
          expect(await read()).toMatchObject({ calls: 2, failures: 2 });
          clock.t = 2000; // the first is maxAge old
          expect(await read()).toMatchObject({ calls: 1, failures: 1 });
          clock.t = 9000;
          expect(await call('failure')).toEqual([]); // 1 call in the window: below minimumThroughput
          expect(await read()).toMatchObject({ calls: 1, failures: 1 });
        },
        windowRules({ maxAge: 1000 }),
      );

      test(
        'with maxAge, a success checks the rate too: older successes aging out can raise it',
        async ({ call, read, clock }) => {
          for (let i = 0; i < 4; i++) await call('success');
          clock.t = 1500;
          for (let i = 0; i < 3; i++) expect(await call('failure')).toEqual([]); // 3 of 7
          clock.t = 2000; // the 4 successes leave
          expect(await call('success')).toEqual([{ from: 'closed', to: 'open', at: 2000 }]); // 3 of 4
          expect(await read()).toMatchObject({ state: 'open' });
        },
        windowRules({ size: 20, maxAge: 1000 }),
      );

      test(
        'slow-call rate opens it; slow calls are counted apart from failures',
        async ({ call, read }) => {
          await call('slow-success');
          await call('slow-failure');
          await call('success');
          expect(await read()).toMatchObject({ calls: 3, failures: 1, slowCalls: 2 });
          expect(await call('slow-success')).toEqual([{ from: 'closed', to: 'open', at: 1000 }]); // 3/4 slow
        },
        windowRules({ failureRateThreshold: undefined, slowCallRateThreshold: 0.75 }),
      );

      test(
        'a slow successful probe fails the probe when slowCallRateThreshold is set',
        async ({ call, clock, acquire, record }) => {
          for (let i = 0; i < 4; i++) await call('slow-success');
          clock.t = 2000;
          const p = await acquire();
          expect(await record(p.generation, 'slow-success')).toEqual([{ from: 'half-open', to: 'open', at: 2000 }]);
        },
        windowRules({ failureRateThreshold: undefined, slowCallRateThreshold: 1 }),
      );
    });

    describe('time window', () => {
      // size 1000 ms in 10 buckets of 100 ms; a call's bucket leaves 10 buckets later.
      const timeRules = windowRules({ type: 'time', size: 1000, buckets: 10, minimumThroughput: 3, failureRateThreshold: 0.6 });

      test(
        'counts calls of the current window',
        async ({ call, read, clock }) => {
          await call('failure');
          clock.t = 1450;
          await call('success');
          expect(await read()).toMatchObject({ calls: 2, failures: 1 });
        },
        timeRules,
      );

      test(
        'a success checks the rate too: older successes aging out can raise it',
        async ({ call, clock }) => {
          for (let i = 0; i < 4; i++) await call('success');
          clock.t = 1500;
          for (let i = 0; i < 3; i++) expect(await call('failure')).toEqual([]); // 3 of 7
          clock.t = 2100; // the 4 successes' bucket left
          expect(await call('success')).toEqual([{ from: 'closed', to: 'open', at: 2100 }]); // 3 of 4 >= 0.6
        },
        timeRules,
      );

      test(
        'drops buckets that fell out of the window, by absolute bucket index',
        async ({ call, read, clock }) => {
          clock.t = 1050; // bucket 10
          await call('failure');
          clock.t = 1999; // bucket 19: still in
          expect(await read()).toMatchObject({ calls: 1, failures: 1 });
          clock.t = 2000; // bucket 20: bucket 10 is out
          expect(await read()).toMatchObject({ calls: 0, failures: 0 });
        },
        timeRules,
      );

      test(
        'stale failures from before an idle period never count (cockatiel #64)',
        async ({ call, read, clock }) => {
          await call('failure');
          await call('failure');
          clock.t += 5 * 60_000; // idle
          expect(await call('failure')).toEqual([]); // 1 failure in the window, below minimumThroughput
          expect(await read()).toMatchObject({ calls: 1, failures: 1, state: 'closed' });
          // exactly one window later (same bucket slot, different index) is not reused either
          clock.t += 1000;
          expect(await read()).toMatchObject({ calls: 0 });
        },
        timeRules,
      );

      test(
        'opens on the rate over the window',
        async ({ call, clock }) => {
          await call('failure');
          clock.t = 1300;
          await call('success');
          clock.t = 1600;
          expect(await call('failure')).toEqual([{ from: 'closed', to: 'open', at: 1600 }]); // 2/3
        },
        timeRules,
      );
    });
  });
}
