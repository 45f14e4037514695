import {
  type Admission,
  type BreakerOutcome,
  type BreakerRules,
  type BreakerSnapshot,
  type BreakerStore,
  type BreakerStoreConfig,
  NO_TRANSITIONS,
  type Transition,
} from '../breaker/store.js';
import type { Clock } from '../core/clock.js';
import { checkOneOf, optNumber } from '../core/validate.js';
import { LOCAL_PERMIT_BASE, LocalBreaker } from './breaker-local.js';
import { parseReply, type RemoteView, rulesArgs } from './breaker-reply.js';
import { emitStoreEvent } from './events.js';
import { Health } from './fallback.js';
import { BREAKER_LUA } from './lua.js';
import { type CommonConfig, commonConfig, REDIS_STORE_DEFAULTS, type RedisStoreOptions } from './options.js';
import { Script } from './script.js';

/** Options of `new RedisBreakerStore()`. */
export interface RedisBreakerStoreOptions extends RedisStoreOptions {
  /** Ms after its latest change an unused breaker's keys expire (raised to at least 2 × recoveryTimeout and 2 × the window). @default 3600000 */
  keyTtl?: number | undefined;
  /**
   * The shared time base: `'server'` reads Redis `TIME` inside each script, so hosts with skewed
   * clocks agree; `'breaker'` uses the breaker's `clock` (tests with a manual clock; it must
   * then be common to every process, e.g. `Date.now`).
   * @default 'server'
   */
  time?: 'server' | 'breaker' | undefined;
}

const script = new Script(BREAKER_LUA);

const admission = (admitted: boolean, v: RemoteView, transitions: readonly Transition[]): Admission =>
  Object.freeze({ admitted, state: v.state, generation: v.generation, retryAfter: v.retryAfter, transitions });

/**
 * A `BreakerStore` in Redis: every process whose breaker uses the same `prefix` and `name`
 * shares one breaker. Each state change is one Lua script (atomic); counts, windows and probe
 * slots are shared. Redis trouble never reaches a call: after a failure or a `timeout` the store
 * answers from local state seeded with the shared state last seen, retries Redis in the
 * background every `retryInterval` ms, and switches back when it answers.
 *
 * A closed (or open) breaker is answered from the view of the latest reply for up to
 * `syncInterval` ms, refreshed in the background once it is half that old, and successes that
 * change nothing are batched: a healthy breaker adds no Redis round trip to a call.
 *
 * @example
 * import { createClient } from 'redis';
 * import { RedisBreakerStore } from 'zenoo-retry/redis';
 * const client = await createClient({ url: 'redis://127.0.0.1:6379' }).connect();
 * const breaker = new CircuitBreaker({ failureThreshold: 20, store: new RedisBreakerStore({ client, name: 'payments' }) });
 */
export class RedisBreakerStore implements BreakerStore {
  /** The key of the state hash, `<prefix>{breaker:<name>}`. */
  readonly key: string;
  /** The key of the sliding window (failure-rate mode), `<key>:w`. */
  readonly windowKey: string;
  readonly #o: CommonConfig;
  readonly #keyTtl: number;
  readonly #serverTime: boolean;
  #rules: BreakerRules | undefined;
  #fingerprint = '';
  #clock: Clock | undefined;
  #args: readonly string[] = [];
  #health: Health | undefined;
  #local: LocalBreaker | undefined;
  #onLocal = false;
  #view: RemoteView | undefined;
  #viewAt = 0;
  #offset = 0;
  #sent = 0;
  #applied = 0;
  #closed: Admission | undefined;
  #stash: Transition[] = [];
  #pendingGen = -1;
  #pendingCount = 0;
  #pendingSince = 0;
  #refreshing = false;
  #mismatchTold = false;
  /** Outcomes sent and not answered yet: until they are, the view may be about to change. */
  #recording = 0;

  constructor(options: RedisBreakerStoreOptions) {
    this.#o = commonConfig('RedisBreakerStore', options, ['keyTtl', 'time']);
    this.#keyTtl = optNumber('keyTtl', options.keyTtl, REDIS_STORE_DEFAULTS.keyTtl, { gt: 0 });
    this.#serverTime = checkOneOf('time', options.time, ['server', 'breaker'], REDIS_STORE_DEFAULTS.time) === 'server';
    this.key = `${this.#o.prefix}{breaker:${this.#o.name}}`;
    this.windowKey = `${this.key}:w`;
  }

  /** Called by the breaker. Breakers sharing this object must have equal rules. */
  configure(config: BreakerStoreConfig): void {
    const rules = config.rules;
    const w = rules.window;
    const ttl = Math.max(
      this.#keyTtl,
      2 * rules.recoveryTimeout,
      w?.type === 'time' ? 2 * w.size : 0,
      w !== undefined && w.maxAge !== Infinity ? 2 * w.maxAge : 0,
    );
    const args = rulesArgs(rules, ttl);
    const fingerprint = args[args.length - 1] as string;
    if (this.#rules !== undefined) {
      if (fingerprint !== this.#fingerprint) {
        throw new TypeError('RedisBreakerStore: a shared store needs breakers with the same rules');
      }
      return;
    }
    this.#rules = rules;
    this.#fingerprint = fingerprint;
    this.#args = args;
    this.#clock = config.clock;
    const o = this.#o;
    this.#health = new Health({ store: 'breaker', key: this.key, ...o, clock: config.clock });
    this.#local = new LocalBreaker(rules, () => config.clock.now() + this.#offset);
  }

  /** Admit or reject one call (see `BreakerStore.acquire`). */
  acquire(): Admission | Promise<Admission> {
    const rules = this.#cfg();
    if (this.#onLocal) return this.#fromLocal(() => (this.#local as LocalBreaker).acquire());
    const v = this.#view;
    const si = this.#o.syncInterval;
    if (v !== undefined && si > 0) {
      const age = (this.#clock as Clock).now() - this.#viewAt;
      if (age < si) {
        if (v.state === 'closed' && this.#recording === 0 && this.#healthy(v, rules)) {
          if (age >= si / 2) this.#refresh();
          const a = this.#closedAdmission(v);
          return this.#stash.length === 0 ? a : Object.freeze({ ...a, transitions: this.#takeStash(NO_TRANSITIONS) });
        }
        const retryAfter = v.since + rules.recoveryTimeout - (v.now + age);
        if (v.state === 'open' && retryAfter > 0) {
          if (age >= si / 2) this.#refresh();
          return Object.freeze({ ...admission(false, v, this.#takeStash(NO_TRANSITIONS)), retryAfter });
        }
      }
    }
    return this.#send('acquire').then(
      (view) => {
        const transitions = this.#takeStash(view.transitions);
        return view.admitted && view.state === 'closed' && transitions.length === 0
          ? this.#closedAdmission(view)
          : admission(view.admitted, view, transitions);
      },
      () => this.#fromLocal(() => (this.#local as LocalBreaker).acquire()),
    );
  }

  /** Apply the outcome of the call admitted with `permit` (see `BreakerStore.record`). */
  record(permit: number, outcome: BreakerOutcome): readonly Transition[] | Promise<readonly Transition[]> {
    this.#cfg();
    if (permit >= LOCAL_PERMIT_BASE) {
      // a permit of the local fallback: meaningful only while the fallback is in use
      if (!this.#onLocal) return this.#takeStash(NO_TRANSITIONS);
      return this.#fromLocal(() => (this.#local as LocalBreaker).record(permit, outcome));
    }
    if (this.#onLocal) return this.#fromLocal(() => NO_TRANSITIONS); // a shared permit's outcome cannot be shared now
    const v = this.#view;
    const si = this.#o.syncInterval;
    const now = (this.#clock as Clock).now();
    if (v !== undefined && v.state === 'closed' && permit === v.generation && si > 0 && now - this.#viewAt < si) {
      if (outcome === 'ignored') return this.#takeStash(NO_TRANSITIONS); // changes nothing while closed
      if (outcome === 'success' && this.#canDefer(v)) {
        if (this.#pendingGen !== v.generation || this.#pendingCount === 0) {
          this.#pendingGen = v.generation;
          this.#pendingCount = 0;
          this.#pendingSince = now;
        }
        this.#pendingCount++;
        if (now - this.#pendingSince >= si / 2) this.#refresh();
        return this.#takeStash(NO_TRANSITIONS);
      }
    }
    this.#recording++;
    return this.#send('record', permit, outcome).then(
      (view) => {
        this.#recording--;
        return this.#takeStash(view.transitions);
      },
      () => {
        this.#recording--;
        return this.#takeStash(NO_TRANSITIONS);
      },
    );
  }

  /** The shared state, settled (see `BreakerStore.read`). */
  read(): BreakerSnapshot | Promise<BreakerSnapshot> {
    this.#cfg();
    if (this.#onLocal) return this.#fromLocal(() => (this.#local as LocalBreaker).read());
    return this.#send('read').then(
      (v) =>
        Object.freeze({
          state: v.state,
          generation: v.generation,
          since: v.since,
          consecutiveFailures: v.consecutiveFailures,
          calls: v.calls,
          failures: v.failures,
          slowCalls: v.slowCalls,
          probes: v.probes,
          probeSuccesses: v.probeSuccesses,
          transitions: this.#takeStash(v.transitions),
        }),
      () => this.#fromLocal(() => (this.#local as LocalBreaker).read()),
    );
  }

  /** Close the shared breaker (see `BreakerStore.reset`). While Redis is unusable only the local state is reset. */
  reset(): readonly Transition[] | Promise<readonly Transition[]> {
    this.#cfg();
    this.#pendingCount = 0;
    if (this.#onLocal) return this.#fromLocal(() => (this.#local as LocalBreaker).reset());
    this.#view = undefined; // no call may be admitted from the view of before the reset
    return this.#send('reset').then(
      (view) => this.#takeStash(view.transitions),
      () => this.#fromLocal(() => (this.#local as LocalBreaker).reset()),
    );
  }

  /** One script run; the reply updates the view. Rejects on failure (the store is then on local state). */
  #send(op: string, permit = -1, outcome = ''): Promise<RemoteView> {
    const seq = ++this.#sent;
    const pending = this.#pendingCount;
    this.#pendingCount = 0;
    const clock = this.#clock as Clock;
    const args = [
      op,
      this.#serverTime ? '' : String(clock.now()),
      ...this.#args,
      String(permit),
      outcome,
      String(pending > 0 ? this.#pendingGen : -1),
      String(pending),
    ];
    const health = this.#health as Health;
    return health.run(() => script.run(this.#o.client, [this.key, this.windowKey], args).then(parseReply)).then(
      (view) => {
        this.#take(view, seq);
        return view;
      },
      (error: unknown) => {
        this.#toLocal();
        throw error;
      },
    );
  }

  #take(view: RemoteView, seq: number): void {
    if (view.mismatch && !this.#mismatchTold) {
      this.#mismatchTold = true;
      emitStoreEvent(this.#o.onEvent, { type: 'rules-mismatch', store: 'breaker', key: this.key });
    }
    if (this.#onLocal) {
      // Redis is back: adopt the shared state; tell the breaker if that changes its state
      this.#onLocal = false;
      const from = (this.#local as LocalBreaker).state;
      const to = view.transitions[0]?.from ?? view.state;
      if (from !== to) this.#stash.push(Object.freeze({ from, to, at: view.now }));
    }
    if (seq < this.#applied) return; // an older reply than the view in use
    this.#applied = seq;
    const now = (this.#clock as Clock).now();
    this.#view = view;
    this.#viewAt = now;
    if (this.#serverTime) this.#offset = view.now - now;
  }

  #toLocal(): void {
    if (this.#onLocal) return;
    this.#onLocal = true;
    this.#pendingCount = 0;
    (this.#local as LocalBreaker).seed(this.#view, (this.#clock as Clock).now() + this.#offset);
    this.#view = undefined;
  }

  /** Answer from the local fallback; while on it, try Redis again in the background when due. */
  #fromLocal<T extends { transitions: readonly Transition[] } | readonly Transition[]>(answer: () => T): T {
    const health = this.#health as Health;
    if (this.#onLocal && health.tryDue()) this.#refresh();
    const out = answer();
    if (this.#stash.length === 0) return out;
    if (Array.isArray(out)) return this.#takeStash(out as readonly Transition[]) as T;
    const o = out as { transitions: readonly Transition[] };
    return Object.freeze({ ...o, transitions: this.#takeStash(o.transitions) }) as T;
  }

  /** A background read: refreshes the view (and flushes batched successes); its transitions are stashed. */
  #refresh(): void {
    if (this.#refreshing) return;
    this.#refreshing = true;
    this.#send('read').then(
      (view) => {
        this.#refreshing = false;
        if (view.transitions.length !== 0) this.#stash.push(...view.transitions);
      },
      () => {
        this.#refreshing = false;
      },
    );
  }

  /** Transitions made in the background first, then `own`. */
  #takeStash(own: readonly Transition[]): readonly Transition[] {
    if (this.#stash.length === 0) return own;
    const all = [...this.#stash, ...own];
    this.#stash = [];
    return all;
  }

  #closedAdmission(v: RemoteView): Admission {
    const a = this.#closed;
    if (a !== undefined && a.generation === v.generation) return a;
    return (this.#closed = Object.freeze({
      admitted: true,
      state: 'closed',
      generation: v.generation,
      retryAfter: 0,
      transitions: NO_TRANSITIONS,
    }));
  }

  /**
   * Whether the view may admit calls without asking Redis: no failure streak (consecutive mode),
   * or failure and slow-call rates under half their thresholds (rate mode). While failures
   * accumulate every admission asks Redis, so that when the fleet's breaker opens each process
   * stops after the attempts it already had in flight.
   */
  #healthy(v: RemoteView, rules: BreakerRules): boolean {
    const w = rules.window;
    if (w === undefined) return v.consecutiveFailures === 0;
    if (v.calls === 0) return true;
    const f = w.failureRateThreshold;
    const s = w.slowCallRateThreshold;
    return (f === undefined || v.failures / v.calls < f / 2) && (s === undefined || v.slowCalls / v.calls < s / 2);
  }

  /** Whether a success can wait for the next round trip: it cannot reset a streak or open the breaker. */
  #canDefer(v: RemoteView): boolean {
    const w = (this.#rules as BreakerRules).window;
    if (w === undefined) return v.consecutiveFailures === 0;
    // As in MemoryBreakerStore, a plain success can open the breaker only when it completes minimumThroughput.
    let calls = v.calls + this.#pendingCount + 1;
    if (w.type === 'count' && calls > w.size) calls = w.size;
    if (calls !== w.minimumThroughput) return true;
    const f = w.failureRateThreshold;
    const s = w.slowCallRateThreshold;
    return !((f !== undefined && v.failures / calls >= f) || (s !== undefined && v.slowCalls / calls >= s));
  }

  #cfg(): BreakerRules {
    if (this.#rules === undefined) throw new TypeError('RedisBreakerStore: configure() was not called');
    return this.#rules;
  }
}
