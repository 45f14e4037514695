import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { BULK_DEFAULTS, BulkRetryManager, type BulkProgress } from '../../src/bulk/bulk-retry-manager.js';
import { CircuitBreaker } from '../../src/breaker/circuit-breaker.js';
import { RetryBudget } from '../../src/budget/retry-budget.js';
import { VirtualClock, flush } from '../../src/core/virtual-clock.js';
import {
  BulkRetryError,
  CircuitOpenError,
  MaxRetriesExceededError,
  RetryBudgetExceededError,
} from '../../src/errors/library-errors.js';
import { NonRetryableError } from '../../src/errors/vocabulary.js';
import { RetryMetrics } from '../../src/observability/metrics.js';
import { RetryPolicy } from '../../src/policies/retry-policy.js';
import { FixedDelayStrategy } from '../../src/strategies/fixed.js';
import { LinearBackoffStrategy } from '../../src/strategies/linear.js';
import { RecordingClock } from '../helpers/recording-clock.js';

/** An operation that takes `ms` of virtual time and then fails `failures` times before returning `value`. */
const timed = <T>(clock: VirtualClock, ms: number, value: T, failures = 0) => {
  let calls = 0;
  return () =>
    new Promise<T>((resolve, reject) => {
      calls++;
      const fail = calls <= failures;
      clock.setTimeout(() => (fail ? reject(new Error(`fail ${calls}`)) : resolve(value)), ms);
    });
};

const ok = <T>(value: T) => async () => value;
const bad = (message = 'down') => async () => {
  throw new Error(message);
};

describe('BulkRetryManager: options', () => {
  it('has frozen defaults maxAttempts 3, baseDelay 1000, partialSuccessThreshold 1, concurrency 10', () => {
    expect(BULK_DEFAULTS).toEqual({ maxAttempts: 3, baseDelay: 1000, partialSuccessThreshold: 1, concurrency: 10 });
    expect(Object.isFrozen(BULK_DEFAULTS)).toBe(true);
    const m = new BulkRetryManager();
    expect([m.maxAttempts, m.concurrency, m.partialSuccessThreshold]).toEqual([3, 10, 1]);
  });

  it('baseDelay is the strategy base delay between an operation’s attempts', async () => {
    const clock = new RecordingClock();
    const strategy = new FixedDelayStrategy({ maxAttempts: 4, delay: 5 });
    const m = new BulkRetryManager({ strategy, baseDelay: 250, clock, concurrency: 1, timeout: Infinity });
    const p = m.executeBulk([bad()], {});
    const check = expect(p).rejects.toBeInstanceOf(BulkRetryError);
    await clock.runAll();
    await check;
    expect(clock.delays).toEqual([250, 250, 250]);
  });

  it('without strategy or policy, waits baseDelay 1000 (jittered below it) and makes 3 attempts', async () => {
    const clock = new RecordingClock();
    const m = new BulkRetryManager({ clock, timeout: Infinity, partialSuccessThreshold: 0 });
    const p = m.executeBulk([bad()]);
    await clock.runAll();
    const r = await p;
    expect(r.failed[0]?.attempts).toBe(3);
    expect(clock.delays).toHaveLength(2);
    expect(clock.delays[0]).toBeLessThanOrEqual(1000);
    expect(clock.delays[1]).toBeLessThanOrEqual(2000);
  });

  it('a given strategy keeps its own maxAttempts and delay unless they are passed', async () => {
    const strategy = new LinearBackoffStrategy({ maxAttempts: 6, baseDelay: 0, increment: 0 });
    const m = new BulkRetryManager({ strategy, partialSuccessThreshold: 0 });
    expect(m.maxAttempts).toBe(6);
    const r = await m.executeBulk([bad()]);
    expect(r.failed[0]?.attempts).toBe(6);
    expect(new BulkRetryManager({ strategy, maxAttempts: 2 }).maxAttempts).toBe(2);
  });

  it.each([
    [{ partialSuccessThreshold: 1.5 }, RangeError, /partialSuccessThreshold.*got 1\.5/],
    [{ partialSuccessThreshold: -0.1 }, RangeError, /partialSuccessThreshold.*got -0\.1/],
    [{ partialSuccessThreshold: Number.NaN }, RangeError, /partialSuccessThreshold.*got NaN/],
    [{ partialSuccessThreshold: '0.5' }, TypeError, /partialSuccessThreshold.*got "0\.5"/],
    [{ concurrency: 0 }, RangeError, /concurrency.*got 0/],
    [{ concurrency: 2.5 }, RangeError, /concurrency.*got 2\.5/],
    [{ concurrency: -1 }, RangeError, /concurrency.*got -1/],
    [{ maxAttempts: 0 }, RangeError, /maxAttempts.*got 0/],
    [{ baseDelay: -5 }, RangeError, /^`baseDelay` must be .*got -5$/],
    [{ baseDelay: Number.NaN }, RangeError, /^`baseDelay` .*got NaN$/],
    [{ baseDelay: '5' }, TypeError, /^`baseDelay` .*got "5"$/],
    [{ delay: -5 }, RangeError, /^`delay` must be .*got -5$/],
    [{ maxAttempts: null }, TypeError, /^`maxAttempts` must be .*got null$/],
    [{ delay: null }, TypeError, /^`delay` must be .*got null$/],
    [{ baseDelay: null }, TypeError, /^`baseDelay` must be .*got null$/],
    [{ maxAttempts: null, strategy: new FixedDelayStrategy({ delay: 1 }) }, TypeError, /^`maxAttempts` .*got null$/],
    [{ baseDelay: null, policy: new RetryPolicy() }, TypeError, /^`baseDelay` .*got null$/],
    [{ baseDelay: 10, delay: 20 }, TypeError, /baseDelay.*delay.*not both/],
    [{ concurency: 3 }, TypeError, /unknown option `concurency`/],
    [{ budget: {} }, TypeError, /budget/],
    [{ timeout: -1 }, RangeError, /timeout.*got -1/],
  ])('bad option %j throws at construction', (options, type, message) => {
    expect(() => new BulkRetryManager(options as never)).toThrow(type);
    expect(() => new BulkRetryManager(options as never)).toThrow(message);
  });

  it('accepts concurrency Infinity (no limit) and delay as an alias of baseDelay', () => {
    expect(new BulkRetryManager({ concurrency: Infinity }).concurrency).toBe(Infinity);
    expect(() => new BulkRetryManager({ delay: 0 })).not.toThrow();
  });

  it('never mutates the options object', () => {
    const options = Object.freeze({ baseDelay: 10, concurrency: 2 });
    expect(() => new BulkRetryManager(options)).not.toThrow();
    expect(options).toEqual({ baseDelay: 10, concurrency: 2 });
  });

  it('rejects a non-array, a non-function entry (naming its index) and bad execute options with a TypeError', () => {
    const m = new BulkRetryManager({ baseDelay: 0 });
    expect(() => m.executeBulk('x' as never)).toThrow(/`operations` must be an array/);
    expect(() => m.executeBulk([ok(1), 42 as never, ok(3)])).toThrow(TypeError);
    expect(() => m.executeBulk([ok(1), 42 as never, ok(3)])).toThrow(/`operations\[1\]` must be a function, got 42/);
    expect(() => m.executeBulk([], { onProgress: 3 as never })).toThrow(/onProgress.*got 3/);
    expect(() => m.executeBulk([], { signal: {} as never })).toThrow(/signal.*AbortSignal/);
    expect(() => m.executeBulk([], { onprogress: () => {} } as never)).toThrow(/unknown option `onprogress`/);
  });
});

describe('BulkRetryManager: results', () => {
  it('keeps the input index whatever the completion order', async () => {
    const clock = new VirtualClock();
    const durations = [50, 10, 40, 0, 30, 20, 5, 45];
    const ops = durations.map((ms, i) => timed(clock, ms, `v${i}`, i % 3 === 0 ? 1 : 0));
    const m = new BulkRetryManager({ clock, baseDelay: 7, concurrency: 3, timeout: Infinity });
    const p = m.executeBulk(ops);
    await clock.runAll();
    const r = await p;
    expect(r.successful.map((s) => s.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(r.successful.map((s) => s.value)).toEqual(durations.map((_, i) => `v${i}`));
    expect(r.failed).toEqual([]);
    expect(r).toMatchObject({ total: 8, successRate: 1 });
  });

  it('records per-operation attempts from the executor (1 = first try)', async () => {
    const m = new BulkRetryManager({ maxAttempts: 4, baseDelay: 0, partialSuccessThreshold: 0 });
    const clock = new VirtualClock();
    const ops = [0, 1, 2, 3, 9].map((failures, i) => timed(clock, 1, i, failures));
    const p = m.executeBulk(ops);
    await clock.runAll();
    const r = await p;
    expect(r.successful.map((s) => [s.index, s.attempts])).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
      [3, 4],
    ]);
    expect(r.failed).toHaveLength(1);
    expect(r.failed[0]).toMatchObject({ index: 4, attempts: 4 });
    expect(r.failed[0]?.error).toBeInstanceOf(MaxRetriesExceededError);
  });

  it('hands each operation the executor context { attempt, signal }', async () => {
    const seen: number[] = [];
    const m = new BulkRetryManager({ baseDelay: 0, maxAttempts: 3 });
    await m.executeBulk([
      ({ attempt, signal }) => {
        seen.push(attempt);
        expect(signal.aborted).toBe(false);
        if (attempt < 3) throw new Error('again');
        return 'done';
      },
    ]);
    expect(seen).toEqual([1, 2, 3]);
  });

  it('a non-retryable error fails its operation at once with the user error unchanged', async () => {
    const fatal = new NonRetryableError('no');
    const m = new BulkRetryManager({ baseDelay: 0, partialSuccessThreshold: 0.5 });
    const r = await m.executeBulk([ok('a'), () => Promise.reject(fatal)]);
    expect(r.failed).toEqual([{ index: 1, error: fatal, attempts: 1 }]);
    expect(r.successRate).toBe(0.5);
  });

  it('an empty batch resolves with total 0 and successRate 1, without progress calls', async () => {
    const progress: BulkProgress[] = [];
    const r = await new BulkRetryManager().executeBulk([], { onProgress: (p) => progress.push(p) });
    expect(r).toEqual({ successful: [], failed: [], total: 0, successRate: 1 });
    expect(progress).toEqual([]);
  });

  it('a synchronous throw and a synchronous value count like a rejection and a resolution', async () => {
    const m = new BulkRetryManager({ baseDelay: 0, maxAttempts: 2, partialSuccessThreshold: 0 });
    const r = await m.executeBulk<number>([
      () => 1,
      () => {
        throw new Error('sync');
      },
    ]);
    expect(r.successful).toEqual([{ index: 0, value: 1, attempts: 1 }]);
    expect(r.failed[0]).toMatchObject({ index: 1, attempts: 2 });
  });
});

describe('BulkRetryManager: partialSuccessThreshold', () => {
  const batch = (succeed: number, fail: number) => [
    ...Array.from({ length: succeed }, (_, i) => ok(i)),
    ...Array.from({ length: fail }, () => bad()),
  ];

  it('default 1: one failure rejects with BulkRetryError carrying the full result', async () => {
    const m = new BulkRetryManager({ baseDelay: 0 });
    const error = await m.executeBulk(batch(9, 1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BulkRetryError);
    const result = (error as BulkRetryError<unknown>).result as { successful: unknown[]; failed: { index: number }[] };
    expect(result).toMatchObject({ total: 10, successRate: 0.9 });
    expect(result.successful).toHaveLength(9);
    expect(result.failed.map((f) => f.index)).toEqual([9]);
    expect((error as Error).message).toMatch(/9 of 10 .*successRate 0\.9.*partialSuccessThreshold 1/);
    // like every library error it has a cause: the first failed operation's error
    expect((error as Error).cause).toBe((result.failed[0] as unknown as { error: unknown }).error);
  });

  it('a success rate exactly at the threshold resolves; just below it rejects', async () => {
    await expect(new BulkRetryManager({ baseDelay: 0, partialSuccessThreshold: 0.7 }).executeBulk(batch(7, 3))).resolves.toMatchObject({
      successRate: 0.7,
    });
    await expect(new BulkRetryManager({ baseDelay: 0, partialSuccessThreshold: 0.71 }).executeBulk(batch(7, 3))).rejects.toBeInstanceOf(
      BulkRetryError,
    );
  });

  it('threshold 0 never rejects for failures, even when every operation fails', async () => {
    const r = await new BulkRetryManager({ baseDelay: 0, partialSuccessThreshold: 0 }).executeBulk(batch(0, 4));
    expect(r).toMatchObject({ total: 4, successRate: 0 });
    expect(r.failed.map((f) => f.index)).toEqual([0, 1, 2, 3]);
  });

  it('BulkRetryError.result is the same object a resolving run would return (shape and order)', async () => {
    const m = new BulkRetryManager({ baseDelay: 0, maxAttempts: 1 });
    const error = (await m.executeBulk([bad('x'), ok('y'), bad('z')]).catch((e: unknown) => e)) as BulkRetryError<unknown>;
    expect(error.result).toEqual({
      successful: [{ index: 1, value: 'y', attempts: 1 }],
      failed: [
        { index: 0, error: expect.any(MaxRetriesExceededError), attempts: 1 },
        { index: 2, error: expect.any(MaxRetriesExceededError), attempts: 1 },
      ],
      total: 3,
      successRate: 1 / 3,
    });
  });
});

describe('BulkRetryManager: progress', () => {
  it('calls onProgress once per settled operation with done counting up to total', async () => {
    const progress: BulkProgress[] = [];
    const m = new BulkRetryManager({ baseDelay: 0, maxAttempts: 1, partialSuccessThreshold: 0, concurrency: 2 });
    await m.executeBulk([ok(1), bad(), ok(3), ok(4)], { onProgress: (p) => progress.push(p) });
    expect(progress.map((p) => p.done)).toEqual([1, 2, 3, 4]);
    expect(progress.every((p) => p.total === 4 && p.succeeded + p.failed === p.done)).toBe(true);
    expect(progress.at(-1)).toEqual({ done: 4, total: 4, succeeded: 3, failed: 1 });
    expect(Object.isFrozen(progress[0])).toBe(true);
  });

  it('a throwing or rejecting progress callback never breaks the batch', async () => {
    const m = new BulkRetryManager({ baseDelay: 0 });
    let calls = 0;
    const r = await m.executeBulk([ok(1), ok(2), ok(3)], {
      onProgress: () => {
        calls++;
        if (calls === 1) throw new Error('progress bug');
        return Promise.reject(new Error('async progress bug'));
      },
    });
    expect(calls).toBe(3);
    expect(r.successRate).toBe(1);
  });
});

describe('BulkRetryManager: concurrency', () => {
  it('never runs more than `concurrency` operations at once, and does reach it', async () => {
    const clock = new VirtualClock();
    let inFlight = 0;
    let peak = 0;
    const ops = Array.from({ length: 25 }, (_, i) => async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise<void>((r) => clock.setTimeout(r, (i * 7) % 13));
      inFlight--;
      return i;
    });
    const p = new BulkRetryManager({ clock, concurrency: 4, timeout: Infinity }).executeBulk(ops);
    await clock.runAll();
    const r = await p;
    expect(r.successful).toHaveLength(25);
    expect(peak).toBe(4);
  });

  it('an operation waiting between retries still holds its slot', async () => {
    const clock = new VirtualClock();
    const started: number[] = [];
    const ops = [0, 1].map((i) => async ({ attempt }: { attempt: number }) => {
      if (attempt === 1) started.push(i);
      if (i === 0 && attempt === 1) throw new Error('retry me');
      return i;
    });
    const p = new BulkRetryManager({ clock, baseDelay: 100, concurrency: 1, timeout: Infinity, strategy: new FixedDelayStrategy({ delay: 100 }) }).executeBulk(ops);
    await flush();
    expect(started).toEqual([0]); // op 1 waits while op 0 sleeps 100 ms before its retry
    await clock.runAll();
    await p;
    expect(started).toEqual([0, 1]);
  });
});

describe('BulkRetryManager: cancellation', () => {
  it('abort mid-batch: no operation starts afterwards, running ones see ctx.signal abort, rejects with the reason', async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    const started: number[] = [];
    const attemptSignals: AbortSignal[] = [];
    const ops = Array.from({ length: 10 }, (_, i) => ({ signal }: { signal: AbortSignal }) => {
      started.push(i);
      attemptSignals.push(signal);
      return new Promise<number>((resolve) => clock.setTimeout(() => resolve(i), 10));
    });
    const progress: number[] = [];
    const m = new BulkRetryManager({ clock, concurrency: 3, timeout: Infinity });
    const p = m.executeBulk(ops, { signal: controller.signal, onProgress: ({ done }) => progress.push(done) });
    const reason = new Error('user cancelled');
    const check = expect(p).rejects.toBe(reason);
    await clock.advance(15); // ops 0-2 done, 3-5 running
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    controller.abort(reason);
    await check;
    await clock.runAll();
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    expect(attemptSignals.slice(3).every((s) => s.aborted && s.reason === reason)).toBe(true);
    expect(progress).toEqual([1, 2, 3]);
    expect(clock.pending).toBe(0);
  });

  it('an already aborted signal rejects at once and starts nothing', async () => {
    let calls = 0;
    const reason = new Error('before');
    const m = new BulkRetryManager({ baseDelay: 0 });
    await expect(
      m.executeBulk([async () => calls++], { signal: AbortSignal.abort(reason) }),
    ).rejects.toBe(reason);
    expect(calls).toBe(0);
  });

  it('abort during a retry wait cancels the sleep (no timer left)', async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    const m = new BulkRetryManager({ clock, baseDelay: 1000, timeout: Infinity, strategy: new FixedDelayStrategy({ delay: 1000 }) });
    const p = m.executeBulk([bad(), bad()], { signal: controller.signal });
    const check = expect(p).rejects.toBe('stop');
    await flush();
    expect(clock.pending).toBe(2);
    controller.abort('stop');
    await check;
    expect(clock.pending).toBe(0);
  });

  it('the constructor `signal` cancels every batch of the manager', async () => {
    const controller = new AbortController();
    const clock = new VirtualClock();
    const m = new BulkRetryManager({ clock, signal: controller.signal, timeout: Infinity });
    const p = m.executeBulk([() => new Promise((r) => clock.setTimeout(() => r(1), 10))]);
    const check = expect(p).rejects.toBe('shutdown');
    controller.abort('shutdown');
    await check;
    await expect(m.executeBulk([ok(1)])).rejects.toBe('shutdown');
  });
});

describe('BulkRetryManager: shared breaker, budget and metrics', () => {
  it('one metrics object records every operation of the batch', async () => {
    const metrics = new RetryMetrics();
    const m = new BulkRetryManager({ baseDelay: 0, maxAttempts: 2, metrics, partialSuccessThreshold: 0 });
    await m.executeBulk([ok(1), ok(2), bad(), ok(4)]);
    const stats = metrics.getStats();
    expect(stats).toMatchObject({ totalCalls: 4, successfulCalls: 3, failedCalls: 1, totalAttempts: 5 });
  });

  it('one budget caps retries across the whole batch', async () => {
    const clock = new VirtualClock();
    const budget = new RetryBudget({ ratio: 0.1, minRetriesPerSecond: 0, clock });
    const m = new BulkRetryManager({ clock, baseDelay: 0, maxAttempts: 5, budget, partialSuccessThreshold: 0, concurrency: 50 });
    let calls = 0;
    const r = await m.executeBulk(
      Array.from({ length: 50 }, () => async () => {
        calls++;
        throw new Error('down');
      }),
    );
    expect(calls).toBe(50 + 5); // 10 % of 50 first attempts
    expect(r.failed.filter((f) => f.error instanceof RetryBudgetExceededError).length).toBeGreaterThanOrEqual(45);
  });

  it('one breaker shared by the batch opens and fails the remaining operations fast without calling them', async () => {
    const clock = new VirtualClock();
    const breaker = new CircuitBreaker({ failureThreshold: 3, recoveryTimeout: 60_000, clock });
    const m = new BulkRetryManager({ clock, baseDelay: 0, maxAttempts: 1, circuitBreaker: breaker, partialSuccessThreshold: 0, concurrency: 1 });
    let calls = 0;
    const r = await m.executeBulk(
      Array.from({ length: 10 }, () => async () => {
        calls++;
        throw new Error('down');
      }),
    );
    expect(calls).toBe(3);
    expect(r.failed.slice(3).every((f) => f.error instanceof CircuitOpenError && f.attempts === 0)).toBe(true);
  });
});

describe('a signal shared by many batches (found by review)', () => {
  it('holds one abort listener however many batches run, none after, and still cancels them all', async () => {
    const shutdown = new AbortController();
    const m = new BulkRetryManager({ baseDelay: 0, signal: shutdown.signal });
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const batches = Array.from({ length: 11 }, () => m.executeBulk([() => gate.then(() => 1)]));
    await flush();
    expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(1);
    release();
    await Promise.all(batches);
    expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(0);

    const hung = Array.from({ length: 3 }, () => m.executeBulk([() => new Promise(() => {})]).catch((e: unknown) => e));
    shutdown.abort('stop');
    expect(await Promise.all(hung)).toEqual(['stop', 'stop', 'stop']);
  });
});
