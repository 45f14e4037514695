import { compile, type Plan, RETRY_OPTION_KEYS, type RetryOptions } from '../core/options.js';
import { type AttemptContext, execute } from '../core/retry-async.js';
import { type AbortSubscriber, subscribe, unsubscribe } from '../core/abort-registry.js';
import { safeInvoke } from '../core/safe-invoke.js';
import { checkFunction, checkKnownKeys, checkNumber, checkObject, describeValue } from '../core/validate.js';
import { BulkRetryError } from '../errors/library-errors.js';

/**
 * Options of `new BulkRetryManager()`: the bulk settings below plus every `RetryOptions`
 * (policy, strategy, timeout, attemptTimeout, circuitBreaker, budget, metrics, eventHandler,
 * clock, signal …), applied to each operation. Every option is optional; `undefined` keeps
 * the default.
 */
export interface BulkRetryOptions extends Omit<RetryOptions, 'delay'> {
  /**
   * Calls per operation, the first included. Integer >= 1.
   * @default 3 (or the given `strategy`/`policy`'s own value when one is passed)
   */
  maxAttempts?: number | undefined;
  /**
   * The strategy's base delay in ms (`delay` in `RetryOptions`). Finite, >= 0.
   * @default 1000 (or the given `strategy`/`policy`'s own value when one is passed)
   */
  baseDelay?: number | undefined;
  /** Alias of `baseDelay` (the `RetryOptions` name); pass one or the other. */
  delay?: number | undefined;
  /**
   * Lowest acceptable `successRate`, 0..1. Below it `executeBulk` rejects with
   * `BulkRetryError` (whose `result` is the full `BulkResult`). `1` = every operation must
   * succeed; `0` = never reject for failures.
   * @default 1
   */
  partialSuccessThreshold?: number | undefined;
  /** Operations running at once. Integer >= 1, or `Infinity` for no limit. @default 10 */
  concurrency?: number | undefined;
}

/** The defaults of `BulkRetryManager` (ms). */
export const BULK_DEFAULTS = /* @__PURE__ */ Object.freeze({
  maxAttempts: 3,
  baseDelay: 1000,
  partialSuccessThreshold: 1,
  concurrency: 10,
});

/** One operation of a batch. It gets the executor's `{ attempt, signal }` (use `signal` to stop I/O). */
export type BulkOperation<T> = (ctx: AttemptContext) => T | PromiseLike<T>;

/** What `onProgress` receives after each operation settles. */
export interface BulkProgress {
  /** Operations settled so far (succeeded + failed). */
  readonly done: number;
  /** Operations in the batch. */
  readonly total: number;
  /** Operations that succeeded so far. */
  readonly succeeded: number;
  /** Operations that failed so far (after their retries). */
  readonly failed: number;
}

/** Per-batch options of `executeBulk`. */
export interface BulkExecuteOptions {
  /**
   * Cancels the whole batch: no further operation starts, running ones are cancelled through
   * the executor (their `ctx.signal` aborts) and `executeBulk` rejects with `signal.reason`.
   */
  signal?: AbortSignal | undefined;
  /** Called after each operation settles (never awaited; its throws are ignored). */
  onProgress?: ((progress: BulkProgress) => unknown) | undefined;
}

/** A succeeded operation. */
export interface BulkSuccess<T> {
  /** Position in the `operations` array. */
  index: number;
  value: T;
  /** Times the operation was called (1 = first try). */
  attempts: number;
}

/** A failed operation. */
export interface BulkFailure {
  /** Position in the `operations` array. */
  index: number;
  /** What a single `retryAsync` of this operation would have rejected with. */
  error: unknown;
  /** Times the operation was called (0 if never: e.g. an open breaker refused it). */
  attempts: number;
}

/** The outcome of a batch; both lists are sorted by `index`, every index is in exactly one. */
export interface BulkResult<T> {
  successful: BulkSuccess<T>[];
  failed: BulkFailure[];
  /** `operations.length`. */
  total: number;
  /** `successful.length / total`; `1` for an empty batch. */
  successRate: number;
}

const BULK_KEYS = ['baseDelay', 'partialSuccessThreshold', 'concurrency'];
const KNOWN: ReadonlySet<string> = /* @__PURE__ */ new Set([...RETRY_OPTION_KEYS, ...BULK_KEYS]);
const EXECUTE_KEYS: ReadonlySet<string> = /* @__PURE__ */ new Set(['signal', 'onProgress']);

const isSignal = (v: unknown): v is AbortSignal =>
  v !== null && typeof v === 'object' && typeof (v as AbortSignal).addEventListener === 'function';

/**
 * Runs many operations, each retried independently through the one executor, at most
 * `concurrency` at a time, and reports them by input index. A breaker, budget or metrics
 * passed in the options are shared by every operation of every batch.
 *
 * @example
 * const bulk = new BulkRetryManager({ maxAttempts: 3, baseDelay: 200, concurrency: 8, partialSuccessThreshold: 0.9 });
 * const result = await bulk.executeBulk(ids.map((id) => ({ signal }) => fetchUser(id, { signal })), {
 *   onProgress: ({ done, total }) => bar.update(done / total),
 * });
 * result.successful.forEach(({ index, value }) => save(ids[index], value));
 */
export class BulkRetryManager {
  /** Operations running at once. @default 10 */
  readonly concurrency: number;
  /** Lowest `successRate` that resolves. @default 1 */
  readonly partialSuccessThreshold: number;
  /** Calls per operation, the first included. @default 3 */
  readonly maxAttempts: number;
  readonly #plan: Plan;

  /**
   * Validates every option at once (RangeError/TypeError naming option and value).
   * @example
   * new BulkRetryManager({ concurrency: 32, budget: new RetryBudget(), metrics });
   */
  constructor(options: BulkRetryOptions = {}) {
    checkObject('options', options);
    checkKnownKeys('BulkRetryManager', options, KNOWN);
    const { baseDelay, partialSuccessThreshold, concurrency, ...rest } = options;
    const d = BULK_DEFAULTS;
    this.partialSuccessThreshold =
      partialSuccessThreshold === undefined
        ? d.partialSuccessThreshold
        : checkNumber('partialSuccessThreshold', partialSuccessThreshold, { min: 0, max: 1 });
    this.concurrency =
      concurrency === undefined
        ? d.concurrency
        : checkNumber('concurrency', concurrency, { integer: true, min: 1, allowInfinity: true });
    if (baseDelay !== undefined && rest.delay !== undefined) {
      throw new TypeError(
        `BulkRetryManager: pass \`baseDelay\` or its alias \`delay\`, not both (got ${describeValue(baseDelay)} and ${describeValue(rest.delay)})`,
      );
    }
    // Checked here, not left to compile(): `null` must not fall into `??=` below (only
    // `undefined` means "default"), and an error about `baseDelay` must name `baseDelay`.
    if (rest.maxAttempts !== undefined) checkNumber('maxAttempts', rest.maxAttempts, { integer: true, min: 1 });
    if (rest.delay !== undefined) checkNumber('delay', rest.delay, { min: 0 });
    const retry: RetryOptions = rest;
    if (baseDelay !== undefined) retry.delay = checkNumber('baseDelay', baseDelay, { min: 0 });
    // Without a strategy or policy of the user's, the bulk defaults apply; with one, its values.
    if (rest.strategy === undefined && rest.policy === undefined) {
      retry.maxAttempts ??= d.maxAttempts;
      retry.delay ??= d.baseDelay;
    }
    this.#plan = compile(retry, 'BulkRetryManager');
    this.maxAttempts = this.#plan.maxAttempts;
  }

  /**
   * Run every operation (each retried on its own), at most `concurrency` at a time, and
   * resolve with the outcomes by input index. Rejects with `BulkRetryError` (carrying the same
   * result) when `successRate < partialSuccessThreshold`, and with `signal.reason` when the
   * batch is cancelled. A non-array or a non-function entry throws a TypeError at once.
   * @example
   * const { successful, failed, successRate } = await bulk.executeBulk(jobs, { signal: AbortSignal.timeout(60_000) });
   */
  executeBulk<T>(
    operations: ReadonlyArray<BulkOperation<T>>,
    options: BulkExecuteOptions = {},
  ): Promise<BulkResult<Awaited<T>>> {
    if (!Array.isArray(operations)) {
      throw new TypeError(`executeBulk: \`operations\` must be an array of functions, got ${describeValue(operations)}`);
    }
    for (let i = 0; i < operations.length; i++) {
      if (typeof operations[i] !== 'function') {
        throw new TypeError(`executeBulk: \`operations[${i}]\` must be a function, got ${describeValue(operations[i])}`);
      }
    }
    checkObject('options', options);
    checkKnownKeys('executeBulk', options, EXECUTE_KEYS);
    const { signal, onProgress } = options;
    if (signal !== undefined && !isSignal(signal)) {
      throw new TypeError(`\`signal\` must be an AbortSignal, got ${describeValue(signal)}`);
    }
    checkFunction('onProgress', onProgress);
    return runBatch(this.#plan, operations.slice(), this.concurrency, this.partialSuccessThreshold, signal, onProgress);
  }
}

type Outcome<T> = BulkSuccess<T> | BulkFailure;

/** The worker pool: `min(concurrency, n)` loops pull the next index; O(concurrency) live promises. */
async function runBatch<T>(
  plan: Plan,
  ops: ReadonlyArray<BulkOperation<T>>,
  concurrency: number,
  threshold: number,
  signal: AbortSignal | undefined,
  onProgress: BulkExecuteOptions['onProgress'],
): Promise<BulkResult<Awaited<T>>> {
  const sources = [plan.signal, signal].filter((s): s is AbortSignal => s !== undefined);
  for (const s of sources) if (s.aborted) throw s.reason;
  const total = ops.length;
  const outcomes: Array<Outcome<Awaited<T>> | undefined> = new Array(total);
  const ok = new Uint8Array(total);
  const workers = Math.min(concurrency, total);
  let next = 0;
  let succeeded = 0;
  let failed = 0;
  let stopped = false;
  let reason: unknown;
  // One controller per worker, so each signal carries at most one executor listener at a time.
  const controllers: AbortController[] = [];
  // Through the abort registry: one listener per signal however many batches share it.
  const subscriber: AbortSubscriber = {
    onSignalAbort(why: unknown): void {
      if (stopped) return;
      stopped = true;
      reason = why;
      for (const c of controllers) c.abort(reason);
    },
  };
  for (const s of sources) subscribe(s, subscriber);

  const work = async (controller: AbortController | undefined): Promise<void> => {
    const callSignal = controller?.signal;
    while (!stopped && next < total) {
      const index = next++;
      const op = ops[index] as BulkOperation<T>;
      let attempts = 0;
      const fn = (ctx: AttemptContext): T | PromiseLike<T> => {
        attempts = ctx.attempt;
        return op(ctx);
      };
      try {
        let call: Promise<T>;
        try {
          call = execute(plan, fn, callSignal);
        } catch (error) {
          call = Promise.reject(error); // a custom guard threw synchronously
        }
        const value = (await call) as Awaited<T>;
        if (stopped) return;
        outcomes[index] = { index, value, attempts };
        ok[index] = 1;
        succeeded++;
      } catch (error) {
        if (stopped) return;
        outcomes[index] = { index, error, attempts };
        failed++;
      }
      if (onProgress !== undefined) safeInvoke(onProgress, undefined, Object.freeze({ done: succeeded + failed, total, succeeded, failed }));
    }
  };

  const pool: Array<Promise<void>> = [];
  for (let w = 0; w < workers; w++) {
    const controller = sources.length > 0 ? new AbortController() : undefined;
    if (controller !== undefined) controllers.push(controller);
    pool.push(work(controller));
  }
  try {
    await Promise.all(pool);
  } finally {
    for (const s of sources) unsubscribe(s, subscriber);
  }
  if (stopped) throw reason;

  const result: BulkResult<Awaited<T>> = {
    successful: new Array<BulkSuccess<Awaited<T>>>(succeeded),
    failed: new Array<BulkFailure>(failed),
    total,
    successRate: total === 0 ? 1 : succeeded / total,
  };
  for (let i = 0, s = 0, f = 0; i < total; i++) {
    if (ok[i] === 1) result.successful[s++] = outcomes[i] as BulkSuccess<Awaited<T>>;
    else result.failed[f++] = outcomes[i] as BulkFailure;
  }
  if (result.successRate < threshold) {
    throw new BulkRetryError({
      result,
      ...(result.failed.length > 0 ? { cause: result.failed[0]?.error } : {}),
      message:
        `Bulk operation: ${succeeded} of ${total} operations succeeded (successRate ${round(result.successRate)}), ` +
        `below partialSuccessThreshold ${threshold}`,
    });
  }
  return result;
}

const round = (x: number): number => Math.round(x * 10_000) / 10_000;
