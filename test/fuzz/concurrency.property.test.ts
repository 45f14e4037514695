/**
 * Many calls at once, sharing a breaker, a budget, metrics and an app-wide signal, with attempts
 * that succeed, fail, hang (honouring or ignoring their signal), total and attempt timeouts, and
 * aborts at random moments — all in virtual time. Whatever fast-check draws, once the clock has
 * run out:
 * - every call settled exactly once, with a value an attempt returned or an error it is allowed
 *   to end with;
 * - no attempt ran after its call settled, and no call made more than `maxAttempts` attempts;
 * - no timer of the library is left, no abort listener remains on any signal;
 * - the metrics saw every call; the breaker holds no probe slot.
 */
import { getEventListeners } from 'node:events';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AdvancedCircuitBreaker } from '../../src/breaker/advanced-circuit-breaker.js';
import { RetryBudget } from '../../src/budget/retry-budget.js';
import { retryAsync } from '../../src/core/retry-async.js';
import { flush, VirtualClock } from '../../src/core/virtual-clock.js';
import {
  CircuitOpenError,
  MaxRetriesExceededError,
  RetryBudgetExceededError,
  RetryTimeoutError,
} from '../../src/errors/library-errors.js';
import { ConnectionError, ValidationError } from '../../src/errors/vocabulary.js';
import { RetryMetrics } from '../../src/observability/metrics.js';
import { RetryPolicy } from '../../src/policies/retry-policy.js';
import { FixedDelayStrategy } from '../../src/strategies/fixed.js';

type Step =
  | { kind: 'ok'; after: number }
  | { kind: 'fail'; after: number }
  | { kind: 'permanent' }
  | { kind: 'hang' } // honours its signal, as fetch does
  | { kind: 'hangDeaf' }; // ignores its signal

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('ok' as const), after: fc.integer({ min: 0, max: 30 }) }),
  fc.record({ kind: fc.constant('fail' as const), after: fc.integer({ min: 0, max: 30 }) }),
  fc.constant({ kind: 'permanent' as const }),
  fc.constant({ kind: 'hang' as const }),
  fc.constant({ kind: 'hangDeaf' as const }),
);

const callSpec = fc.record({
  steps: fc.array(step, { minLength: 1, maxLength: 5 }),
  maxAttempts: fc.integer({ min: 1, max: 4 }),
  delay: fc.integer({ min: 0, max: 20 }),
  timeout: fc.integer({ min: 5, max: 200 }), // every call ends: hung attempts meet a deadline
  attemptTimeout: fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }),
  abortAt: fc.option(fc.integer({ min: 0, max: 150 }), { nil: undefined }),
  breaker: fc.boolean(),
  budget: fc.boolean(),
  appSignal: fc.boolean(),
});

describe('concurrent calls under cancellation (property)', () => {
  it('every call settles once, within its attempts, leaving no timer, listener or probe slot', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(callSpec, { minLength: 1, maxLength: 25 }), fc.option(fc.integer({ min: 0, max: 150 }), { nil: undefined }), async (specs, appAbortAt) => {
        const clock = new VirtualClock();
        const breaker = new AdvancedCircuitBreaker({ failureThreshold: 3, recoveryTimeout: 50, halfOpenMaxCalls: 2, clock });
        const budget = new RetryBudget({ ratio: 0.5, minRetriesPerSecond: 5, clock } as never);
        const metrics = new RetryMetrics();
        const app = new AbortController();
        const appReason = new Error('app shutdown');
        if (appAbortAt !== undefined) clock.setTimeout(() => app.abort(appReason), appAbortAt);

        const controllers: AbortController[] = [];
        const records = specs.map((spec, i) => {
          const record = { settled: 0, outcome: undefined as unknown, ok: false, attempts: 0, afterSettle: 0, values: new Set<string>(), own: new Set<unknown>() };
          const controller = new AbortController();
          controllers.push(controller);
          const callReason = new Error(`call ${i} aborted`);
          record.own.add(callReason);
          if (spec.abortAt !== undefined) clock.setTimeout(() => controller.abort(callReason), spec.abortAt);
          const signal = spec.appSignal ? AbortSignal.any([controller.signal, app.signal]) : controller.signal;
          const fn = ({ attempt, signal: s }: { attempt: number; signal: AbortSignal }): unknown => {
            record.attempts++;
            if (record.settled > 0) record.afterSettle++;
            const st = spec.steps[Math.min(attempt, spec.steps.length) - 1] as Step;
            switch (st.kind) {
              case 'ok': {
                const value = `call ${i} attempt ${attempt}`;
                record.values.add(value);
                return new Promise((resolve) => clock.setTimeout(() => resolve(value), st.after));
              }
              case 'fail': {
                const error = new ConnectionError(`call ${i} attempt ${attempt}`);
                record.own.add(error);
                return new Promise((_, reject) => clock.setTimeout(() => reject(error), st.after));
              }
              case 'permanent': {
                const error = new ValidationError(`call ${i} attempt ${attempt}`);
                record.own.add(error);
                throw error;
              }
              case 'hang':
                return new Promise((_, reject) => s.addEventListener('abort', () => reject(s.reason), { once: true }));
              default:
                return new Promise(() => {});
            }
          };
          retryAsync(fn, {
            clock,
            policy: new RetryPolicy({ strategy: new FixedDelayStrategy({ delay: spec.delay, maxAttempts: spec.maxAttempts }) }),
            timeout: spec.timeout,
            attemptTimeout: spec.attemptTimeout,
            signal,
            metrics,
            ...(spec.breaker ? { circuitBreaker: breaker } : {}),
            ...(spec.budget ? { budget } : {}),
          }).then(
            (value) => {
              record.settled++;
              record.ok = true;
              record.outcome = value;
            },
            (error: unknown) => {
              record.settled++;
              record.outcome = error;
            },
          );
          return { record, spec, signal, appReason, callReason };
        });

        await clock.runAll();
        await flush();

        for (const { record, spec, signal } of records) {
          expect(record.settled).toBe(1);
          expect(record.afterSettle).toBe(0);
          expect(record.attempts).toBeLessThanOrEqual(spec.maxAttempts);
          if (record.ok) expect(record.values.has(record.outcome as string)).toBe(true);
          else {
            const e = record.outcome;
            const allowed =
              e instanceof MaxRetriesExceededError ||
              e instanceof RetryTimeoutError ||
              e instanceof CircuitOpenError ||
              e instanceof RetryBudgetExceededError ||
              e === appReason ||
              record.own.has(e);
            expect(allowed, `unexpected rejection ${String(e)}`).toBe(true);
          }
          expect(getEventListeners(signal, 'abort')).toHaveLength(0);
        }
        for (const c of controllers) expect(getEventListeners(c.signal, 'abort')).toHaveLength(0);
        expect(getEventListeners(app.signal, 'abort')).toHaveLength(0);
        expect(clock.pending).toBe(0);
        expect(metrics.getStats().totalCalls).toBe(specs.length);
        expect(breaker.getStats().halfOpenCalls).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
