/**
 * The two phases of `zenoo-retry demo` against one flaky server: the same requests first with a
 * plain `fetch` (no retry), then through `networkRetry` with an `AdvancedCircuitBreaker`, a
 * `RetryBudget` and `RetryMetrics`. Returns the numbers; demo-report.ts renders them.
 */
import { AdvancedCircuitBreaker } from '../breaker/advanced-circuit-breaker.js';
import type { BreakerStats, StateChangeEvent } from '../breaker/breaker-events.js';
import { type RetryBudgetStats, RetryBudget } from '../budget/retry-budget.js';
import { classifyError } from '../classify/classify-error.js';
import { currentAttempt } from '../core/attempt-context.js';
import { networkRetry } from '../decorators/presets-wrappers.js';
import { HTTPError } from '../errors/vocabulary.js';
import { type RetryStats, RetryMetrics } from '../observability/metrics.js';
import { ExponentialBackoffStrategy } from '../strategies/exponential.js';
import type { FlakyServer, ServerCounts } from './flaky-server.js';
import { quantile, round } from './format.js';
import { drive, type Outcome, type Progress } from './load.js';
import { mixSeed, mulberry32 } from './rng.js';

/** The demo's client-side configuration (the `params.client` of `--json`). */
export const DEMO_CLIENT = Object.freeze({
  /** networkRetry's preset has 5 attempts and a 2 s base; the demo keeps 5 and shrinks time. */
  maxAttempts: 5,
  baseDelay: 25,
  maxDelay: 1000,
  /** An attempt slower than this fails with RequestTimeoutError (retryable). */
  attemptTimeout: 200,
  breaker: Object.freeze({
    failureRateThreshold: 0.5,
    slidingWindow: Object.freeze({ type: 'count' as const, size: 20 }),
    minimumThroughput: 10,
    recoveryTimeout: 500,
    halfOpenMaxCalls: 3,
    successThreshold: 2,
  }),
  /** RetryBudget defaults: ratio 0.1, minRetriesPerSecond 10, window 10000. */
  budget: Object.freeze({}),
});

/** Latency percentiles of a phase, ms. */
export interface Latency {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** Requests that started in one part of the phase. */
export interface Segment {
  readonly requests: number;
  readonly succeeded: number;
  /** `succeeded / requests` (0 when there were none). */
  readonly successRate: number;
}

/** One phase's numbers. */
export interface PhaseReport {
  readonly requests: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly successRate: number;
  /** Success by when the request started: before, during and after the outage window. */
  readonly segments: { readonly beforeOutage: Segment; readonly duringOutage: Segment; readonly afterOutage: Segment };
  /** Per request, from its start to its end (waits included), measured by the demo. */
  readonly latency: Latency;
  /** The same, over the requests that succeeded. */
  readonly latencySucceeded: Latency;
  /** Why requests failed: reason → count. */
  readonly failures: Readonly<Record<string, number>>;
  /** What the server did during the phase. */
  readonly server: Readonly<ServerCounts>;
  readonly durationMs: number;
}

/** The retry phase adds the library's view. */
export interface RetryPhaseReport extends PhaseReport {
  /** Attempts per request → number of requests ("1" = succeeded or gave up at once). */
  readonly attempts: Readonly<Record<string, number>>;
  /** Retries the budget refused (requests that failed with RetryBudgetExceededError). */
  readonly budgetRefusals: number;
  readonly breaker: {
    /** `at` in ms since the phase started. */
    readonly transitions: readonly StateChangeEvent[];
    /** `breaker.getStats()` at the end, `lastTransitionAt` in ms since the phase started. */
    readonly stats: BreakerStats;
  };
  readonly budget: RetryBudgetStats;
  readonly metrics: RetryStats;
}

const latencyOf = (outcomes: readonly Outcome[]): Latency => {
  const sorted = outcomes.map((o) => o.latency).sort((a, b) => a - b);
  return {
    p50: round(quantile(sorted, 0.5)),
    p95: round(quantile(sorted, 0.95)),
    p99: round(quantile(sorted, 0.99)),
    max: round(sorted[sorted.length - 1] ?? 0),
  };
};

const segment = (outcomes: readonly Outcome[]): Segment => {
  const succeeded = outcomes.filter((o) => o.ok).length;
  return { requests: outcomes.length, succeeded, successRate: round(succeeded / Math.max(1, outcomes.length), 4) };
};

const summarize = (outcomes: readonly Outcome[], server: FlakyServer, durationMs: number): PhaseReport => {
  const failures: Record<string, number> = {};
  for (const o of outcomes) if (!o.ok) failures[o.reason] = (failures[o.reason] ?? 0) + 1;
  const { start, end } = server.outage;
  const all = segment(outcomes);
  return {
    requests: all.requests,
    succeeded: all.succeeded,
    failed: all.requests - all.succeeded,
    successRate: all.successRate,
    segments: {
      beforeOutage: segment(outcomes.filter((o) => o.startedAt < start)),
      duringOutage: segment(outcomes.filter((o) => o.startedAt >= start && o.startedAt < end)),
      afterOutage: segment(outcomes.filter((o) => o.startedAt >= end)),
    },
    latency: latencyOf(outcomes),
    latencySucceeded: latencyOf(outcomes.filter((o) => o.ok)),
    failures,
    server: { ...server.counts },
    durationMs: round(durationMs),
  };
};

const headers = (id: number, attempt: number): Record<string, string> => ({
  'x-demo-request': String(id),
  'x-demo-attempt': String(attempt),
});

/** Breaker stats with `lastTransitionAt` in ms since the phase started, like the transitions. */
const relativeStats = (stats: BreakerStats, start: number): BreakerStats => ({
  ...stats,
  lastTransitionAt: round(stats.lastTransitionAt - start),
});

/** Why a call failed, in a few words. */
export function reasonOf(error: unknown): string {
  if (error instanceof HTTPError) return `HTTP ${error.status}`;
  const name = (error as { name?: unknown } | null)?.name;
  if (typeof name === 'string' && name !== 'Error' && name !== 'TypeError') return name;
  const category = classifyError(error).category;
  return category === 'network' ? 'connection reset' : category;
}

/** Phase 1: every request once, with a plain fetch. */
export async function runWithoutRetries(
  server: FlakyServer,
  requests: number,
  interval: number,
  concurrency: number,
  onProgress: (p: Progress) => void,
): Promise<PhaseReport> {
  server.beginPhase();
  const start = performance.now();
  const outcomes = await drive(requests, interval, concurrency, async (id, startedAt) => {
    const t0 = performance.now();
    try {
      const res = await fetch(server.url, { headers: headers(id, 1) });
      await res.arrayBuffer();
      const reason = res.ok ? 'ok' : `HTTP ${res.status}`;
      return { ok: res.ok, attempts: 1, latency: performance.now() - t0, reason, startedAt };
    } catch (error) {
      return { ok: false, attempts: 1, latency: performance.now() - t0, reason: reasonOf(error), startedAt };
    }
  }, onProgress);
  return summarize(outcomes, server, performance.now() - start);
}

/** Phase 2: the same requests through the library. */
export async function runWithRetries(
  server: FlakyServer,
  requests: number,
  interval: number,
  concurrency: number,
  seed: number,
  onProgress: (p: Progress, breakerState: string) => void,
): Promise<RetryPhaseReport> {
  const c = DEMO_CLIENT;
  const breaker = new AdvancedCircuitBreaker({
    ...c.breaker,
    slidingWindow: { ...c.breaker.slidingWindow },
    // A 429 is the server asking for patience, not a sign of ill health: it does not count.
    expectedExceptions: [(error: unknown) => classifyError(error).category !== 'rate-limit'],
  });
  const budget = new RetryBudget({ ...c.budget });
  const metrics = new RetryMetrics();
  // Seeded jitter; networkRetry derives its strategy from this one with the overrides below.
  const strategy = new ExponentialBackoffStrategy({ random: mulberry32(mixSeed(seed, 0x6a177e5)) });
  const transitions: StateChangeEvent[] = [];
  server.beginPhase();
  const start = performance.now();
  breaker.on('stateChange', (e) => transitions.push({ ...e, at: round(e.at - start) }));
  // What a user writes: one wrapped function, shared breaker, budget and metrics. A wrapped
  // function keeps its parameters; `currentAttempt()` gives it the attempt number (sent to the
  // server, which keys its seeded misbehaviour on it) and the attempt's signal, so a request that
  // outlives `attemptTimeout` is really aborted.
  const attemptsOf = new Map<number, number>();
  const getItem = networkRetry({
    strategy,
    maxAttempts: c.maxAttempts,
    baseDelay: c.baseDelay,
    maxDelay: c.maxDelay,
    attemptTimeout: c.attemptTimeout,
    circuitBreaker: breaker,
    budget,
    metrics,
  })(async (id: number): Promise<unknown> => {
    const { attempt, signal } = currentAttempt() ?? { attempt: (attemptsOf.get(id) ?? 0) + 1, signal: undefined };
    attemptsOf.set(id, attempt);
    const res = await fetch(server.url, { headers: headers(id, attempt), ...(signal ? { signal } : {}) });
    if (!res.ok) {
      await res.body?.cancel();
      throw new HTTPError(res.status, `HTTP ${res.status}`, { response: res });
    }
    return res.json();
  });
  const outcomes = await drive(
    requests,
    interval,
    concurrency,
    async (id, startedAt) => {
      const t0 = performance.now();
      try {
        await getItem(id);
        return { ok: true, attempts: attemptsOf.get(id) ?? 0, latency: performance.now() - t0, reason: 'ok', startedAt };
      } catch (error) {
        return { ok: false, attempts: attemptsOf.get(id) ?? 0, latency: performance.now() - t0, reason: reasonOf(error), startedAt };
      }
    },
    (p) => onProgress(p, breaker.state),
  );
  const base = summarize(outcomes, server, performance.now() - start);
  const attempts: Record<string, number> = {};
  for (const o of outcomes) attempts[String(o.attempts)] = (attempts[String(o.attempts)] ?? 0) + 1;
  return {
    ...base,
    attempts,
    budgetRefusals: base.failures.RetryBudgetExceededError ?? 0,
    breaker: { transitions, stats: relativeStats(breaker.getStats(), start) },
    budget: budget.getStats(),
    metrics: metrics.getStats(),
  };
}
