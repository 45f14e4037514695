import { BUDGET_SPAN, type BudgetExchange, type BudgetStore, type BudgetTotals } from '../budget/budget-store.js';
import { type Clock, realClock, unrefTimer } from '../core/clock.js';
import { checkFunction, describeValue } from '../core/validate.js';
import { BudgetGrid } from './budget-grid.js';
import { Health } from './fallback.js';
import { BUDGET_LUA } from './budget-lua.js';
import { type CommonConfig, commonConfig, type RedisStoreOptions } from './options.js';
import { Script } from './script.js';

/** Options of `new RedisBudgetStore()`. */
export interface RedisBudgetStoreOptions extends RedisStoreOptions {
  /** Monotonic time for `syncInterval`, `retryInterval` and the stagger (not for the buckets: the budget's clock decides those). @default realClock */
  clock?: Clock | undefined;
  /** A `[0,1)` source for the stagger of freed allowance between processes. @default Math.random */
  random?: (() => number) | undefined;
}

const script = /* @__PURE__ */ new Script(BUDGET_LUA);

/** How much more often the store syncs while its budgets grant retries. */
const RETRYING_SPEEDUP = 10;

/** A malformed reply counts as a Redis failure. */
const checkReply = (reply: unknown): readonly unknown[] => {
  if (!Array.isArray(reply) || reply.length !== 2 * BUDGET_SPAN || reply.some((x) => Number.isNaN(Number(x)))) {
    throw new TypeError(`unexpected reply from the budget script: ${String(reply)}`);
  }
  return reply;
};

const randomId = (): string => {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  return typeof c?.randomUUID === 'function' ? c.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
};

/**
 * A `BudgetStore` in Redis: every `RetryBudget` whose store uses the same `prefix` and `name`
 * (in any process) is limited by the fleet's combined first attempts and retries.
 *
 * `exchange` answers **synchronously** from this process's view: its own counts at once, everyone
 * else's as of the latest Redis reply. Counts travel to Redis in the background, at most every
 * `syncInterval` ms, one script at a time (cumulative per bucket, so a late or repeated request
 * never counts twice, and a restarted Redis gets every live process's counts back). So a budget
 * never waits for Redis, and when Redis is unusable it keeps deciding from its own counts plus
 * the others' last known ones (each process then also grants its own floor).
 *
 * @example
 * import Redis from 'ioredis';
 * import { RedisBudgetStore } from 'zenoo-retry/redis';
 * const store = new RedisBudgetStore({ client: new Redis(url), name: 'payments' });
 * const budget = new RetryBudget({ ratio: 0.1, store });
 */
export class RedisBudgetStore implements BudgetStore {
  /** The key of the shared totals, `<prefix>{budget:<name>}`. */
  readonly key: string;
  readonly #o: CommonConfig;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #health: Health;
  readonly #grids = new Map<number, BudgetGrid>();
  #client = randomId();
  #inFlight: Promise<void> | undefined;
  #lastSync = -Infinity;
  /** A retry was granted here since the latest sync started. */
  #retrying = false;
  /** The latest reply showed more retries by others than the one before. */
  #othersRetrying = false;
  #timer: unknown = undefined;
  #epoch = 0;

  constructor(options: RedisBudgetStoreOptions) {
    this.#o = commonConfig('RedisBudgetStore', options, ['clock', 'random']);
    const clock = options.clock;
    if (clock !== undefined && (clock === null || typeof clock !== 'object' || typeof clock.now !== 'function')) {
      throw new TypeError(`\`clock\` must be a Clock (an object with now()), got ${describeValue(clock)}`);
    }
    this.#clock = clock ?? realClock;
    this.#random = checkFunction<() => number>('random', options.random) ?? Math.random;
    this.key = `${this.#o.prefix}{budget:${this.#o.name}}`;
    this.#health = new Health({ store: 'budget', key: this.key, ...this.#o, clock: this.#clock });
  }

  /** This process's key of reported counts (changes on `reset`). */
  get clientKey(): string {
    return `${this.key}:c:${this.#client}`;
  }

  /**
   * Add the request's counts and return the totals as known here (see `BudgetStore.exchange`);
   * starts a background sync with Redis when one is due. Never waits, never throws.
   * @example store.exchange({ bucketWidth: 1000, bucket, firsts, retries });
   */
  exchange(request: BudgetExchange): BudgetTotals {
    let grid = this.#grids.get(request.bucketWidth);
    if (grid === undefined) this.#grids.set(request.bucketWidth, (grid = new BudgetGrid(request.bucketWidth)));
    const { totals, retried } = grid.exchange(request, this.#clock.now(), this.#random);
    if (retried) this.#retrying = true;
    this.#maybeSync();
    return totals;
  }

  /**
   * Push this process's counts to Redis and pull everyone else's now (waits for a sync already
   * in flight first). Resolves even when Redis is unusable. For tests and before shutdown.
   * @example await store.flush(); await budget.sync();
   */
  async flush(): Promise<void> {
    if (this.#inFlight !== undefined) await this.#inFlight;
    await this.#sync();
  }

  /**
   * Forget every shared count (see `BudgetStore.reset`): deletes the shared totals and starts
   * reporting under a new client key. When Redis is unusable only the local counts are forgotten.
   * @example await store.reset();
   */
  async reset(): Promise<void> {
    this.#epoch++;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#retrying = this.#othersRetrying = false;
    this.#grids.clear();
    this.#client = randomId();
    try {
      await this.#health.run(() => this.#o.client.call('DEL', this.key));
    } catch {
      // reported through the health events; the shared counts age out within one window
    }
  }

  /**
   * While retries are granted (here, or by others as of the latest reply), a decision on a stale
   * view could take free allowance another process takes too: then sync 10 × as often, and keep
   * doing so between this process's own events (one unref'd timer at a time, none when quiet).
   */
  #storm(): boolean {
    return this.#retrying || this.#othersRetrying;
  }

  #maybeSync(): void {
    if (this.#inFlight !== undefined) return;
    const now = this.#clock.now();
    const interval = this.#storm() ? this.#o.syncInterval / RETRYING_SPEEDUP : this.#o.syncInterval;
    if (now - this.#lastSync < interval) {
      this.#schedule(this.#lastSync + interval - now);
      return;
    }
    if (!this.#health.tryDue()) return;
    void this.#sync();
  }

  #schedule(delay: number): void {
    if (this.#timer !== undefined || !this.#storm() || this.#health.down) return;
    const clock = this.#clock;
    this.#timer = clock.setTimeout(() => {
      this.#timer = undefined;
      this.#maybeSync();
    }, delay);
    unrefTimer(this.#timer);
  }

  #sync(): Promise<void> {
    this.#lastSync = this.#clock.now();
    this.#retrying = false;
    const epoch = this.#epoch;
    const key = this.key;
    const clientKey = this.clientKey;
    const jobs: Promise<void>[] = [];
    let more = false;
    for (const grid of this.#grids.values()) {
      const sent = grid.report();
      if (sent === undefined) continue;
      const ttl = Math.ceil((BUDGET_SPAN + 1) * grid.width);
      const args = [String(grid.width), String(sent.newest), String(ttl), ...sent.firsts.map(String), ...sent.retries.map(String)];
      const run = () => script.run(this.#o.client, [key, clientKey], args).then(checkReply);
      jobs.push(
        this.#health.run(run).then((reply) => {
          if (epoch === this.#epoch && grid.apply(sent, reply)) more = true;
        }),
      );
    }
    const all = Promise.allSettled(jobs).then(() => {
      // failed grids keep their counts here: they go with the next sync
      if (epoch === this.#epoch) this.#othersRetrying = more;
    });
    const done = all.finally(() => {
      if (this.#inFlight === done) this.#inFlight = undefined;
      this.#schedule(Math.max(0, this.#lastSync + this.#o.syncInterval / RETRYING_SPEEDUP - this.#clock.now()));
    });
    this.#inFlight = done;
    return done;
  }
}
