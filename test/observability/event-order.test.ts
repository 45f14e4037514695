import { describe, expect, it } from 'vitest';
import { retryAsync } from '../../src/core/retry-async.js';
import { VirtualClock } from '../../src/core/virtual-clock.js';
import { MaxRetriesExceededError, RetryBudgetExceededError, RetryTimeoutError } from '../../src/errors/library-errors.js';
import { ValidationError } from '../../src/errors/vocabulary.js';
import { RetryPolicy } from '../../src/policies/retry-policy.js';
import { ExponentialBackoffStrategy } from '../../src/strategies/exponential.js';
import type { RetryAttempt } from '../../src/core/attempt.js';

// The table "Order of events" of docs/observability.md, row by row (maxAttempts 3, exponential
// backoff from 100 ms without jitter).
const policy = new RetryPolicy({
  strategy: new ExponentialBackoffStrategy({ maxAttempts: 3, baseDelay: 100, jitter: false }),
  nonRetryableErrors: [ValidationError],
});

function recorder() {
  const log: string[] = [];
  const handler = {
    onRetryStart: (a: RetryAttempt) => log.push(`start ${a.number}`),
    onRetryFailure: (a: RetryAttempt) => log.push(`failure ${a.number} ${a.nextDelay}`),
    onRetrySuccess: (a: RetryAttempt) => log.push(`success ${a.number}`),
    onMaxRetriesExceeded: (a: RetryAttempt) => log.push(`exceeded ${a.number}`),
  };
  return { log, handler };
}

async function run(fn: (ctx: { attempt: number }) => unknown, extra: Record<string, unknown> = {}, act?: (clock: VirtualClock) => Promise<void>) {
  const clock = new VirtualClock();
  const { log, handler } = recorder();
  const p = retryAsync(fn as never, { policy, clock, eventHandler: handler, ...extra });
  const outcome = p.then(
    (v) => ({ ok: true as const, v }),
    (e: unknown) => ({ ok: false as const, e }),
  );
  if (act) await act(clock);
  await clock.runAll();
  return { log, outcome: await outcome };
}

const fail = () => Promise.reject(new Error('x'));

describe('event order (docs/observability.md)', () => {
  it('success at once', async () => {
    const { log } = await run(async () => 1);
    expect(log).toEqual(['start 1', 'success 1']);
  });

  it('retry, then success', async () => {
    const { log } = await run(async ({ attempt }) => (attempt < 2 ? fail() : 1));
    expect(log).toEqual(['start 1', 'failure 1 100', 'start 2', 'success 2']);
  });

  it('attempts exhausted', async () => {
    const { log, outcome } = await run(fail);
    expect(log).toEqual(['start 1', 'failure 1 100', 'start 2', 'failure 2 200', 'start 3', 'failure 3 0', 'exceeded 3']);
    expect(!outcome.ok && outcome.e).toBeInstanceOf(MaxRetriesExceededError);
  });

  it('non-retryable error', async () => {
    const error = new ValidationError('no');
    const { log, outcome } = await run(() => Promise.reject(error));
    expect(log).toEqual(['start 1', 'failure 1 0']);
    expect(!outcome.ok && outcome.e).toBe(error);
  });

  it('total timeout expires during an attempt', async () => {
    const { log, outcome } = await run(() => new Promise(() => {}), { timeout: 500 });
    expect(log).toEqual(['start 1']);
    expect(!outcome.ok && outcome.e).toBeInstanceOf(RetryTimeoutError);
  });

  it('the next wait would cross the timeout', async () => {
    const { log, outcome } = await run(fail, { timeout: 50 });
    expect(log).toEqual(['start 1', 'failure 1 0']);
    expect(!outcome.ok && outcome.e).toBeInstanceOf(RetryTimeoutError);
  });

  it('signal aborts during a wait', async () => {
    const ac = new AbortController();
    const { log, outcome } = await run(fail, { signal: ac.signal }, async (clock) => {
      await clock.advance(50);
      ac.abort('stop');
    });
    expect(log).toEqual(['start 1', 'failure 1 100']);
    expect(!outcome.ok && outcome.e).toBe('stop');
  });

  it('signal aborts during an attempt', async () => {
    const ac = new AbortController();
    const { log, outcome } = await run(() => new Promise(() => {}), { signal: ac.signal }, async (clock) => {
      await clock.advance(10);
      ac.abort('stop');
    });
    expect(log).toEqual(['start 1']);
    expect(!outcome.ok && outcome.e).toBe('stop');
  });

  it('budget refuses the retry', async () => {
    const budget = { recordFirstAttempt() {}, tryAcquireRetry: () => false };
    const { log, outcome } = await run(fail, { budget });
    expect(log).toEqual(['start 1', 'failure 1 0']);
    expect(!outcome.ok && outcome.e).toBeInstanceOf(RetryBudgetExceededError);
  });
});
